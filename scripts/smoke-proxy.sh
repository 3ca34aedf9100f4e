#!/usr/bin/env bash
# Smoke test of the production proxy: Caddy, with the production deploy/Caddyfile (only
# its placeholders differ: plain HTTP on 127.0.0.1), in front of two release instances
# on their own database. Chromium (Playwright, end2end/smoke/) then proves through Caddy
# that a page loads and hydrates, that two customers whose WebSockets are on DIFFERENT
# instances (read from each instance's metrics listener) talk to each other, and that
# an advisor's notification reaches a customer over Server-Sent Events.
#
# Needs the release build (cargo leptos build --release: $CARGO_TARGET_DIR/release/paddock
# and target/site), PostgreSQL at DATABASE_URL, caddy, chromium and end2end's npm
# packages (scripts/install-tools.sh). Called by scripts/test.sh; about 30 s.
# Ports: PADDOCK_SMOKE_PORT (18480) for Caddy, the next ones for the instances, their
# metrics listeners and Caddy's admin endpoint.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
export PGOPTIONS="--client-min-messages=warning"

base="${PADDOCK_SMOKE_PORT:-18480}"
proxy_port=$base
app_ports=($((base + 1)) $((base + 2)))
metrics_ports=($((base + 11)) $((base + 12)))
admin_port=$((base + 9))
binary="$CARGO_TARGET_DIR/release/paddock"
site="$root/target/site"
db="paddock_smoke"
db_url="${DATABASE_URL%/*}/$db"
admin_url="${DATABASE_URL%/*}/postgres"
token="smoke-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
work="$(mktemp -d)"
pids=()

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -e "$log" ] && { echo "--- $(basename "$log") (last 40 lines)"; tail -n 40 "$log"; }
    done
  fi
  psql -q -d "$admin_url" -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

[ -x "$binary" ] || { echo "no release binary at $binary: run cargo leptos build --release" >&2; exit 1; }
[ -d "$site/pkg" ] || { echo "no site at $site: run cargo leptos build --release" >&2; exit 1; }
for port in "$proxy_port" "${app_ports[@]}" "${metrics_ports[@]}" "$admin_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use: stop what listens there or set PADDOCK_SMOKE_PORT" >&2
    exit 1
  fi
done

started=$(date +%s)
psql -q -d "$admin_url" -c "drop database if exists $db with (force)" -c "create database $db"

wait_for() { # url pid log
  for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "process of $3 exited"; cat "$3"; return 1; }
    sleep 0.5
  done
  echo "$1 did not answer within 30 s" >&2
  return 1
}

# Two instances, as in production: the public URL is the proxy's, client addresses come
# from X-Forwarded-For, metrics on their own listener with a token. The first loads the
# demo accounts, then the second starts on the same database.
for i in 0 1; do
  log="$work/paddock$((i + 1)).log"
  DATABASE_URL="$db_url" \
  LEPTOS_SITE_ROOT="$site" \
  LEPTOS_SITE_ADDR="127.0.0.1:${app_ports[$i]}" \
  LEPTOS_ENV=PROD \
  PADDOCK_PUBLIC_URL="http://127.0.0.1:$proxy_port" \
  PADDOCK_TRUST_PROXY_HEADERS=true \
  PADDOCK_SEED_DEMO_DATA=$([ "$i" -eq 0 ] && echo true || echo false) \
  PADDOCK_METRICS_ADDR="127.0.0.1:${metrics_ports[$i]}" \
  PADDOCK_METRICS_TOKEN="$token" \
  PADDOCK_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE=1000 \
  PADDOCK_LOGIN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS=1000 \
  PADDOCK_LOGIN_FREE_FAILURES_PER_ADDRESS=1000 \
    "$binary" >"$log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:${app_ports[$i]}/readyz" "$!" "$log"
done

# The production Caddyfile, unchanged; only its placeholders differ.
PADDOCK_DOMAIN="http://127.0.0.1:$proxy_port" \
PADDOCK_ACME_EMAIL=smoke@paddock.test \
PADDOCK_UPSTREAMS="127.0.0.1:${app_ports[0]} 127.0.0.1:${app_ports[1]}" \
PADDOCK_LB_POLICY=random \
CADDY_ADMIN="127.0.0.1:$admin_port" \
XDG_DATA_HOME="$work/caddy-data" XDG_CONFIG_HOME="$work/caddy-config" \
  caddy run --config "$root/deploy/Caddyfile" --adapter caddyfile >"$work/caddy.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$proxy_port/readyz" "$!" "$work/caddy.log"

# The metrics listeners want the token.
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${metrics_ports[0]}/metrics")
[ "$status" = 403 ] || { echo "metrics without the token answered $status, not 403" >&2; exit 1; }

metrics_urls="http://127.0.0.1:${metrics_ports[0]}/metrics http://127.0.0.1:${metrics_ports[1]}/metrics"
(
  cd end2end
  PADDOCK_E2E_URL="http://127.0.0.1:$proxy_port" \
  PADDOCK_SMOKE_METRICS="$metrics_urls" \
  PADDOCK_SMOKE_METRICS_TOKEN="$token" \
    npx playwright test --config smoke.config.ts
)

# The series the dashboard and the alerts (deploy/monitoring/) read, in the form the
# exporter really serves them after this traffic: names, labels, histogram buckets,
# summary quantiles.
for i in 0 1; do
  curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:${metrics_ports[$i]}/metrics" \
    >"$work/metrics.paddock$((i + 1))"
done
for series in \
  'paddock_http_requests_total{method="GET",route="/readyz",status="200"}' \
  'paddock_http_requests_total{method="POST",route="/api/session/login",status="200"}' \
  'paddock_http_request_duration_seconds_bucket{method="GET",route="/",status="200",le="+Inf"}' \
  'paddock_ws_connections ' 'paddock_sse_streams ' 'paddock_db_pool_connections ' \
  'paddock_chat_messages_total ' 'paddock_chat_commit_seconds_bucket{le="+Inf"}' \
  'paddock_chat_commit_batch_size{quantile="0.99"}' \
  'paddock_notifications_sent_total ' 'paddock_notifications_delivered_total '; do
  grep -Fq "$series" "$work"/metrics.paddock* ||
    { echo "no instance exports a series like $series" >&2; exit 1; }
done
echo "metrics: the series of the dashboard and alerts are exported as expected"
if [ -n "${PADDOCK_SMOKE_METRICS_OUT:-}" ]; then
  cp "$work/metrics.paddock1" "$PADDOCK_SMOKE_METRICS_OUT.paddock1"
  cp "$work/metrics.paddock2" "$PADDOCK_SMOKE_METRICS_OUT.paddock2"
fi
echo "smoke test through Caddy passed in $(($(date +%s) - started)) s"
