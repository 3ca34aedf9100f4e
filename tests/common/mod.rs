//! Starts the real Paddock router on an ephemeral port against the test's own database.

#![allow(dead_code)]

pub mod assistant;
pub mod sse;
pub mod support;
pub mod ws;

use chrono::{DateTime, Utc};
use leptos::config::{Env, LeptosOptions};
use paddock::{
    config::{Settings, SupportHours},
    server::{db, AppState, Clock},
    site,
};
use reqwest::{redirect::Policy, Client, Response};
use sqlx::PgPool;
use std::net::SocketAddr;

pub const ADMIN_EMAIL: &str = "claire.martin@paddock.test";
pub const ADMIN_PASSWORD: &str = "PaddockAdmin2026!";
pub const CUSTOMER_EMAIL: &str = "julie.petit@paddock.test";
pub const CUSTOMER_PASSWORD: &str = "PaddockClient2026!";

pub struct TestApp {
    pub base: String,
    /// The metrics listener (`/metrics`), apart from the public port as in production.
    pub metrics_base: String,
    pub pool: PgPool,
    /// The running server's state (its sockets, streams, shutdown).
    pub state: Option<AppState>,
}

impl TestApp {
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(pool, |_| {}).await
    }

    /// Starts the server with the seed data and settings adjusted by `tweak`.
    pub async fn spawn_with(pool: PgPool, tweak: impl FnOnce(&mut Settings)) -> Self {
        Self::start(pool, tweak, Clock::system()).await
    }

    /// Starts the server with its clock fixed at `now`.
    pub async fn spawn_at(pool: PgPool, now: DateTime<Utc>) -> Self {
        Self::spawn_at_with(pool, now, |_| {}).await
    }

    /// Starts the server with its clock fixed at `now` and settings adjusted by `tweak`.
    pub async fn spawn_at_with(
        pool: PgPool,
        now: DateTime<Utc>,
        tweak: impl FnOnce(&mut Settings),
    ) -> Self {
        Self::start(pool, tweak, Clock::fixed(now)).await
    }

    /// Starts the server with `clock` and settings adjusted by `tweak`.
    pub async fn spawn_with_clock(
        pool: PgPool,
        clock: Clock,
        tweak: impl FnOnce(&mut Settings),
    ) -> Self {
        Self::start(pool, tweak, clock).await
    }

    /// Starts the server with the site's files read from `site_root` (tests that need a
    /// file without the release build).
    pub async fn spawn_with_site_root(pool: PgPool, site_root: &str) -> Self {
        Self::start_in(pool, |_| {}, Clock::system(), site_root).await
    }

    async fn start(pool: PgPool, tweak: impl FnOnce(&mut Settings), clock: Clock) -> Self {
        Self::start_in(pool, tweak, clock, "target/site").await
    }

    async fn start_in(
        pool: PgPool,
        tweak: impl FnOnce(&mut Settings),
        clock: Clock,
        site_root: &str,
    ) -> Self {
        db::seed(&pool).await.expect("seed.sql loads");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let mut settings = Settings {
            public_url: format!("http://{address}"),
            // Tests run at any hour: only those about opening hours ask for them.
            support_hours: SupportHours::Always,
            ..Settings::default()
        };
        tweak(&mut settings);
        let options = LeptosOptions::builder()
            .output_name("paddock")
            .site_root(site_root)
            .env(Env::PROD)
            .build();
        let state = AppState::new(pool.clone(), settings, options).with_clock(clock);
        let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics_base = format!("http://{}", metrics_listener.local_addr().unwrap());
        let metrics_app = paddock::server::observability::metrics_router(state.clone());
        tokio::spawn(async move { axum::serve(metrics_listener, metrics_app).await.unwrap() });
        let app = site::start(state.clone()).await.expect("LISTEN works");
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        Self {
            base: format!("http://{address}"),
            metrics_base,
            pool,
            state: Some(state),
        }
    }

    /// The Prometheus text of this instance's metrics listener.
    pub async fn metrics_text(&self) -> String {
        reqwest::get(format!("{}/metrics", self.metrics_base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// Calls a server function the way the hydrated page does (same-origin, form encoded).
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, client: &Client, email: &str, password: &str) -> Response {
        self.call(
            client,
            "session/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn logged_in_client(&self, email: &str, password: &str) -> Client {
        let client = self.client();
        let response = self.login(&client, email, password).await;
        assert_eq!(response.status(), 200, "login of {email} failed");
        client
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.unwrap()
    }
}

/// The `code` of a JSON error answer.
pub async fn error_code(response: Response) -> String {
    let body: serde_json::Value = response.json().await.expect("a JSON error");
    body["code"].as_str().unwrap_or_default().to_owned()
}

/// Logs in and returns the `Cookie` header value of the new session.
pub async fn session_cookie_of(app: &TestApp, email: &str, password: &str) -> String {
    let response = app.login(&app.client(), email, password).await;
    assert_eq!(response.status(), 200, "login of {email}");
    session_cookie(&response)
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("paddock_session=") || v.starts_with("__Host-paddock_session="))
        .map(str::to_owned)
}

/// Creates a room through the admin API and returns its id.
pub async fn create_room(app: &TestApp, name: &str, capacity: i32) -> uuid::Uuid {
    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let response = app
        .call(
            &admin,
            "admin/rooms/create",
            &[("name", name), ("capacity", &capacity.to_string())],
        )
        .await;
    assert_eq!(response.status(), 200);
    let room: serde_json::Value = response.json().await.unwrap();
    room["id"].as_str().unwrap().parse().unwrap()
}

/// Creates `count` customers with Julie's password (no argon2 per account) and returns
/// their emails: `{prefix}{n}@paddock.test`.
pub async fn customers(app: &TestApp, prefix: &str, count: usize) -> Vec<String> {
    let hash: String = sqlx::query_scalar("select password_hash from users where email = $1")
        .bind(CUSTOMER_EMAIL)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut emails = Vec::new();
    for n in 0..count {
        let email = format!("{prefix}{n}@paddock.test");
        sqlx::query("insert into users (email, display_name, password_hash) values ($1, $2, $3)")
            .bind(&email)
            .bind(format!("Pilote {prefix} {n}"))
            .bind(&hash)
            .execute(&app.pool)
            .await
            .unwrap();
        emails.push(email);
    }
    emails
}
