//! The HTTP server: shared state, the router and its layers.

pub mod context;
pub mod db;
pub mod guard;
pub mod observability;
pub mod security;
pub mod seo;

use crate::{
    app::{shell, App, SiteUrl},
    auth::server::LoginLimiter,
    chat::server::{ws, Chat},
    config::Settings,
};
use axum::{
    body::Body,
    extract::{FromRef, Request, State},
    middleware,
    response::IntoResponse,
    routing::get,
    Router,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use std::sync::Arc;
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

/// The current time. Injected so that tests can fix "today".
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Self(Arc::new(Utc::now))
    }

    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self(Arc::new(move || at))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

/// Everything a request handler or server function may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub leptos_options: LeptosOptions,
    pub login_limiter: Arc<LoginLimiter>,
    pub clock: Clock,
    pub chat: Arc<Chat>,
}

impl AppState {
    pub fn new(pool: PgPool, settings: Settings, leptos_options: LeptosOptions) -> Self {
        let login_limiter = Arc::new(LoginLimiter::new(
            settings.login_attempts_per_ip_per_minute,
            settings.login_attempts_per_account_per_15_minutes,
        ));
        let chat = Arc::new(Chat::new(pool.clone(), &settings));
        Self {
            pool,
            settings: Arc::new(settings),
            leptos_options,
            login_limiter,
            clock: Clock::system(),
            chat,
        }
    }

    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The dealerships' local wall time now.
    pub fn local_now(&self) -> NaiveDateTime {
        let zone = self
            .settings
            .time_zone()
            .unwrap_or(chrono_tz::Europe::Paris);
        self.clock.now().with_timezone(&zone).naive_local()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Context every server-rendered page and server function gets.
fn provide_server_context(state: &AppState) {
    provide_context(state.clone());
    provide_context(SiteUrl(state.settings.base_url().to_owned()));
    security::apply_page_csp(&state.leptos_options);
}

async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    leptos_axum::handle_server_fns_with_context(move || provide_server_context(&state), request)
        .await
}

/// The whole application, ready to serve with `into_make_service_with_connect_info`.
pub fn router(state: AppState) -> Router {
    // Installed before the first request, so that every request is counted.
    observability::prometheus();
    let routes = generate_route_list(App);
    let page_state = state.clone();
    let fallback_state = state.clone();
    let leptos_options = state.leptos_options.clone();

    let session_layer = SessionManagerLayer::new(PostgresStore::new(state.pool.clone()))
        .with_name(if state.settings.uses_tls() {
            // The __Host- prefix pins the cookie to this exact origin, over HTTPS only.
            "__Host-paddock_session"
        } else {
            "paddock_session"
        })
        .with_secure(state.settings.uses_tls())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::minutes(state.settings.session_idle_minutes),
        ));

    Router::new()
        .route("/healthz", get(observability::healthz))
        .route("/readyz", get(observability::readyz))
        .route("/metrics", get(observability::metrics))
        .route("/robots.txt", get(seo::robots_txt))
        .route("/sitemap.xml", get(seo::sitemap_xml))
        .route(
            "/api/{*path}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .route("/ws", get(ws::upgrade))
        .route(
            "/api/notifications/stream",
            get(crate::promo::server::stream),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_server_context(&page_state),
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || provide_server_context(&fallback_state), shell
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::page_guard,
        ))
        .layer(session_layer)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::reject_cross_site,
        ))
        .layer(RequestBodyLimitLayer::new(
            state.settings.max_request_body_bytes,
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::security_headers,
        ))
        .layer(middleware::from_fn(observability::record_metrics))
        .layer(observability::trace_layer())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
