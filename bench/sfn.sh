#!/usr/bin/env bash
# sfn.sh measures issue 9's targets that a script can: `step-functions
# create --only-json` (<= 50 ms; it renders the definition and checks every
# limit, no AWS call), by bench/create-only.sh, which measures Argo's
# --only-yaml beside it. The other targets are measured where they run:
# the history events of a foreach of 10 and 1,000 items in moto by
# `go test ./targets/sfn -run TestForeachHistory -v`, a nested and a wide
# foreach through a Distributed Map by `go test ./targets/sfn -run
# TestDistributedMap -v`, and `create` against moto (code package push
# included) by `go test ./e2e -run TestSFNDeploy/Lifecycle -v` (they log
# the numbers). Render alone: go test ./targets/sfn -run '^$' -bench Render.
# Usage: bench/sfn.sh [CALLS=20]
set -euo pipefail
exec "$(dirname "$0")/create-only.sh" "$@"
