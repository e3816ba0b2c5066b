#!/usr/bin/env bash
# Installs the system side of fieldmap: PostgreSQL server + headers, pg_cron,
# pgvector, plpgsql_check (for the tests), Sqitch with its Pg driver. Idempotent: when everything is already
# in place it only checks and touches no network.
#
# pgvector comes from the distribution's binary package for the server's major
# version where one exists; otherwise it is built from the distribution's own
# pgvector *source* package (a deb-src entry for the next Debian release) against
# the installed server. Nothing is downloaded from a code host.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

log() { printf 'deps: %s\n' "$*" >&2; }

apt_updated=0
apt_update() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -q >/dev/null
    apt_updated=1
  fi
}
apt_install() {
  apt_update
  log "apt-get install $*"
  $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

# The server major: the newest one installed, else the distribution's default.
server_major() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin/postgres; do
    [ -x "$d" ] || continue
    d=${d#/usr/lib/postgresql/}; d=${d%%/*}
    if [ -z "$best" ] || [ "$d" -gt "$best" ]; then best=$d; fi
  done
  echo "$best"
}

PGV=$(server_major)
if [ -z "$PGV" ]; then
  apt_install postgresql postgresql-contrib
  PGV=$(server_major)
fi
[ -n "$PGV" ] || { log "no PostgreSQL server found after install"; exit 1; }
PG_CONFIG=/usr/lib/postgresql/$PGV/bin/pg_config
SHARE=/usr/share/postgresql/$PGV/extension

need=()
[ -f "/usr/include/postgresql/$PGV/server/postgres.h" ] || need+=("postgresql-server-dev-$PGV")
[ -f "$SHARE/pg_trgm.control" ] || need+=("postgresql-contrib")
[ -f "$SHARE/pg_cron.control" ] || need+=("postgresql-$PGV-cron")
# static checks of every PL/pgSQL function in the tests (never deployed)
[ -f "$SHARE/plpgsql_check.control" ] || need+=("postgresql-$PGV-plpgsql-check")
if ! python3 -c "import ensurepip" 2>/dev/null; then need+=("python3-venv"); fi
command -v sqitch >/dev/null || need+=("sqitch")
perl -MDBD::Pg -e1 2>/dev/null || need+=("libdbd-pg-perl")
if [ ${#need[@]} -gt 0 ]; then
  # server-dev may be a newer minor than the installed server: upgrade both together.
  apt_install "postgresql-$PGV" "${need[@]}"
fi

if [ ! -f "$SHARE/vector.control" ]; then
  apt_update
  if apt-cache show "postgresql-$PGV-pgvector" >/dev/null 2>&1; then
    apt_install "postgresql-$PGV-pgvector"
  else
    # Build from the distribution's source package of the next release.
    command -v dpkg-source >/dev/null || apt_install dpkg-dev
    command -v make >/dev/null && command -v gcc >/dev/null || apt_install build-essential
    src_list=/etc/apt/sources.list.d/fieldmap-pgvector-src.sources
    if [ ! -f "$src_list" ]; then
      . /etc/os-release
      case "${ID:-debian}" in
        ubuntu) uri=http://archive.ubuntu.com/ubuntu; suite=noble; comp=universe ;;
        *)      uri=http://deb.debian.org/debian;   suite=trixie; comp=main ;;
      esac
      log "adding deb-src $uri $suite for the pgvector source package"
      printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\nSigned-By: %s\n' \
        "$uri" "$suite" "$comp" \
        "$( [ "${ID:-debian}" = ubuntu ] && echo /usr/share/keyrings/ubuntu-archive-keyring.gpg || echo /usr/share/keyrings/debian-archive-keyring.gpg)" \
        | $SUDO tee "$src_list" >/dev/null
      apt_updated=0
    fi
    apt_update
    build=$(mktemp -d)
    trap 'rm -rf "$build"' EXIT
    log "building pgvector from source package against PostgreSQL $PGV"
    (cd "$build" && apt-get source -q pgvector >/dev/null 2>&1) \
      || { log "apt-get source pgvector failed"; exit 1; }
    dir=$(find "$build" -maxdepth 1 -mindepth 1 -type d -name 'pgvector-*' | head -n1)
    make -s -C "$dir" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
    $SUDO make -s -C "$dir" PG_CONFIG="$PG_CONFIG" install >/dev/null
  fi
fi

for ext in vector pg_cron pg_trgm plpgsql_check; do
  [ -f "$SHARE/$ext.control" ] || { log "extension $ext is still missing in $SHARE"; exit 1; }
done
log "system ok: PostgreSQL $PGV with vector, pg_cron, pg_trgm, plpgsql_check; $(sqitch --version | head -n1)"
