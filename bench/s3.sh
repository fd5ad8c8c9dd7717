#!/usr/bin/env bash
# s3.sh measures the S3 datastore against issue 8's targets, with real S3
# servers on loopback (moto, and versitygw from .ci/deps/versitygw.sh):
#   S3 requests per task for a small step changing 3 artifacts (counted by
#   a proxy): <= 7 PUTs and <= 8 GETs, HEADs and LISTs;
#   foreach 100 with --datastore s3 <= 2x the local datastore's time;
#   a 256 MB []byte artifact written and read through S3: peak RSS <= 400 MB.
# The benchmarks are in e2e/s3_*_test.go (go test -bench); the machine may
# be shared, so the load average is printed before and after.
# Usage: bench/s3.sh [COUNT=1]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-1}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
go test ./e2e/ -run '^$' -bench 'BenchmarkS3(RequestsPerTask|Foreach100|BigArtifact)' \
	-benchtime 1x -count "$count" -timeout 30m | grep -E '^(Benchmark|--- |ok|FAIL|\s+s3_)'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
