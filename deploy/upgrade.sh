#!/bin/sh
# Rolling upgrade of Paddock in production, without downtime: one instance at a time,
# each waited for until healthy before the next one stops. Run on the server, in the
# folder holding docker-compose.prod.yml and .env (the release workflow does):
#
#   sh ./upgrade.sh 1.2.3            # PADDOCK_VERSION=1.2.3, then the rolling restart
#   sh ./upgrade.sh                  # same version: restart the instances one by one
#   PADDOCK_PULL=false sh ./upgrade.sh local   # an image built on the server, not pulled
#
# PADDOCK_IMAGE in the environment (the workflow passes ghcr.io/OWNER/REPO) is written
# to .env too. Each stopping instance gets SIGTERM: it answers what is in flight, closes
# its sockets with 1001 and ends its streams; browsers reconnect through Caddy to the
# other instance and resume. A new version's migrations run when its first instance
# starts, while the other still runs the old version: they must stay compatible with
# it (docs/deploy.md).
set -eu

cd "$(dirname "$0")"
# Compose v2 (`docker compose`); the older docker-compose 1.29 works too.
if docker compose version >/dev/null 2>&1; then
  compose="docker compose -f docker-compose.prod.yml"
else
  compose="docker-compose -f docker-compose.prod.yml"
fi
health_timeout="${PADDOCK_HEALTH_TIMEOUT:-180}"

log() { printf '==> %s\n' "$*"; }

[ -f .env ] || { echo "no .env here: write it first (docs/deploy.md, section 1.3)" >&2; exit 1; }

# KEY=value in .env, replaced or appended.
set_env() {
  if grep -q "^$1=" .env; then
    sed -i "s|^$1=.*|$1=$2|" .env
  else
    printf '%s=%s\n' "$1" "$2" >>.env
  fi
}
[ -n "${1:-}" ] && set_env PADDOCK_VERSION "$1"
[ -n "${PADDOCK_IMAGE:-}" ] && set_env PADDOCK_IMAGE "$PADDOCK_IMAGE"

wait_healthy() {
  service="$1"
  waited=0
  while :; do
    id="$($compose ps -q "$service")"
    status="$(docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null || echo missing)"
    [ "$status" = healthy ] && { log "$service is healthy"; return 0; }
    if [ "$waited" -ge "$health_timeout" ]; then
      echo "$service is still $status after ${health_timeout}s: stopping the upgrade here" >&2
      $compose logs --tail 50 "$service" >&2 || true
      return 1
    fi
    sleep 3
    waited=$((waited + 3))
  done
}

# PADDOCK_PULL=false for an image built on the server (docs/deploy.md, from source).
if [ "${PADDOCK_PULL:-true}" = true ]; then
  log "pulling the Paddock image"
  $compose pull --quiet paddock1 paddock2
fi

# The database and backups first (nothing happens when they are unchanged).
$compose up -d --no-deps db backup
wait_healthy db

for service in paddock1 paddock2; do
  log "restarting $service (the other one serves meanwhile)"
  $compose up -d --no-deps --force-recreate "$service"
  wait_healthy "$service"
done

# Caddy: created on the first deployment; afterwards its configuration is reloaded in
# place, open connections kept (scp rewrites the Caddyfile in place, so the bind mount
# sees the new one).
$compose up -d --no-deps caddy
$compose exec -T caddy caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile

# Prometheus, when the monitoring profile runs.
if [ -n "$($compose --profile monitoring ps -q prometheus 2>/dev/null)" ]; then
  $compose --profile monitoring up -d --no-deps prometheus
fi

$compose ps
