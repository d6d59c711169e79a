#!/bin/sh
# Starts a throwaway local PostgreSQL for tests and prints its connection URL on stdout
# (progress goes to stderr, so `TEST_DATABASE_URL=$(scripts/start-postgres.sh)` works).
# Idempotent: installs only if missing, initialises only once, starts only if stopped.
# `scripts/start-postgres.sh stop` stops the instance of PAINTER_PG_DIR (scripts/test.sh does,
# for the instance it started).
#   PAINTER_PG_DIR  data directory (default /tmp/painter-pg)
#   PAINTER_PG_PORT port (default 55432)
#   PAINTER_PG_DB   database to create (default painter_test)
set -eu

DATA_DIR="${PAINTER_PG_DIR:-/tmp/painter-pg}"
PORT="${PAINTER_PG_PORT:-55432}"
DB="${PAINTER_PG_DB:-painter_test}"

log() { echo "start-postgres: $*" >&2; }

find_bin() {
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/pg_ctl" ]; then echo "$d"; fi
  done | sort -V | tail -n 1
}

PG_BIN="$(find_bin)"
# Nothing to stop where PostgreSQL was never installed.
if [ "${1:-}" = stop ] && [ -z "$PG_BIN" ]; then exit 0; fi
if [ -z "$PG_BIN" ]; then
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed and installing it needs root"; exit 1
  fi
  log "installing PostgreSQL"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends postgresql >&2
  PG_BIN="$(find_bin)"
  [ -n "$PG_BIN" ] || { log "pg_ctl still missing after install"; exit 1; }
fi

# PostgreSQL refuses to run as root, so root delegates to the postgres user.
if [ "$(id -u)" = 0 ]; then
  RUN_AS=postgres
  as_pg() { su "$RUN_AS" -s /bin/sh -c "$1"; }
else
  RUN_AS="$(id -un)"
  as_pg() { /bin/sh -c "$1"; }
fi

if [ "${1:-}" = stop ]; then
  [ -s "$DATA_DIR/PG_VERSION" ] || exit 0
  as_pg "'$PG_BIN/pg_ctl' -D '$DATA_DIR' -m fast -w stop" >&2 || true
  exit 0
fi

if [ ! -s "$DATA_DIR/PG_VERSION" ]; then
  log "initialising $DATA_DIR"
  mkdir -p "$DATA_DIR"
  [ "$(id -u)" = 0 ] && chown "$RUN_AS" "$DATA_DIR"
  chmod 700 "$DATA_DIR"
  as_pg "'$PG_BIN/initdb' -D '$DATA_DIR' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >&2
fi

if ! as_pg "'$PG_BIN/pg_ctl' -D '$DATA_DIR' status" >/dev/null 2>&1; then
  log "starting on port $PORT"
  as_pg "'$PG_BIN/pg_ctl' -D '$DATA_DIR' -l '$DATA_DIR/log' -w -o \"-p $PORT -k '$DATA_DIR' -c listen_addresses=127.0.0.1\" start" >&2
fi

PSQL="$PG_BIN/psql -X -q -h 127.0.0.1 -p $PORT -U postgres"
if [ "$($PSQL -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  log "creating database $DB"
  $PSQL -d postgres -c "CREATE DATABASE \"$DB\"" >&2
fi

echo "postgresql://postgres@127.0.0.1:$PORT/$DB"
