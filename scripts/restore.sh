#!/usr/bin/env bash
# Restores a registry dumped with pg_dump -Fc (make backup) into a new, empty
# database, and leaves out what pg_restore cannot restore there:
#   - the lineage grid's data: pg_restore runs with row_security off, which
#     the grid's tables (row-level security forced) refuse; it is refreshed
#     afterwards instead;
#   - pg_cron, when the dump is of pg_cron's own database (the local
#     cluster's): pg_cron lives in one database of a server, and the
#     restored registry's jobs are scheduled from there ('fieldmap cron install').
#
#   restore.sh DUMP DATABASE_URL
set -euo pipefail

dump=${1:-}
url=${2:-}
if [ -z "$dump" ] || [ -z "$url" ]; then
  echo "usage: restore.sh DUMP DATABASE_URL   (DUMP from pg_dump -Fc; the database new and empty)" >&2
  exit 2
fi
[ -f "$dump" ] && [ -r "$dump" ] || { echo "restore: cannot read the dump $dump" >&2; exit 1; }
listing=$(pg_restore -l "$dump" 2>&1) || { echo "restore: $dump is not a pg_dump -Fc archive: $listing" >&2; exit 1; }
holds=$(psql -X -q -tA -v ON_ERROR_STOP=1 -c \
  "SELECT count(*) FROM pg_namespace WHERE nspname IN ('fieldmap', 'sqitch')" "$url") || exit 1
if [ "$holds" != 0 ]; then
  echo "restore: the target database already holds a registry (schema fieldmap or sqitch): restore into a new," \
       "empty database" >&2
  exit 1
fi

list=$(mktemp)
trap 'rm -f "$list"' EXIT
grep -v -E 'MATERIALIZED VIEW DATA|EXTENSION - pg_cron|EXTENSION pg_cron| cron (job|job_run_details|jobid_seq|runid_seq) ' \
  <<<"$listing" > "$list"
# the roles are the server's, not the dump's: on another server create them
# first (pg_dumpall --roles-only, or sqitch deploy --to roles)
pg_restore --exit-on-error -L "$list" -d "$url" "$dump"
psql -X -q -v ON_ERROR_STOP=1 -c 'SELECT * FROM fieldmap.refresh_lineage_grid()' "$url" >/dev/null
echo "restore: $dump restored; the lineage grid refreshed. Its pg_cron jobs: fieldmap cron install" \
     "(with DATABASE_URL naming this database)" >&2
