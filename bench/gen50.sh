#!/usr/bin/env bash
# gen50.sh times `go generate` and `go build` for a generated 50-step flow
# in a scratch module that replaces github.com/flowc-dev/flowc with this
# repository. Each command runs twice; the second (warm cache) is reported.
# The issue's targets: generate <= 2s, build <= 5s.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
cat > go.mod <<MOD
module example.com/gen50

go $(go env GOVERSION | sed 's/^go//')

require github.com/flowc-dev/flowc v0.0.0

replace github.com/flowc-dev/flowc => $repo

tool github.com/flowc-dev/flowc/cmd/flowc
MOD
touch go.sum

{
	echo 'package main'
	echo
	echo '//go:generate go tool flowc'
	echo
	echo 'import ('
	echo '	"context"'
	echo
	echo '	"github.com/flowc-dev/flowc/rt"'
	echo ')'
	echo
	echo '// Item is a record the flow passes around.'
	echo 'type Item struct {'
	echo '	Name  string'
	echo '	Score float64'
	echo '	Tags  []string'
	echo '}'
	echo
	echo '// Big is a 50-step flow: a chain, a split and a foreach.'
	echo '//'
	echo '//flow:flow'
	echo 'type Big struct {'
	echo '	//flow:param default=10'
	echo '	N int'
	for i in $(seq 1 46); do echo "	A$i []Item"; done
	echo '	Items []string'
	echo '	L, R int'
	echo '}'
	echo
	echo '//flow:step'
	echo '//flow:next S1'
	echo 'func (f *Big) Start(ctx context.Context) error { return nil }'
	# S1..S40: a linear chain.
	for i in $(seq 1 40); do
		next="S$((i+1))"
		[ "$i" = 40 ] && next="Split"
		echo
		echo '//flow:step'
		echo "//flow:next $next"
		echo "func (f *Big) S$i(ctx context.Context) error { f.A$i = append(f.A$i, Item{Name: \"s$i\"}); return nil }"
	done
	cat <<'GO'

//flow:step
//flow:next Left Right
func (f *Big) Split(ctx context.Context) error { return nil }

//flow:step
//flow:next Join
func (f *Big) Left(ctx context.Context) error { f.L = 1; return nil }

//flow:step
//flow:next Join
func (f *Big) Right(ctx context.Context) error { f.R = 2; return nil }

//flow:step
//flow:next Fan
func (f *Big) Join(ctx context.Context, inputs rt.Inputs[*Big]) error {
	return inputs.MergeArtifacts(f)
}

//flow:step
//flow:foreach over=Items next=Body
func (f *Big) Fan(ctx context.Context) error {
	f.Items = []string{"a", "b"}
	return nil
}

//flow:step
//flow:next Gather
func (f *Big) Body(ctx context.Context, item string) error { return nil }

//flow:step
//flow:next Last
func (f *Big) Gather(ctx context.Context, inputs rt.Inputs[*Big]) error { return nil }

//flow:step
//flow:next End
func (f *Big) Last(ctx context.Context) error { return nil }

//flow:step
func (f *Big) End(ctx context.Context) error { return nil }
GO
} > flow.go
steps=$(grep -c '^//flow:step' flow.go)

# Resolve the module graph once (from the module cache); the timings below
# are of warm runs. The tool directive keeps the generator's modules, and
# those of the runtime the generated code imports, through go mod tidy.
go mod tidy >/dev/null 2>&1
go generate ./...

seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $s" | bc; }
gen=$(seconds go generate ./...)
seconds go build -o big . >/dev/null
echo "// touched" >> flow.go # recompile the package itself, dependencies warm
build=$(seconds go build -o big .)
lines=$(wc -l < big.flowc.go)
./big --help >/dev/null 2>&1 || true
printf 'steps: %s, generated lines: %s\ngo generate (warm): %.2fs (target 2s)\ngo build (warm deps): %.2fs (target 5s)\n' "$steps" "$lines" "$gen" "$build"
