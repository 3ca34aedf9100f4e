# The environment the test scripts share (sourced, not run; $root is the repository's
# root): the database, the build caches, and the tools install-tools.sh puts in place.
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# Build caches live outside the clone so that a second run, or a fresh clone, is quick.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/paddock/target}"
export PATH="$HOME/.cargo/bin:$root/end2end/node_modules/.bin:$PATH"
