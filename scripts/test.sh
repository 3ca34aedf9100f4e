#!/usr/bin/env bash
# Runs every Paddock test: formatting, lints (server and browser builds), the deployment
# and supply-chain checks (scripts/check-deploy.sh), unit and integration tests against
# PostgreSQL (the TypeScript protocol bindings included), 20 seconds of each fuzz
# target, the release build, the smoke test of the production proxy (Caddy in front of
# two release instances), Playwright in Chromium against the release server (the
# accessibility and bundle-size gates included; a second instance, with the live chat
# closed today, for the opening-hours test), Lighthouse on the public pages, then the
# npm library @paddock/client against that same server and its packed tarball.
# Installs whatever is missing first.
#
# Needs a PostgreSQL server; DATABASE_URL defaults to the local one with trust auth.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Incremental caches would grow by gigabytes per run in the shared target directory.
export CARGO_INCREMENTAL=0
E2E_PORT="${PADDOCK_E2E_PORT:-3100}"
log_dir="$(mktemp -d)"
step() { printf '\n==> %s\n' "$*"; }
# Runs a test step against the release server, its output kept in log $1; on failure,
# shows the end of the server's log and stops with the step's status.
against_server() {
  local log="$1" status
  shift
  set +e
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "--- server log (last 80 lines) ---"; tail -n 80 "$server_log"
    if [ -n "${closed_server_log:-}" ]; then
      echo "--- closed-desk server log (last 40 lines) ---"; tail -n 40 "$closed_server_log"
    fi
    exit "$status"
  fi
}

step "tools"
"$root/scripts/install-tools.sh"

step "deployment and supply chain: workflows, compose, Caddyfile, Prometheus rules and their tests, dashboard, cargo deny"
"$root/scripts/check-deploy.sh"

step "PostgreSQL"
if ! pg_isready -q -d "$DATABASE_URL" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -d "$DATABASE_URL" && break; sleep 1; done
fi
pg_isready -d "$DATABASE_URL"

step "cargo fmt --check"
cargo fmt --all -- --check
cargo fmt --all --manifest-path fuzz/Cargo.toml -- --check

step "clippy (server)"
cargo clippy --features ssr,loadgen --all-targets -- -D warnings
step "clippy (browser)"
cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests"
cargo test --features ssr 2>&1 | tee "$log_dir/cargo-test.log"

step "fuzz targets (cargo-fuzz, nightly, 20 s each; see fuzz/README.md)"
"$root/scripts/fuzz.sh" 20

step "release build (cargo leptos)"
"$root/scripts/build-site.sh"

step "smoke test: deploy/Caddyfile in front of two release instances (WebSocket across instances, SSE)"
"$root/scripts/smoke-proxy.sh" 2>&1 | tee "$log_dir/smoke.log"

step "@paddock/client build (its browser test runs with Playwright)"
(cd packages/client && npm run --silent build)

step "end-to-end tests (Playwright, Chromium, release build)"
e2e_db="paddock_e2e"
admin_url="${DATABASE_URL%/*}/postgres"
closed_db="paddock_e2e_closed"
psql -q -d "$admin_url" -c "drop database if exists $e2e_db with (force)" -c "create database $e2e_db" \
  -c "drop database if exists $closed_db with (force)" -c "create database $closed_db"
if curl -fsS "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null 2>&1; then
  echo "port $E2E_PORT is already serving something: stop it or set PADDOCK_E2E_PORT" >&2
  exit 1
fi
# Starts a release instance on port $1 with database $2, its log in $3 and the extra
# settings that follow (NAME=value), then waits until it is ready.
start_server() {
  local port="$1" db="$2" log="$3" pid
  shift 3
  env DATABASE_URL="${DATABASE_URL%/*}/$db" \
    LEPTOS_SITE_ROOT="$root/target/site" \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    LEPTOS_ENV=PROD \
    PADDOCK_PUBLIC_URL="http://127.0.0.1:$port" \
    PADDOCK_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE=1000 \
    PADDOCK_LOGIN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS=1000 \
    PADDOCK_LOGIN_FREE_FAILURES_PER_ADDRESS=1000 \
    PADDOCK_SUPPORT_REQUEST_EXPIRY_SECONDS=30 \
    PADDOCK_METRICS_ADDR=127.0.0.1:0 \
    SENTRY_DSN="http://e2e@127.0.0.1:${PADDOCK_E2E_SENTRY_PORT:-3190}/1" \
    SENTRY_ENVIRONMENT=e2e \
    "$@" \
    "$CARGO_TARGET_DIR/release/paddock" >"$log" 2>&1 &
  pid=$!
  server_pids="${server_pids:-} $pid"
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 1
  done
  echo "the server on port $port was not ready within 60 s" >&2
  tail -n 80 "$log"
  exit 1
}
trap 'kill $server_pids 2>/dev/null || true' EXIT
server_log="$log_dir/server.log"
# The tests run at any hour: this instance's advisors are there around the clock.
start_server "$E2E_PORT" "$e2e_db" "$server_log" \
  PADDOCK_SEED_DEMO_DATA=true PADDOCK_SUPPORT_HOURS=always
# A second instance keeps the calendars' hours with today closed (in the dealerships'
# time zone): the opening-hours test meets a closed desk at any hour. Its own database:
# while closed it holds every pending request for the opening.
closed_port=$((E2E_PORT + 1))
if curl -fsS "http://127.0.0.1:$closed_port/healthz" >/dev/null 2>&1; then
  echo "port $closed_port is already serving something: stop it or set PADDOCK_E2E_PORT" >&2
  exit 1
fi
today="$(TZ="${PADDOCK_TIMEZONE:-Europe/Paris}" LC_ALL=C date +%a | tr '[:upper:]' '[:lower:]')"
closed_server_log="$log_dir/server-closed.log"
start_server "$closed_port" "$closed_db" "$closed_server_log" PADDOCK_SEED_DEMO_DATA=true \
  PADDOCK_SUPPORT_HOURS=calendars PADDOCK_BOOKING__CLOSED_DAYS="$today"
playwright() {
  (cd end2end && PADDOCK_E2E_URL="http://127.0.0.1:$E2E_PORT" \
    PADDOCK_E2E_CLOSED_URL="http://127.0.0.1:$closed_port" npx playwright test)
}
against_server "$log_dir/playwright.log" playwright

step "Lighthouse (mobile) on the public pages: performance, accessibility, best practices, SEO ≥ 0.95"
lighthouse_gate() {
  PADDOCK_E2E_URL="http://127.0.0.1:$E2E_PORT" node end2end/lighthouse/run.mjs "$log_dir/lighthouse"
}
against_server "$log_dir/lighthouse.log" lighthouse_gate

step "@paddock/client: type-level tests, tests against the release server"
client_tests() {
  (cd packages/client && npm run --silent check-types && PADDOCK_URL="http://127.0.0.1:$E2E_PORT" npm test)
}
against_server "$log_dir/client.log" client_tests

step "@paddock/client: npm pack, installed and imported as a consumer would"
"$root/scripts/check-client-package.sh" "$log_dir/pack"

cargo_passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log_dir/cargo-test.log" | awk '{s += $4} END {print s + 0}')
e2e_passed=$(grep -Eo '^ *[0-9]+ passed' "$log_dir/playwright.log" | awk '{s += $1} END {print s + 0}')
client_passed=$(grep -Eo '^# pass [0-9]+' "$log_dir/client.log" | awk '{s += $3} END {print s + 0}')
smoke_passed=$(grep -Eo '^ *[0-9]+ passed' "$log_dir/smoke.log" | awk '{s += $1} END {print s + 0}')
lighthouse_passed=$(grep -Eo '^Lighthouse: [0-9]+ pages' "$log_dir/lighthouse.log" | awk '{print $2}')
printf '\nsummary: %d passed, 0 failed\n' "$((cargo_passed + e2e_passed + client_passed + smoke_passed + ${lighthouse_passed:-0}))"
