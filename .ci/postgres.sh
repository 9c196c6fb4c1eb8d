#!/usr/bin/env bash
# A local PostgreSQL for tests/batch/test_postgres.py: install (Debian package), start the
# cluster, and create a role named after the current OS user plus the database deckgen_test.
# Peer authentication over the Unix socket: no password exists, so nothing secret is exported.
# The tests connect with postgresql+psycopg:///deckgen_test?host=/var/run/postgresql
# (override with DECKGEN_TEST_PG_URL). Idempotent: safe to run again.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  as_root pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  as_root pg_ctlcluster "$version" main start
fi

for _ in $(seq 1 30); do
  as_postgres pg_isready -q && break
  sleep 1
done
as_postgres pg_isready -q || { echo "postgres.sh: PostgreSQL $version did not start" >&2; exit 1; }

user=$(id -un)
if [ "$(as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != "1" ]; then
  as_postgres createuser --createdb "$user"
fi
if [ "$(as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'deckgen_test'")" != "1" ]; then
  as_postgres createdb --owner "$user" deckgen_test
fi
echo "postgres.sh: PostgreSQL $version is up; database deckgen_test is owned by role $user"
