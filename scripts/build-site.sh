#!/usr/bin/env bash
# The release build of Paddock, as tests, CI and the Docker image make it:
#   --split        members' and advisors' pages in their own wasm chunks (`Lazy` routes
#                  in src/app.rs), fetched when they open;
#   --precompress  a brotli (.br) and a gzip (.gz) copy of every site file, served as is.
# File names carry their content hash (hash-files in Cargo.toml); the hashes are in
# $CARGO_TARGET_DIR/release/hash.txt, which must stay beside the server binary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo leptos build --release --precompress --split "$@"
