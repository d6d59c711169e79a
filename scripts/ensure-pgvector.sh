#!/bin/sh
# Installs the pgvector extension into the local PostgreSQL 15 with the installer beside the
# repository (../shared/scripts/install-pgvector.sh, which builds the vendored release), when that
# installer exists; prints why not otherwise. Idempotent and quiet once installed. The installer
# needs PostgreSQL's server headers: they are installed first when missing (root only).
set -eu
cd "$(dirname "$0")/.."
INSTALLER=../shared/scripts/install-pgvector.sh
if [ -f /usr/lib/postgresql/15/lib/vector.so ] && [ -f /usr/share/postgresql/15/extension/vector.control ]; then
  exit 0
fi
if [ ! -f "$INSTALLER" ]; then
  echo "ensure-pgvector: pgvector is not installed and $INSTALLER is not there: pgvector tests will be skipped" >&2
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-pgvector: installing pgvector needs root: pgvector tests will be skipped" >&2
  exit 1
fi
if [ -x /usr/lib/postgresql/15/bin/pg_config ] && [ ! -f "$(/usr/lib/postgresql/15/bin/pg_config --includedir-server)/postgres.h" ]; then
  echo "ensure-pgvector: installing PostgreSQL 15 server headers" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-server-dev-15 >&2
fi
bash "$INSTALLER" >&2
