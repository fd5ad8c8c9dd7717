#!/usr/bin/env bash
# ui.sh measures the run browser against issue 12's targets:
#   first paint of the runs page over 10,000 runs, local datastore and
#   metadata service (PostgreSQL from .ci/deps/postgres.sh): <= 300 ms;
#   a run page with a 1,000-task foreach: <= 500 ms
#   (BenchmarkFirstPaint in headless Chromium: paint-ms, with api-ms, the
#   part of it that is the server's answers);
#   live status within 1 s of a task's commit (BenchmarkLiveStatus, ns/op);
#   the bytes the browser adds to the binary that serves it: <= 3 MB (a
#   program that links rt/client, built with and without rt/ui's server).
# The machine may be shared: the load average is printed before and after.
# Usage: bench/ui.sh [COUNT=10]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
count=${COUNT:-10}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
go test ./rt/ui -run '^$' -bench 'FirstPaint|LiveStatus' -benchtime "${count}x" -timeout 30m |
	grep -E '^(Benchmark|--- |ok|FAIL|\s+\S+_test.go)'

tmp=$(mktemp -d /tmp/flowc-ui-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/with" "$tmp/without"
cat >"$tmp/with/main.go" <<'GO'
package main

import (
	"context"
	"os"

	"github.com/flowc-dev/flowc/rt/client"
	"github.com/flowc-dev/flowc/rt/ui"
)

func main() {
	c, _ := client.New(client.FromEnv())
	_ = ui.Serve(context.Background(), c, ui.Options{}, os.Stdout)
}
GO
cat >"$tmp/without/main.go" <<'GO'
package main

import (
	"fmt"

	"github.com/flowc-dev/flowc/rt/client"
)

func main() {
	c, _ := client.New(client.FromEnv())
	fmt.Println(c.Root())
}
GO
size() { stat -c %s "$1"; }
for v in with without; do
	(cd "$repo" && go build -trimpath -o "$tmp/$v.bin" "$tmp/$v/main.go")
done
assets=$(cat rt/ui/assets/* | wc -c)
w=$(size "$tmp/with.bin") wo=$(size "$tmp/without.bin")
echo "binary with rt/ui: $w bytes; without: $wo; added: $((w - wo)) bytes (embedded assets: $assets bytes; target <= 3 MB)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
