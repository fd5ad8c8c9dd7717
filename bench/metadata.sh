#!/usr/bin/env bash
# metadata.sh is issue 11's load test: a real PostgreSQL 15 and `flowc
# metadata-service` as processes on loopback, then
#   1. 20 concurrent runs of a 100-wide foreach (rt/runner/testdata/foreach,
#      --n 100) through --metadata service@URL: every run succeeds and every
#      task's attempt is recorded (checked in the database);
#   2. BenchmarkTaskRecords against this service process: task attempts
#      recorded a second (target >= 2,000) and the client's p99 (<= 20 ms),
#      with the CPU the service and the database spent per attempt;
#   3. BenchmarkListRunsFirstPage: a `runs` page with 100,000 runs in the
#      database (<= 50 ms);
# and the service's peak RSS (<= 100 MB) and the p50/p99 of its access log.
# The machine may be shared: the load average is printed with each number,
# and the CPU per attempt, which the others' load does not change.
# PostgreSQL runs with its defaults (fsync on) but for fsync=off when FAST=1.
# Not compared with Metaflow's own service (Python, aiohttp + psycopg): it
# needs PyPI and GitHub to build, which this machine cannot reach.
# Usage: bench/metadata.sh [RUNS=20] [WIDTH=100] [N=20000] [FAST=1]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
RUNS=${RUNS:-20} WIDTH=${WIDTH:-100} N=${N:-20000}
BIN=${FLOWC_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL 15 in $BIN; apt-get install postgresql-15 or run .ci/deps/postgres.sh" >&2; exit 1; }
tmp=$(mktemp -d /tmp/flowc-mds-bench.XXXXXX)
chmod 755 "$tmp"
pgpid= svcpid=
cleanup() {
	[ -n "$svcpid" ] && kill "$svcpid" 2>/dev/null || true
	[ -n "$pgpid" ] && kill -INT -- "-$pgpid" 2>/dev/null && wait "$pgpid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

load() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; } # utime+stime, 1/100 s
pgticks() { # the postmaster and its children (backends, writers), live ones
	local pm t=0 p
	pm=$(head -1 "$tmp/pg/data/postmaster.pid")
	for p in "$pm" $(pgrep -P "$pm"); do t=$((t + $(ticks "$p" 2>/dev/null || echo 0))); done
	echo "$t"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

go build -o "$tmp/flowc" ./cmd/flowc
go build -o "$tmp/foreach" ./rt/runner/testdata/foreach
go test -c -o "$tmp/mdservice.test" ./internal/mdservice

# PostgreSQL, as internal/testenv/pgtest starts it.
mkdir "$tmp/pg"
[ "$(id -u)" = 0 ] && chown postgres "$tmp/pg"
as_pg "$BIN/initdb" -D "$tmp/pg/data" -U postgres --auth=trust -E UTF8 --no-sync --no-instructions >/dev/null
pgport=$(free_port)
durability=()
[ "${FAST:-0}" = 1 ] && durability=(-c fsync=off -c full_page_writes=off)
run_as=()
[ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
# Its own process group, for its CPU time and to stop it.
setsid "${run_as[@]}" "$BIN/postgres" -D "$tmp/pg/data" -p "$pgport" -c listen_addresses=127.0.0.1 \
	-c unix_socket_directories="$tmp/pg" -c max_connections=200 "${durability[@]}" >"$tmp/pg/log" 2>&1 &
pgpid=$!
db="postgres://postgres@127.0.0.1:$pgport/postgres?sslmode=disable"
for _ in $(seq 100); do "$BIN/pg_isready" -q -h 127.0.0.1 -p "$pgport" && break; sleep 0.1; done
psql() { "$BIN/psql" -qtAX "$db" -c "$1"; }

# The service, its access log in a file.
port=$(free_port)
url=http://127.0.0.1:$port
"$tmp/flowc" metadata-service --database-url "$db" --listen "127.0.0.1:$port" 2>"$tmp/access.log" &
svcpid=$!
for _ in $(seq 100); do grep -q '"listening"' "$tmp/access.log" 2>/dev/null && break; sleep 0.1; done
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') (fsync $([ "${FAST:-0}" = 1 ] && echo off || echo on)), flowc metadata-service at $url; $(nproc) CPUs"

# 1. RUNS concurrent runs of a WIDTH-wide foreach.
cd "$tmp"
export FLOWC_DATASTORE_ROOT="$tmp/.flowc" FLOWC_METADATA="service@$url" FLOWC_USER=bench
s0=$(ticks "$svcpid") d0=$(pgticks) t0=$(now)
pids=()
for i in $(seq "$RUNS"); do
	"$tmp/foreach" run --quiet --n "$WIDTH" --max-num-splits "$WIDTH" --run-id-file "$tmp/id.$i" >"$tmp/run.$i.log" 2>&1 &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
t1=$(now) s1=$(ticks "$svcpid") d1=$(pgticks)
cd "$repo"
want=$((RUNS * (WIDTH + 3)))
got=$(psql "SELECT count(*) FROM tasks t JOIN runs r ON r.flow = t.flow AND r.id = t.run WHERE r.flow = 'ForeachFlow' AND t.winner IS NOT NULL")
runs_ok=$(psql "SELECT count(*) FROM runs WHERE flow = 'ForeachFlow' AND status = 'succeeded'")
attempts=$(psql "SELECT count(*) FROM attempts WHERE flow = 'ForeachFlow' AND done IS NOT NULL")
awk -v r="$RUNS" -v w="$WIDTH" -v f="$failed" -v ok="$runs_ok" -v got="$got" -v want="$want" -v a="$attempts" \
	-v wall="$(awk "BEGIN{print $t1-$t0}")" -v s="$((s1 - s0))" -v d="$((d1 - d0))" -v l="$(load)" 'BEGIN{
	printf "%d concurrent runs of a %d-wide foreach: %d failed, %d succeeded in the service, %d of %d tasks recorded with their winner, %d attempts; %.1f s wall, %.0f attempts/s end to end; service CPU %.0f µs, database CPU %.0f µs per attempt (load %s)\n",
		r, w, f, ok, got, want, a, wall, a/wall, s*10000/a, d*10000/a, l }'
[ "$failed" = 0 ] && [ "$got" = "$want" ] || { echo "FAIL: not every run succeeded or not every task was recorded (logs in $tmp)" >&2; trap - EXIT; exit 1; }

# 2. The service's own rate, from a load of 16 concurrent clients.
s0=$(ticks "$svcpid") d0=$(pgticks)
out=$(FLOWC_BENCH_METADATA_URL=$url FLOWC_DATABASE_URL=$db "$tmp/mdservice.test" -test.run '^$' \
	-test.bench 'TaskRecords' -test.benchtime "${N}x" | grep '^Benchmark')
s1=$(ticks "$svcpid") d1=$(pgticks)
echo "$out" | awk -v s="$((s1 - s0))" -v d="$((d1 - d0))" -v n="$N" -v l="$(load)" '{
	for (i = 1; i < NF; i++) m[$(i+1)] = $i
	printf "task records (start + end, 3 artifacts): %.0f attempts/s, client p50 %s ms, p99 %s ms; service CPU %.0f µs, database CPU %.0f µs per attempt; load client CPU %s µs (load %s)\n",
		m["attempts/s"], m["p50-ms"], m["p99-ms"], s*10000/n, d*10000/n, m["go-cpu-µs/op"], l }'

# 3. A runs page with 100,000 runs in the database.
FLOWC_BENCH_METADATA_URL=$url FLOWC_DATABASE_URL=$db "$tmp/mdservice.test" -test.run '^$' \
	-test.bench 'ListRunsFirstPage' -test.benchtime 200x | grep '^Benchmark' |
	awk -v l="$(load)" '{ for (i = 1; i < NF; i++) m[$(i+1)] = $i
	printf "runs page with 100,000 runs: p50 %s ms, p99 %s ms (load %s)\n", m["p50-ms"], m["p99-ms"], l }'

# The service's peak RSS, and its latency as its access log has it.
echo "service peak RSS: $(awk '/^VmHWM/ {print $2, $3}' "/proc/$svcpid/status")"
python3 - "$tmp/access.log" <<'EOF'
import json, sys
ms = {}
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("msg") != "request":
        continue
    p = e["path"]
    kind = "attempt end" if p.endswith("/done") else "attempt start" if "/attempts/" in p else e["method"] + " other"
    ms.setdefault(kind, []).append(e["ms"])
for kind, v in sorted(ms.items()):
    v.sort()
    print(f"  access log, {kind}: {len(v)} requests, p50 {v[len(v)//2]:.2f} ms, p99 {v[len(v)*99//100]:.2f} ms, max {v[-1]:.1f} ms")
EOF
echo "not compared with Metaflow's metadata service: it builds from PyPI and GitHub, which this machine cannot reach"
