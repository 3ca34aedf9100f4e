#!/usr/bin/env bash
# Installs what building and testing Paddock needs, skipping whatever is already present.
# Idempotent: safe to run on every CI run and on a fresh machine.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
CARGO_FUZZ_VERSION=0.13.2
# cargo-deny 0.20 needs rustc 1.88 or later (built here with the project's 1.95).
CARGO_DENY_VERSION=0.20.2
# check-jsonschema validates the GitHub workflows and the production compose file
# against their published schemas (built into the package: no download at run time).
CHECK_JSONSCHEMA_VERSION=0.39.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$root/end2end/node_modules/.bin:$PATH"

log() { printf '==> %s\n' "$*"; }

# The wasm-bindgen CLI must match the library version pinned in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock"
}

# rustfmt and clippy (scripts/test.sh): images such as rust:1.95-bookworm (CI) have the
# minimal profile without them.
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    log "adding the $component component"
    rustup component add "$component"
  fi
done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION"
  cargo install cargo-leptos@"$CARGO_LEPTOS_VERSION" --locked
fi

# The fuzz targets (fuzz/) build with the nightly toolchain and cargo-fuzz.
if ! rustup toolchain list | grep -q '^nightly'; then
  log "installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz@"$CARGO_FUZZ_VERSION" --locked
fi

# Supply-chain checks (deny.toml): licenses, bans and sources in the test command,
# advisories in CI.
if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
  log "installing cargo-deny $CARGO_DENY_VERSION"
  cargo install cargo-deny@"$CARGO_DENY_VERSION" --locked
fi

wbg="$(wasm_bindgen_version)"
if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg"; then
  log "installing wasm-bindgen-cli $wbg"
  cargo install wasm-bindgen-cli@"$wbg" --force
fi

# Debian packages: Chromium (Playwright), the PostgreSQL client (psql, pg_isready,
# pg_dump, pg_restore), Caddy (caddy validate, the smoke test's proxy), Prometheus'
# promtool (alert rules and their tests) and Python's venv (check-jsonschema below).
apt_missing=()
command -v psql >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1 || apt_missing+=(postgresql-client)
command -v caddy >/dev/null 2>&1 || apt_missing+=(caddy)
command -v promtool >/dev/null 2>&1 || apt_missing+=(prometheus)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || apt_missing+=(python3-venv)
if ! command -v chromium >/dev/null 2>&1 || [ "${#apt_missing[@]}" -gt 0 ]; then
  apt-get update -qq
fi
if ! command -v chromium >/dev/null 2>&1; then
  log "installing Debian's chromium"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ "${#apt_missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

# check-jsonschema in its own virtualenv, next to the build caches.
venv="${PADDOCK_VENV:-$HOME/.cache/paddock/venv}"
if ! "$venv/bin/check-jsonschema" --version 2>/dev/null | grep -q "$CHECK_JSONSCHEMA_VERSION"; then
  log "installing check-jsonschema $CHECK_JSONSCHEMA_VERSION in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi

# npm packages of end2end/: Playwright's test runner, axe-core's Playwright binding,
# Lighthouse 12.2.3 (later releases need Node 22) and binaryen's wasm-opt (never Debian's
# old binaryen: its wasm-opt breaks hydration).
e2e_bin="$root/end2end/node_modules/.bin"
if [ ! -x "$e2e_bin/wasm-opt" ] || [ ! -x "$e2e_bin/playwright" ] || [ ! -x "$e2e_bin/lighthouse" ] \
  || [ ! -d "$root/end2end/node_modules/@axe-core/playwright" ]; then
  log "installing end2end npm packages"
  (cd "$root/end2end" && npm ci --no-audit --no-fund)
fi
# npm packages of the client library (packages/client): TypeScript and ws, for its tests.
if [ ! -x "$root/packages/client/node_modules/.bin/tsc" ] || [ ! -d "$root/packages/client/node_modules/ws" ]; then
  log "installing packages/client npm packages"
  (cd "$root/packages/client" && npm ci --no-audit --no-fund)
fi
log "tools ready: $(cargo leptos --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version), $(cargo fuzz --version)"
