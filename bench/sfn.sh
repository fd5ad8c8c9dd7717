#!/usr/bin/env bash
# sfn.sh measures `step-functions create --only-json` against issue 9's
# target (<= 50 ms; it renders the definition and checks every limit, no
# AWS call) for the smallest and the largest example. The other targets
# are measured where they run: the history events of a foreach of 10 and
# 1,000 items in moto by `go test ./targets/sfn -run TestForeachHistory -v`,
# and `create` against moto (code package push included) by
# `go test ./e2e -run TestSFNDeploy/Lifecycle -v` (both log the numbers).
# Render alone: go test ./targets/sfn -run '^$' -bench Render.
# Usage: bench/sfn.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/" ./examples/sfntest ./examples/genrestats
export FLOWC_DATASTORE=s3 FLOWC_DATASTORE_ROOT=s3://bucket/flows FLOWC_JOB_QUEUE=q
# The process start-up alone, for comparison (on a loaded machine it is
# most of the time): `show` renders no definition.
start=$(date +%s%N)
for i in $(seq 20); do "$tmp/sfntest" show >/dev/null; done
end=$(date +%s%N)
echo "sfntest: show $(((end - start) / 20000000)) ms per call (the start-up baseline)"
for ex in sfntest genrestats; do
	"$tmp/$ex" step-functions create --only-json >"$tmp/$ex.json" # warm
	start=$(date +%s%N)
	for i in $(seq 20); do "$tmp/$ex" step-functions create --only-json >/dev/null; done
	end=$(date +%s%N)
	echo "$ex: create --only-json $(((end - start) / 20000000)) ms per call (20 calls; the whole process), definition $(stat -c %s "$tmp/$ex.json") bytes"
done
