#!/usr/bin/env bash
# ui.sh measures the run browser against issue 12's targets:
#   first paint of the runs page over 10,000 runs, local datastore and
#   metadata service (PostgreSQL from .ci/deps/postgres.sh): <= 300 ms;
#   a run page with a 1,000-task foreach: <= 500 ms
#   (BenchmarkFirstPaint in headless Chromium: paint-ms, with api-ms, the
#   part of it that is the server's answers);
#   live status within 1 s of a task's commit (BenchmarkLiveStatus, ns/op);
#   the server's CPU per answer (BenchmarkRunsPage, BenchmarkRunPage: cpu-ms);
#   the bytes the browser adds to the binary that serves it: <= 3 MB (a
#   program that links rt/client, built with and without rt/ui's server).
# The machine may be shared: the load average is printed before and after.
# Each target gets one line starting "target:".
# Usage: bench/ui.sh [COUNT=10]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
count=${COUNT:-10}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
tmp=$(mktemp -d /tmp/flowc-ui-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
go test ./rt/ui -run '^$' -bench 'FirstPaint|LiveStatus|RunsPage/10000/list$|RunPage' -benchtime "${count}x" -timeout 30m |
	grep -E '^(Benchmark|--- |ok|FAIL|\s+\S+_test.go)' | tee "$tmp/bench.txt"
echo "load after the benchmarks: $(cut -d' ' -f1-3 /proc/loadavg)"
# One line per target: the mean and worst paint against the target, and
# where the time went (the browser until it asked for data, the server's
# answers, drawing after them; the server's CPU per answer from the Go
# benchmarks, which a loaded machine inflates less than wall time).
awk '
function metric(line, unit,   n, i, f) {
	n = split(line, f, /[ \t]+/)
	for (i = 2; i <= n; i++) if (f[i] == unit) return f[i-1]
	return ""
}
/^BenchmarkRunsPage\/10000\/list-/ { cpu["runs-local"] = metric($0, "cpu-ms") }
/^BenchmarkRunPage\/cold-/ { cpu["run-cold"] = metric($0, "cpu-ms") }
/^BenchmarkRunPage\/warm-/ { cpu["run-warm"] = metric($0, "cpu-ms") }
/^BenchmarkLiveStatus\/1000-/ { live = $3 / 1e6; liveworst = metric($0, "worst-ms") }
/^BenchmarkFirstPaint\// {
	name = $1; sub(/^BenchmarkFirstPaint\//, "", name); sub(/-[0-9]+$/, "", name)
	paint[name] = $0; order[++n] = name
}
END {
	label["runs-local-10000"] = "runs page, local datastore, 10,000 runs"; target["runs-local-10000"] = 300
	label["runs-service-10000"] = "runs page, metadata service, 10,000 runs"; target["runs-service-10000"] = 300
	label["run-foreach-1000"] = "run page, 1,000-task foreach"; target["run-foreach-1000"] = 500
	for (i = 1; i <= n; i++) {
		k = order[i]; l = paint[k]; m = metric(l, "paint-ms"); w = metric(l, "worst-paint-ms")
		extra = ""
		if (k == "runs-local-10000" && cpu["runs-local"] != "") extra = sprintf("; server CPU per list %s ms", cpu["runs-local"])
		if (k == "run-foreach-1000" && cpu["run-cold"] != "") extra = sprintf("; server CPU per answer %s ms cold, %s ms warm", cpu["run-cold"], cpu["run-warm"])
		printf "target: %s: first paint %s ms mean, %s ms worst (<= %d ms: %s); page %s ms, server %s ms, draw %s ms, %s DOM nodes, %s kB of data%s\n",
			label[k], m, w, target[k], (m + 0 <= target[k] ? "met" : "MISSED") (w + 0 > target[k] ? ", worst over" : ""),
			metric(l, "start-ms"), metric(l, "api-ms"), metric(l, "draw-ms"), metric(l, "dom-nodes"), metric(l, "api-kB"), extra
	}
	if (live != "") printf "target: live status within 1 s of a commit (1,000 tasks done): %.0f ms mean, %s ms worst (%s)\n", live, liveworst, (liveworst + 0 <= 1000 ? "met" : "MISSED")
}' "$tmp/bench.txt"
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
echo "target: assets: binary with rt/ui: $w bytes; without: $wo; added: $((w - wo)) bytes (embedded assets: $assets bytes; <= 3 MB: $([ $((w - wo)) -le $((3 << 20)) ] && echo met || echo MISSED))"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
