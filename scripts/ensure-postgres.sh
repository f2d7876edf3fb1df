#!/usr/bin/env bash
# Makes sure the local PostgreSQL runs and accepts the test user on loopback
# (postgres, trust on 127.0.0.1 — a development/CI machine only; production uses MongoDB).
set -euo pipefail
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
URL="${VIGIL_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  echo "no PostgreSQL cluster found; creating one" >&2
  as_root pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main
fi
read -r version cluster _ < <(pg_lsclusters -h | head -1)
if ! pg_lsclusters -h | head -1 | grep -q online; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
fi
for _ in $(seq 1 50); do psql "$URL" -qtAc 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
if ! psql "$URL" -qtAc 'select 1' >/dev/null 2>&1; then
  hba="/etc/postgresql/$version/$cluster/pg_hba.conf"
  if ! grep -q '# vigil-tests' "$hba"; then
    echo "allowing the test user on 127.0.0.1 in $hba" >&2
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust # vigil-tests' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" reload
  fi
  sleep 1
fi
psql "$URL" -qtAc 'select 1' >/dev/null || { echo "PostgreSQL at $URL is not reachable" >&2; exit 1; }
echo "PostgreSQL $version/$cluster is running at $URL"
