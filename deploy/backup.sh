#!/bin/sh
# Paddock's database backups: pg_dump in PostgreSQL's custom format (compressed, restored
# with pg_restore), written atomically, checked, and rotated (the newest BACKUP_KEEP are
# kept). POSIX sh: runs in the postgres:16-alpine image (the backup service of
# deploy/docker-compose.prod.yml) as well as on any host with the PostgreSQL client.
#
#   backup.sh once   one dump now, then rotate
#   backup.sh loop   (the service) a dump whenever the newest one is older than
#                    BACKUP_INTERVAL_SECONDS, checked every BACKUP_CHECK_SECONDS
#
# Connection: the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
# Settings: BACKUP_DIR (/backups), BACKUP_KEEP (14), BACKUP_INTERVAL_SECONDS (86400),
# BACKUP_CHECK_SECONDS (600).
set -eu
# Dumps hold password hashes and conversations: readable by their owner only.
umask 077

BACKUP_DIR="${BACKUP_DIR:-/backups}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
BACKUP_INTERVAL_SECONDS="${BACKUP_INTERVAL_SECONDS:-86400}"
BACKUP_CHECK_SECONDS="${BACKUP_CHECK_SECONDS:-600}"
database="${PGDATABASE:-paddock}"

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

case "$BACKUP_KEEP" in '' | *[!0-9]* | 0) log "BACKUP_KEEP must be a positive number" >&2; exit 2 ;; esac

dump() {
  mkdir -p "$BACKUP_DIR"
  name="paddock-$(date -u +%Y%m%dT%H%M%SZ).dump"
  partial="$BACKUP_DIR/.$name.partial"
  # A dump is one transaction: consistent while the instances keep writing.
  if ! pg_dump --format=custom --no-owner --dbname="$database" --file="$partial"; then
    rm -f "$partial"
    log "pg_dump failed"
    return 1
  fi
  # A dump that pg_restore cannot list is no backup.
  if ! pg_restore --list "$partial" >/dev/null; then
    rm -f "$partial"
    log "the dump cannot be read back"
    return 1
  fi
  mv "$partial" "$BACKUP_DIR/$name"
  log "wrote $BACKUP_DIR/$name ($(wc -c <"$BACKUP_DIR/$name") bytes)"
  rotate
}

# Names sort by time (UTC timestamps), and a glob expands sorted: everything but the
# newest BACKUP_KEEP goes.
rotate() {
  set -- "$BACKUP_DIR"/paddock-*.dump
  [ -e "$1" ] || return 0
  excess=$(($# - BACKUP_KEEP))
  while [ "$excess" -gt 0 ]; do
    rm -f "$1"
    log "removed ${1##*/} (keeping the newest $BACKUP_KEEP)"
    shift
    excess=$((excess - 1))
  done
}

# True when a dump newer than BACKUP_INTERVAL_SECONDS exists (so restarting the service
# does not dump each time).
recent_dump() {
  [ -d "$BACKUP_DIR" ] &&
    [ -n "$(find "$BACKUP_DIR" -maxdepth 1 -name 'paddock-*.dump' -mmin "-$((BACKUP_INTERVAL_SECONDS / 60))" | head -n 1)" ]
}

case "${1:-loop}" in
  once)
    dump
    ;;
  loop)
    log "every ${BACKUP_INTERVAL_SECONDS}s to $BACKUP_DIR, keeping $BACKUP_KEEP"
    trap 'log "stopping"; exit 0' TERM INT
    while :; do
      if ! recent_dump; then
        dump || log "will try again in ${BACKUP_CHECK_SECONDS}s"
      fi
      sleep "$BACKUP_CHECK_SECONDS" &
      wait $!
    done
    ;;
  *)
    echo "usage: $0 [once|loop]" >&2
    exit 2
    ;;
esac
