#!/bin/sh
# versitygw (github.com/versity/versitygw), an S3 server whose posix
# backend persists objects and checks credentials: the S3 fault tests
# (internal/testenv/s3test) kill and restart it mid-upload. It is built once
# from its Go module (about 90 s) into the user cache dir, keyed by version,
# where the harness looks for it.
set -e
version=v1.8.0
dir="${XDG_CACHE_HOME:-$HOME/.cache}/flowc/versitygw-$version"
if [ ! -x "$dir/versitygw" ]; then
	mkdir -p "$dir"
	GOBIN="$dir" GOFLAGS=-buildvcs=false go install "github.com/versity/versitygw/cmd/versitygw@$version" >&2 ||
		{ echo "versitygw: go install github.com/versity/versitygw/cmd/versitygw@$version failed" >&2; exit 1; }
fi
echo "versitygw $version: $dir/versitygw"
