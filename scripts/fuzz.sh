#!/usr/bin/env bash
# Builds the fuzz targets of fuzz/ (cargo-fuzz, nightly toolchain) and runs each for
# SECONDS (default 20). Fails on the first crash, saved in fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 3600 assistant
#
# Builds go to ~/.cache/paddock/fuzz-target and the corpus to ~/.cache/paddock/fuzz-corpus,
# kept from run to run (override with PADDOCK_FUZZ_TARGET_DIR, PADDOCK_FUZZ_CORPUS_DIR).
# PADDOCK_FUZZ_FEATURES passes features to the fuzz crate (e.g. pending-rules).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_INCREMENTAL=0

seconds="${1:-20}"
shift || true
target_dir="${PADDOCK_FUZZ_TARGET_DIR:-$HOME/.cache/paddock/fuzz-target}"
corpus_root="${PADDOCK_FUZZ_CORPUS_DIR:-$HOME/.cache/paddock/fuzz-corpus}"
# No sanitizer: Paddock has no unsafe code, and runs go about twice as fast.
options=(-s none --target-dir "$target_dir")
if [ -n "${PADDOCK_FUZZ_FEATURES:-}" ]; then
  options+=(--features "$PADDOCK_FUZZ_FEATURES")
fi

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

cargo +nightly fuzz build "${options[@]}"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
  corpus=("$corpus_root/$target")
  mkdir -p "${corpus[0]}"
  if [ -d "$root/fuzz/seeds/$target" ]; then corpus+=("$root/fuzz/seeds/$target"); fi
  flags=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1)
  if [ -f "$root/fuzz/dicts/$target.dict" ]; then flags+=(-dict="$root/fuzz/dicts/$target.dict"); fi
  printf -- '--- %s, %s s\n' "$target" "$seconds"
  if ! cargo +nightly fuzz run "${options[@]}" "$target" "${corpus[@]}" -- "${flags[@]}" >"$log" 2>&1; then
    # The panic and the failing input, without libFuzzer's progress lines.
    sed -n '/panicked at/,/^stack backtrace/p' "$log" | head -n 20
    sed -n '/^SUMMARY/,/^Minimize/p' "$log" | grep -v '^ *[0-9]*: \|^ *at ' | head -n 40
    echo "fuzz target $target failed: the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E 'DONE' "$log" | tail -n 1 || true
done
