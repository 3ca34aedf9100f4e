# syntax=docker/dockerfile:1.7
# Paddock: multi-stage build. The builder has the same pinned tools as scripts/install-tools.sh;
# the runtime image holds only the server binary, the compiled site and Leptos.toml.

FROM rust:1.95-bookworm AS builder
ENV CARGO_TERM_COLOR=never
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown
# cargo-leptos must not download anything: wasm-bindgen (exactly the version in Cargo.lock)
# and wasm-opt (binaryen 132 from npm, never Debian's old one) are put on PATH.
RUN cargo install cargo-leptos@0.3.10 --locked \
    && cargo install wasm-bindgen-cli@0.2.130 \
    && npm install -g binaryen@132.0.0

WORKDIR /build
COPY Cargo.toml Cargo.lock Leptos.toml ./
COPY src ./src
COPY style ./style
COPY public ./public
COPY migrations ./migrations
COPY seed.sql ./seed.sql
COPY tests ./tests
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target-cache \
    CARGO_TARGET_DIR=/build/target-cache cargo leptos build --release \
    && mkdir -p /out \
    && cp /build/target-cache/release/paddock /out/paddock \
    && cp -r /build/target/site /out/site

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin paddock
WORKDIR /app
COPY --from=builder /out/paddock /app/paddock
COPY --from=builder /out/site /app/site
COPY Leptos.toml /app/Leptos.toml
ENV LEPTOS_SITE_ROOT=site \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_ENV=PROD \
    RUST_LOG=info
EXPOSE 3000
USER paddock
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1
CMD ["/app/paddock"]
