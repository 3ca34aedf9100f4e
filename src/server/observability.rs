//! Logs with a request id, health probes and Prometheus metrics.

use super::AppState;
use crate::config::LogFormat;
use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, HeaderMap, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::{sync::OnceLock, time::Instant};
use tower_http::{
    classify::{ServerErrorsAsFailures, SharedClassifier},
    trace::{
        DefaultOnBodyChunk, DefaultOnEos, DefaultOnFailure, DefaultOnRequest, DefaultOnResponse,
        TraceLayer,
    },
};
use tracing::Span;

/// Logs to standard output (text or JSON); with Sentry on, errors also become Sentry
/// events and the lines before them breadcrumbs.
pub fn init_tracing(format: &LogFormat) {
    use tracing_subscriber::{
        fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer,
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_sessions=warn,sqlx=warn"));
    let lines = match format {
        LogFormat::Json => fmt::layer().json().boxed(),
        LogFormat::Text => fmt::layer().boxed(),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(crate::monitoring::server::tracing_layer())
        .try_init();
}

/// `paddock_build_info{version, commit}`: which build each instance runs.
pub fn record_build_info(commit: Option<&str>) {
    prometheus();
    metrics::gauge!(
        "paddock_build_info",
        "version" => env!("CARGO_PKG_VERSION"),
        "commit" => commit.unwrap_or("unknown").to_owned()
    )
    .set(1.0);
}

/// The process-wide Prometheus recorder, installed on first use.
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("_seconds".into()),
                &[
                    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            )
            .expect("valid buckets")
            .install_recorder()
            .expect("a single Prometheus recorder per process")
    })
}

/// A span per request carrying its `x-request-id`, so every log line of a request can be
/// found. A 5xx answer is logged as a warning: the error behind it is logged (and sent to
/// Sentry) where it happened, once.
pub fn trace_layer() -> TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    impl Fn(&Request) -> Span + Clone,
    DefaultOnRequest,
    DefaultOnResponse,
    DefaultOnBodyChunk,
    DefaultOnEos,
    DefaultOnFailure,
> {
    TraceLayer::new_for_http()
        .on_failure(DefaultOnFailure::new().level(tracing::Level::WARN))
        .make_span_with(|request: &Request| {
            let request_id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                request_id = %request_id,
            )
        })
}

pub async fn record_metrics(request: Request, next: Next) -> Response {
    let started = Instant::now();
    // The route pattern, not the raw path, keeps the number of series bounded.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| {
            if request.uri().path().starts_with("/pkg/") {
                "/pkg/*".into()
            } else {
                "other".into()
            }
        });
    let method = request.method().to_string();
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("paddock_http_requests_total", &labels).increment(1);
    metrics::histogram!("paddock_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match sqlx::query("select 1").execute(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(%err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

fn metrics_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    // An empty token counts as none. Without a token, who can reach the metrics
    // listener (`PADDOCK_METRICS_ADDR`, loopback by default) is the control.
    match state
        .settings
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes())),
        None => true,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Prometheus text format, with `PADDOCK_METRICS_TOKEN` set for its bearer only.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !metrics_allowed(&state, &headers) {
        return (StatusCode::FORBIDDEN, "forbidden").into_response();
    }
    metrics::gauge!("paddock_db_pool_connections").set(f64::from(state.pool.size()));
    // The socket cap beside the socket count: the near-cap alert divides one by the other.
    metrics::gauge!("paddock_ws_max_connections").set(state.settings.ws_max_connections as f64);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        prometheus().render(),
    )
        .into_response()
}

/// The metrics listener's router: `/metrics` alone. It is served on its own address,
/// never through the public port, so that a reverse proxy in front of the site cannot
/// expose it by mistake.
pub fn metrics_router(state: AppState) -> axum::Router {
    prometheus();
    axum::Router::new()
        .route("/metrics", axum::routing::get(metrics))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn token_comparison_needs_exact_bytes() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }
}
