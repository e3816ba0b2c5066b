#!/usr/bin/env bash
# The project-local PostgreSQL cluster: data under the repo (.pgdata), its own
# port and unix socket, pg_cron preloaded. PostgreSQL refuses to run as root,
# so when invoked by root the server runs as the unprivileged OS user
# $FIELDMAP_PG_OSUSER (default: postgres, created by the server package).
# FIELDMAP_PGDATA, FIELDMAP_PGPORT and FIELDMAP_PGSOCK place another cluster;
# FIELDMAP_DURABLE=1 makes it flush as a production server does.
#
#   cluster.sh start | stop | status | url
#   cluster.sh replica-start | replica-stop | replica-url
#     a read replica of this cluster: a streaming-replication hot standby made
#     with pg_basebackup, in FIELDMAP_REPLICA_PGDATA (default .pgreplica) on
#     port FIELDMAP_REPLICA_PGPORT (default 54330), same socket directory
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGPORT_LOCAL=${FIELDMAP_PGPORT:-54329}
DATA=${FIELDMAP_PGDATA:-$ROOT/.pgdata}
LOGFILE=$DATA/server.log
DBNAME=${FIELDMAP_DB:-fieldmap}
REPLICA_DATA=${FIELDMAP_REPLICA_PGDATA:-$ROOT/.pgreplica}
REPLICA_PORT=${FIELDMAP_REPLICA_PGPORT:-54330}
OSUSER=${FIELDMAP_PG_OSUSER:-postgres}

# unix socket paths are limited to ~107 bytes; fall back to /tmp for deep repos.
SOCK=${FIELDMAP_PGSOCK:-$ROOT/.pgrun}
if [ ${#SOCK} -gt 80 ]; then
  SOCK=/tmp/fieldmap-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
fi

bindir() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin/postgres; do
    [ -x "$d" ] || continue
    d=${d#/usr/lib/postgresql/}; d=${d%%/*}
    if [ -z "$best" ] || [ "$d" -gt "$best" ]; then best=$d; fi
  done
  [ -n "$best" ] || { echo "cluster: no PostgreSQL server installed; run 'make deps'" >&2; exit 1; }
  echo "/usr/lib/postgresql/$best/bin"
}

# Run a server binary as the cluster's OS user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$OSUSER" -- "$@"
  else
    "$@"
  fi
}

# When root, the unprivileged server must be able to reach the repo: grant
# search (x, not read) on each ancestor that lacks it, and say so.
ensure_reachable() {
  [ "$(id -u)" -eq 0 ] || return 0
  id "$OSUSER" >/dev/null 2>&1 || { echo "cluster: OS user $OSUSER does not exist" >&2; exit 1; }
  local p=$1
  while [ "$p" != "/" ]; do
    if ! runuser -u "$OSUSER" -- test -x "$p" 2>/dev/null; then
      echo "cluster: granting o+x on $p so that $OSUSER can reach the cluster" >&2
      chmod o+x "$p"
    fi
    p=$(dirname "$p")
  done
}

# A development cluster need not survive a crash, so it skips the flushes;
# FIELDMAP_DURABLE=1 gives a cluster that must (the crash-safety test's, a
# second cluster beside this one, with a smaller cache).
durability() {
  if [ "${FIELDMAP_DURABLE:-0}" = 1 ]; then
    cat <<CONF
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = '256MB'
CONF
  else
    cat <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
# vector search reads its HNSW index page by page: keep the index in memory
# (100k 384-d vectors take about 200 MB of index and 170 MB of table)
shared_buffers = '1GB'
CONF
  fi
}

# The cluster's settings, rewritten at every start so that changes here reach
# existing clusters too. pg_cron runs its jobs in background workers: the
# cluster has no TCP listener for it to connect to.
write_conf() {
  cat > "$DATA/fieldmap.conf" <<CONF
# written by scripts/cluster.sh at every start; edit there
listen_addresses = ''
port = $PGPORT_LOCAL
unix_socket_directories = '$SOCK'
shared_preload_libraries = 'pg_cron'
cron.database_name = '$DBNAME'
cron.use_background_workers = on
max_worker_processes = 16
max_connections = 200
# a read replica's slot (replica-start) may hold this much WAL at most
max_slot_wal_keep_size = '2GB'
$(durability)
CONF
  if [ "$(id -u)" -eq 0 ]; then chown "$OSUSER" "$DATA/fieldmap.conf"; fi
}

url() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  echo "postgresql:///$DBNAME?host=$SOCK&port=$PGPORT_LOCAL&user=postgres"
}

# Running means: the pid in postmaster.pid is alive *and* is a postgres of
# this data directory. A pid file left by a crash may name a pid that is now
# some other process; pg_ctl status alone would take that for a server.
is_running() {
  local pid
  [ -f "$DATA/postmaster.pid" ] || return 1
  pid=$(head -n1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "postgres.*$DATA" || return 1
}

start() {
  local bin; bin=$(bindir)
  ensure_reachable "$(dirname "$DATA")"
  ensure_reachable "$(dirname "$SOCK")"
  mkdir -p "$SOCK"
  if [ "$(id -u)" -eq 0 ]; then chown "$OSUSER" "$SOCK"; fi
  chmod 0700 "$SOCK"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "cluster: initdb $DATA" >&2
    mkdir -p "$DATA"
    if [ "$(id -u)" -eq 0 ]; then chown "$OSUSER" "$DATA"; fi
    chmod 0700 "$DATA"
    # Trust on the unix socket only; the socket dir is 0700, so only the
    # cluster's owner (and root) can connect. No TCP listener.
    as_owner "$bin/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    echo "include = 'fieldmap.conf'" >> "$DATA/postgresql.conf"
  fi
  write_conf
  if is_running; then
    echo "cluster: already running on $SOCK port $PGPORT_LOCAL" >&2
  else
    # A crash leaves postmaster.pid behind; no server of ours owns it, so it is stale.
    if [ -f "$DATA/postmaster.pid" ]; then
      echo "cluster: removing stale $DATA/postmaster.pid" >&2
      rm -f "$DATA/postmaster.pid"
    fi
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 start >/dev/null \
      || { echo "cluster: start failed; see $LOGFILE" >&2; tail -n 20 "$LOGFILE" >&2; exit 1; }
    echo "cluster: started on $SOCK port $PGPORT_LOCAL" >&2
  fi
  # A standby is read-only: what follows is the primary's to do.
  if [ "$(as_owner "$bin/psql" -X -h "$SOCK" -p "$PGPORT_LOCAL" -U postgres -d postgres -tAc \
        'select pg_is_in_recovery()')" = t ]; then
    return 0
  fi
  # The cron database must exist for pg_cron's launcher; it is also the main db.
  if ! as_owner "$bin/psql" -h "$SOCK" -p "$PGPORT_LOCAL" -U postgres -d postgres -tAc \
      "select 1 from pg_database where datname = '$DBNAME'" | grep -q 1; then
    as_owner "$bin/createdb" -h "$SOCK" -p "$PGPORT_LOCAL" -U postgres "$DBNAME"
    echo "cluster: created database $DBNAME" >&2
  fi
  # pg_cron's catalog lives in that database; registries in other databases of
  # this cluster schedule their jobs there (fieldmap cron install).
  as_owner "$bin/psql" -X -q -h "$SOCK" -p "$PGPORT_LOCAL" -U postgres -d "$DBNAME" \
    -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pg_cron" >/dev/null
}

stop() {
  if is_running; then
    as_owner "$(bindir)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    echo "cluster: stopped" >&2
  else
    echo "cluster: not running" >&2
  fi
}

status() {
  if is_running; then
    echo "running: $(url)"
  else
    echo "stopped (data: $DATA)"
    return 3
  fi
}

# The standby starts as a copy of this cluster's data directory, with a
# standby.signal and the primary's address (pg_basebackup -R), then runs as a
# cluster of its own (this script, pointed at its directory and port). A
# replication slot per replica port keeps the WAL the standby still needs
# (creating and dropping databases forces checkpoints that would recycle it
# under a standby a moment behind); max_slot_wal_keep_size caps what a
# forgotten slot can hold. replica-stop removes the standby and its slot.
[[ "$REPLICA_PORT" =~ ^[0-9]+$ ]] || { echo "cluster: FIELDMAP_REPLICA_PGPORT must be a port number" >&2; exit 2; }
SLOT=fieldmap_replica_$REPLICA_PORT  # digits only: safe inside the SQL below

primary_sql() {
  as_owner "$(bindir)/psql" -X -q -h "$SOCK" -p "$PGPORT_LOCAL" -U postgres -d postgres -tAc "$1"
}

replica_start() {
  local bin; bin=$(bindir)
  [ "$REPLICA_PORT" != "$PGPORT_LOCAL" ] || { echo "cluster: the replica needs a port of its own" >&2; exit 2; }
  if ! as_owner "$bin/pg_isready" -q -h "$SOCK" -p "$PGPORT_LOCAL"; then
    echo "cluster: the primary (port $PGPORT_LOCAL) is not running: make db-start first" >&2
    exit 1
  fi
  if [ ! -f "$REPLICA_DATA/PG_VERSION" ]; then
    # a slot left by a replica whose directory was deleted by hand
    primary_sql "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                  WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
    ensure_reachable "$(dirname "$REPLICA_DATA")"
    mkdir -p "$REPLICA_DATA"
    if [ "$(id -u)" -eq 0 ]; then chown "$OSUSER" "$REPLICA_DATA"; fi
    chmod 0700 "$REPLICA_DATA"
    echo "cluster: pg_basebackup of port $PGPORT_LOCAL into $REPLICA_DATA" >&2
    as_owner "$bin/pg_basebackup" -h "$SOCK" -p "$PGPORT_LOCAL" -U postgres -D "$REPLICA_DATA" -R -X stream \
      -C -S "$SLOT" -c fast || { rm -rf "$REPLICA_DATA"; echo "cluster: pg_basebackup failed (is the primary running?)" >&2; exit 1; }
  fi
  FIELDMAP_PGDATA="$REPLICA_DATA" FIELDMAP_PGPORT="$REPLICA_PORT" FIELDMAP_PGSOCK="$SOCK" bash "$0" start
  echo "cluster: read replica on $SOCK port $REPLICA_PORT: FIELDMAP_READ_URL=$(replica_url)" >&2
}

replica_stop() {
  if [ -d "$REPLICA_DATA" ]; then
    FIELDMAP_PGDATA="$REPLICA_DATA" FIELDMAP_PGPORT="$REPLICA_PORT" FIELDMAP_PGSOCK="$SOCK" bash "$0" stop
    rm -rf "$REPLICA_DATA"
    primary_sql "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$SLOT'" \
      >/dev/null || echo "cluster: could not drop the replication slot $SLOT on the primary (is it running?)" >&2
    echo "cluster: read replica removed" >&2
  else
    echo "cluster: no read replica" >&2
  fi
}

replica_url() {
  echo "postgresql:///$DBNAME?host=$SOCK&port=$REPLICA_PORT&user=postgres"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) url ;;
  replica-start) replica_start ;;
  replica-stop) replica_stop ;;
  replica-url) replica_url ;;
  *) echo "usage: $0 start|stop|status|url|replica-start|replica-stop|replica-url" >&2; exit 2 ;;
esac
