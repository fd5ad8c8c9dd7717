#!/usr/bin/env bash
# package.sh measures the code package against issue 8's targets:
#   `package save` of an example <= 3 s warm; image <= 1.2 x the binary;
# and the rebuild path (a default cgo build is dynamically linked, so
# package save rebuilds it static from the module with `go build`).
# Usage: bench/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -o "$tmp/static" ./examples/genrestats
go build -o "$tmp/default" ./examples/genrestats

measure() { # label, command...
	local label=$1
	shift
	/usr/bin/time -f "$label: %e s wall, %U s user, %S s sys, peak RSS %M KB" "$@" >/dev/null
}

"$tmp/static" package save "$tmp/img.tar" # warm the page cache
for i in 1 2 3; do measure "package save (static binary)" "$tmp/static" package save "$tmp/img.tar"; done
bin=$(stat -c %s "$tmp/static")
img=$(stat -c %s "$tmp/img.tar")
echo "binary $bin bytes, image tarball $img bytes: $(awk "BEGIN {printf \"%.2f\", $img / $bin}") x"
cd "$root"
for i in 1 2; do measure "package save (default cgo build, rebuilt static)" "$tmp/default" package save "$tmp/img2.tar"; done
