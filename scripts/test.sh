#!/usr/bin/env bash
# The test command: starts a local PostgreSQL for the database tests when none is configured
# (installing it from Debian packages if needed) and installs pgvector into it when the installer
# beside the repository is there, then runs the whole suite. Every database test also runs against
# the embedded database, so the suite is meaningful without one; the pgvector tests skip without
# the extension (unless CI expected it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if url=$(bash scripts/start-postgres.sh 2>/tmp/painter-start-postgres.log | tail -n 1) && [ -n "$url" ]; then
    export TEST_DATABASE_URL="$url"
    echo "PostgreSQL for tests: $TEST_DATABASE_URL"
  else
    echo "PostgreSQL could not be started (see /tmp/painter-start-postgres.log): PostgreSQL tests are skipped" >&2
  fi
fi
bash scripts/ensure-pgvector.sh || echo "pgvector could not be installed: its tests are skipped (or fail under CI)" >&2
exec npx vitest run "$@"
