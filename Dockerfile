# syntax=docker/dockerfile:1.7
# Paddock: multi-stage build (BuildKit). The builder carries the same pinned tools as
# scripts/install-tools.sh; the runtime image holds only the server binary, the compiled
# site, hash.txt and Leptos.toml, and runs as an unprivileged user.
#
#   docker build -t paddock .
#   docker compose up --build        # with PostgreSQL and the demo data

############################################################ builder
FROM rust:1.95-bookworm AS builder

# Must equal the wasm-bindgen version in Cargo.lock (checked below, after the sources are in).
ARG WASM_BINDGEN_VERSION=0.2.130
ARG CARGO_LEPTOS_VERSION=0.3.10
# wasm-opt comes from npm's binaryen: Debian's binaryen is far too old and breaks hydration.
ARG BINARYEN_VERSION=132.0.0

ENV CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0

RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && if command -v wasm-opt >/dev/null 2>&1; then echo "unexpected wasm-opt on PATH: $(command -v wasm-opt)" >&2; exit 1; fi

RUN rustup target add wasm32-unknown-unknown

# cargo-leptos finds wasm-bindgen and wasm-opt on PATH and downloads nothing.
RUN cargo install cargo-leptos@${CARGO_LEPTOS_VERSION} --locked \
    && cargo install wasm-bindgen-cli@${WASM_BINDGEN_VERSION} \
    && rm -rf /usr/local/cargo/registry /usr/local/cargo/git
RUN npm install -g --no-audit --no-fund binaryen@${BINARYEN_VERSION} \
    && wasm-opt --version | grep -q "version ${BINARYEN_VERSION%%.*}" \
    && wasm-bindgen --version | grep -q " ${WASM_BINDGEN_VERSION}\$" \
    && cargo leptos --version

WORKDIR /build
COPY Cargo.toml Cargo.lock Leptos.toml build.rs ./
# Leptos' view library with Paddock's one change (Cargo.toml's [patch.crates-io]).
COPY vendor ./vendor
RUN awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock \
        | grep -qx "${WASM_BINDGEN_VERSION}" \
    || { echo "Cargo.lock's wasm-bindgen differs from WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION}: update the Dockerfile" >&2; exit 1; }
COPY src ./src
COPY style ./style
COPY public ./public
COPY migrations ./migrations
COPY seed.sql ./seed.sql
# Cargo.toml declares the integration tests by path: the manifest needs them to load.
COPY tests ./tests
COPY scripts/build-site.sh ./scripts/build-site.sh

# The cargo registry and the target directory are cache mounts (quick rebuilds); the
# artifacts are copied out to /out before the step ends, since a cache mount is not part
# of the image. cargo-leptos writes the site to <project>/target/site (Leptos.toml's
# site-root), which is a normal folder of this stage. The site's file names carry their
# content hash: hash.txt, which names them, must sit beside the binary.
RUN --mount=type=cache,id=paddock-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=paddock-cargo-git,target=/usr/local/cargo/git \
    --mount=type=cache,id=paddock-target,target=/build/target-cache \
    CARGO_TARGET_DIR=/build/target-cache scripts/build-site.sh \
    && mkdir -p /out \
    && cp /build/target-cache/release/paddock /build/target-cache/release/hash.txt /out/ \
    && cp -r /build/target/site /out/site \
    && find /out/site/pkg -name 'paddock.*.wasm' -size +1k | grep -q . \
    && find /out/site/pkg -name 'paddock.*.wasm.br' | grep -q . \
    && find /out/site/pkg -name 'paddock.*.js' | grep -q .

############################################################ runtime
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 paddock \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin paddock

WORKDIR /app
# Owned by root and read-only for the service user: the app writes nothing to disk.
COPY --from=builder /out/paddock /app/paddock
COPY --from=builder /out/hash.txt /app/hash.txt
COPY --from=builder /out/site /app/site
COPY --from=builder /build/Leptos.toml /app/Leptos.toml

# The mmap threshold makes glibc hand argon2's 19 MiB blocks back to the system after each
# login instead of keeping them in its arenas (see docs/benchmarks.md).
ENV LEPTOS_SITE_ROOT=site \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_ENV=PROD \
    RUST_LOG=info \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576

EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:3000/healthz"]

# Set by the release workflow (.github/workflows/release.yml), which adds the other
# org.opencontainers.image.* labels; a local build says dev. Last, so that a new version
# reuses every layer above.
ARG PADDOCK_VERSION=dev
ARG PADDOCK_REVISION=unknown
LABEL org.opencontainers.image.title="Paddock" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${PADDOCK_VERSION}" \
      org.opencontainers.image.revision="${PADDOCK_REVISION}"
# The commit is part of the release name Sentry groups errors by (paddock@<version>+<commit>).
ENV PADDOCK_COMMIT=${PADDOCK_REVISION}

USER 10001:10001
STOPSIGNAL SIGTERM
CMD ["/app/paddock"]
