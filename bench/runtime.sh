#!/usr/bin/env bash
# runtime.sh measures the local runtime against the issue's targets, with
# the hand-written test flows of rt/runner/testdata:
#   linear 3-step run <= 0.05 s; show <= 10 ms; foreach 100 <= 1 s,
#   1000 <= 8 s, 10 000 <= 80 s (BIG=1) with flat scheduler memory;
#   a 256 MB []byte artifact written and read <= 3 s, peak RSS <= 600 MB;
#   <= 10 small files per task.
# Usage: bench/runtime.sh [BIG=1 for foreach 10 000]
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in linear foreach bigbytes; do
	go build -o "$tmp/$f" "./rt/runner/testdata/$f"
done
cd "$tmp"
echo notes >notes.txt
export FLOWC_DATASTORE_ROOT="$tmp/.flowc" FLOWC_USER=bench

measure() { # label, command...: wall seconds and peak RSS (KB) of the whole tree
	local label=$1
	shift
	/usr/bin/time -f "$label: %e s wall, %U s user, %S s sys, peak RSS %M KB" "$@" >/dev/null
}

"$tmp/linear" run --quiet --need x # warm the page cache
for i in 1 2 3 4 5; do measure "linear 3 steps" "$tmp/linear" run --quiet --need x; done
for i in 1 2 3; do measure "show" "$tmp/linear" show; done
measure "foreach 100" "$tmp/foreach" run --quiet --n 100
measure "foreach 1000" "$tmp/foreach" run --quiet --n 1000 --max-num-splits 1000
if [ "${BIG:-0}" = 1 ]; then
	measure "foreach 10000" "$tmp/foreach" run --quiet --n 10000 --max-num-splits 10000
fi
run=$(ls -1 "$tmp/.flowc/ForeachFlow" | grep -E '^[0-9]+$' | sort -n | tail -1)
tasks=$(ls "$tmp/.flowc/ForeachFlow/$run/Body" | wc -l)
files=$(find "$tmp/.flowc/ForeachFlow/$run/Body" -type f | wc -l)
echo "files per Body task: $(awk "BEGIN{print $files/$tasks}")"
measure "256 MB []byte write+read" "$tmp/bigbytes" run --quiet --mb 256
