#!/bin/bash
# PostgreSQL 15, which the metadata service's tests start themselves
# (internal/testenv/pgtest: initdb into a temp dir, a server on a loopback
# port, run as the postgres user when the tests run as root). The machine
# image has it in /usr/lib/postgresql/15/bin; elsewhere it comes from Debian
# apt (postgresql-15). Nothing is started here and nothing stays running.
set -euo pipefail
BIN=${FLOWC_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$BIN/initdb" ] || [ ! -x "$BIN/postgres" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 >/dev/null; }
  fi
fi
if [ ! -x "$BIN/initdb" ] || [ ! -x "$BIN/postgres" ]; then
  echo "postgres: no initdb/postgres in $BIN; install postgresql-15 (apt-get install postgresql-15) or set FLOWC_POSTGRES_BIN" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "postgres: running as root and there is no postgres user to run the server as; useradd --system postgres" >&2
  exit 1
fi
echo "postgres: $BIN ($("$BIN/postgres" --version))"
