#!/usr/bin/env bash
# create-only.sh measures `step-functions create --only-json` and
# `argo-workflows create --only-yaml` (issues 9 and 10: <= 50 ms each; they
# render the definition and check every limit, and call no API: no code
# package is built or hashed, no AWS or Kubernetes configuration is
# loaded) by running the built example binaries, 20 calls each:
#
#   wall       the whole process, as a user sees it
#   cpu        user + system time per call: what it costs on an idle core
#   wall (rt)  when the script may use SCHED_FIFO (root: chrt -f 1), the
#              wall time with the process never waiting behind the
#              machine's other processes
#
# next to `show` (the binary's start-up with no rendering) and an empty Go
# program (the start-up of any Go process on this machine). The load
# average is printed before and after: on a machine shared with other
# builds the plain wall time measures the queue for the CPU more than the
# command. Usage: bench/create-only.sh [CALLS=20]
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/" ./examples/sfntest ./examples/genrestats
printf 'package main\n\nfunc main() {}\n' >"$tmp/empty.go"
go build -o "$tmp/empty" "$tmp/empty.go"
export FLOWC_DATASTORE=s3 FLOWC_DATASTORE_ROOT=s3://bucket/flows FLOWC_JOB_QUEUE=q
rt=()
if chrt -f 1 true 2>/dev/null; then rt=(chrt -f 1); fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# cpu_ms prints the children's user+system time so far, in ms (times
# runs in this shell, not a subshell, to see its children).
cpu_ms() {
	times >"$tmp/times"
	tail -1 "$tmp/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }'
}

# measure LABEL CMD...: CMD run $calls times, after one warm-up call.
measure() {
	local label=$1
	shift
	"$@" >/dev/null
	local c0 t0 t1 c1 rtw=""
	cpu_ms >"$tmp/c0"
	t0=$(date +%s%N)
	for _ in $(seq "$calls"); do "$@" >/dev/null; done
	t1=$(date +%s%N)
	cpu_ms >"$tmp/c1"
	c0=$(cat "$tmp/c0") c1=$(cat "$tmp/c1")
	if [ ${#rt[@]} -gt 0 ]; then
		# The loop itself runs under SCHED_FIFO, so every call starts
		# at once.
		local ns
		ns=$("${rt[@]}" bash -c 'n=$1; shift; t0=$(date +%s%N); for ((i = 0; i < n; i++)); do "$@" >/dev/null; done; echo $(($(date +%s%N) - t0))' _ "$calls" "$@")
		rtw=", wall (rt) $((ns / calls / 1000000)) ms"
	fi
	printf '%-42s wall %4d ms, cpu %3d ms%s per call\n' "$label" $(((t1 - t0) / calls / 1000000)) $(((c1 - c0) / calls)) "$rtw"
}

measure "empty Go program" "$tmp/empty"
measure "sfntest show" "$tmp/sfntest" show
for ex in sfntest genrestats; do
	measure "$ex step-functions create --only-json" "$tmp/$ex" step-functions create --only-json
	measure "$ex argo-workflows create --only-yaml" "$tmp/$ex" argo-workflows create --only-yaml --image-repository registry.example/flows
done
echo "definition sizes: sfntest $("$tmp/sfntest" step-functions create --only-json | wc -c) bytes, genrestats $("$tmp/genrestats" step-functions create --only-json | wc -c) bytes"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
