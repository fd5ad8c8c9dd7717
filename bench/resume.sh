#!/usr/bin/env bash
# resume.sh measures `resume` end to end against the issue's target: a run
# of a 1000-item foreach that failed in its join is resumed, cloning Start
# and the 1000 bodies by reference (target: cloning <= 2 s) and rerunning
# the join and End. The flow is written, generated and built in a temp
# module, as a user would.
# Usage: bench/resume.sh [N=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
n=${N:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bench"
sed 's|^module github.com/flowc-dev/flowc|module example.com/resumebench|' go.mod >"$tmp/go.mod"
printf '\nrequire github.com/flowc-dev/flowc v0.0.0\n\nreplace github.com/flowc-dev/flowc => %s\n' "$repo" >>"$tmp/go.mod"
cp go.sum "$tmp/go.sum"
cat >"$tmp/bench/flow.go" <<'GO'
package main

//go:generate go tool flowc

import (
	"context"
	"errors"
	"os"

	"github.com/flowc-dev/flowc/rt"
)

// ResumeBenchFlow fans out N items; its join fails when RESUME_BENCH_FAIL=1.
//
//flow:flow
type ResumeBenchFlow struct {
	//flow:param default=1000
	N     int
	Items []int
	Item  int
	Sum   int
}

//flow:step
//flow:foreach over=Items next=Body
func (f *ResumeBenchFlow) Start(ctx context.Context) error {
	for i := range f.N {
		f.Items = append(f.Items, i)
	}
	return nil
}

//flow:step
//flow:next Join
func (f *ResumeBenchFlow) Body(ctx context.Context, item int) error {
	f.Item = item * 2
	return nil
}

//flow:step
//flow:next End
func (f *ResumeBenchFlow) Join(ctx context.Context, inputs rt.Inputs[*ResumeBenchFlow]) error {
	if os.Getenv("RESUME_BENCH_FAIL") == "1" {
		return errors.New("join failed on purpose")
	}
	for _, in := range inputs.All() {
		f.Sum += in.Item
	}
	return nil
}

//flow:step
func (f *ResumeBenchFlow) End(ctx context.Context) error { return nil }
GO
(cd "$tmp" && GOFLAGS=-mod=mod GOPROXY=off go generate ./bench && GOFLAGS=-mod=mod GOPROXY=off go build -o rb ./bench)
cd "$tmp"
export FLOWC_DATASTORE_ROOT="$tmp/.flowc" FLOWC_USER=bench
/usr/bin/time -f "run (join fails), foreach $n: %e s wall" \
	sh -c 'RESUME_BENCH_FAIL=1 ./rb run --quiet --n "$1" --max-num-splits "$1" >/dev/null 2>&1' sh "$n" || true
/usr/bin/time -f "resume from the join (clones $((n + 1)) tasks, reruns Join and End): %e s wall, %U s user, %S s sys" \
	./rb resume --max-num-splits "$n" >"$tmp/resume.log"
grep -E 'cloning|rerunning' "$tmp/resume.log" | sed 's/^[^[]*//'
echo "Sum after resume: $(./rb dump 2 --artifact Sum)"
