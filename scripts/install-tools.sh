#!/usr/bin/env bash
# Installs what building and testing Paddock needs, skipping whatever is already present.
# Idempotent: safe to run on every CI run and on a fresh machine.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
CARGO_FUZZ_VERSION=0.13.2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$root/end2end/node_modules/.bin:$PATH"

log() { printf '==> %s\n' "$*"; }

# The wasm-bindgen CLI must match the library version pinned in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock"
}

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

wbg="$(wasm_bindgen_version)"
if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg"; then
  log "installing wasm-bindgen-cli $wbg"
  cargo install wasm-bindgen-cli@"$wbg" --force
fi

if ! command -v chromium >/dev/null 2>&1; then
  log "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# npm packages of end2end/: Playwright's test runner and binaryen's wasm-opt
# (never Debian's old binaryen: its wasm-opt breaks hydration).
if [ ! -x "$root/end2end/node_modules/.bin/wasm-opt" ] || [ ! -x "$root/end2end/node_modules/.bin/playwright" ]; then
  log "installing end2end npm packages"
  (cd "$root/end2end" && npm ci --no-audit --no-fund)
fi
# npm packages of the client library (packages/client): TypeScript and ws, for its tests.
if [ ! -x "$root/packages/client/node_modules/.bin/tsc" ] || [ ! -d "$root/packages/client/node_modules/ws" ]; then
  log "installing packages/client npm packages"
  (cd "$root/packages/client" && npm ci --no-audit --no-fund)
fi
log "tools ready: $(cargo leptos --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version), $(cargo fuzz --version)"
