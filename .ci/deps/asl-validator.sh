#!/bin/sh
# asl-validator (npm), which the Step Functions target's tests run over
# every generated definition (targets/sfn, internal/testenv/sfntest). It is
# installed from the project's own package.json into the user cache dir,
# keyed by that file's hash, where the test harness looks for it.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
pkg="$here/internal/testenv/sfntest/npm/package.json"
key=$(sha256sum "$pkg" | cut -c1-12)
dir="${XDG_CACHE_HOME:-$HOME/.cache}/flowc/asl-validator/$key"
bin="$dir/node_modules/.bin/asl-validator"
if [ ! -x "$bin" ]; then
	command -v npm >/dev/null || { echo "asl-validator: npm is missing; install Node.js 20 or later" >&2; exit 1; }
	mkdir -p "$dir"
	cp "$pkg" "$dir/package.json"
	npm install --prefix "$dir" --no-audit --no-fund --silent >/dev/null
fi
echo "asl-validator $("$bin" --version 2>/dev/null || echo '?'): $bin"
