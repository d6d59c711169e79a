#!/usr/bin/env bash
# The test command. With TEST_DATABASE_URL set, the suite uses that PostgreSQL and this script
# starts and stops nothing. Otherwise it starts a PostgreSQL of its own (installing it from
# Debian packages if needed) in a fresh data directory on a free port, runs the suite, and stops
# and removes that instance when the run ends, however it ends — so concurrent runs never share,
# stop or leave behind a database. Every database test also runs against the embedded database,
# so the suite is meaningful without PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_DIR=""
SUITE=""
cleanup() {
  if [ -n "$SUITE" ]; then
    kill -TERM "$SUITE" 2>/dev/null || true
    wait "$SUITE" 2>/dev/null || true
    SUITE=""
  fi
  if [ -n "$PG_DIR" ]; then
    bash scripts/start-postgres.sh stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR" "$PG_DIR.log"
    PG_DIR=""
  fi
}

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  PG_DIR="$(mktemp -d /tmp/painter-test-pg.XXXXXX)"
  trap cleanup EXIT
  trap 'cleanup; exit 130' INT
  trap 'cleanup; exit 143' TERM
  export PAINTER_PG_DIR="$PG_DIR"
  export PAINTER_PG_PORT="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
  if url=$(bash scripts/start-postgres.sh 2>"$PG_DIR.log" | tail -n 1) && [ -n "$url" ]; then
    export TEST_DATABASE_URL="$url"
    echo "PostgreSQL for tests (this run's own, stopped at the end): $TEST_DATABASE_URL"
  else
    echo "PostgreSQL could not be started (see below): PostgreSQL tests are skipped" >&2
    cat "$PG_DIR.log" >&2 || true
  fi
fi
# In the background and waited for, so that a signal to this script reaches the traps at once
# (they end the suite, then stop this run's PostgreSQL).
# vitest itself (not an npx wrapper), so that the signal reaches the process that owns the workers.
node_modules/.bin/vitest run "$@" &
SUITE=$!
status=0
wait "$SUITE" || status=$?
SUITE=""
exit "$status"
