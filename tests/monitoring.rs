//! Error monitoring against a fake Sentry: a small HTTP server in the test receives the
//! envelopes the real Sentry client sends — a server panic with its request id, user id,
//! release and environment; a `tracing` error without the private fields; a slow request
//! as a transaction (and not a fast one); a browser report through `/api/client-errors`,
//! with that endpoint's refusals.
//!
//! One test in its own binary: the Sentry client is process-wide.

mod common;

use axum::{extract::Path, http::StatusCode, routing::get, Router};
use common::{error_code, TestApp, CUSTOMER_EMAIL, CUSTOMER_PASSWORD};
use paddock::{
    config::LogFormat,
    monitoring::server::{init, MonitoringOptions},
    server::{observability, AppState},
    site,
};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

/// The envelopes a fake Sentry received, one body each.
#[derive(Clone, Default)]
struct FakeSentry {
    envelopes: Arc<Mutex<Vec<String>>>,
}

impl FakeSentry {
    /// Listens like Sentry's ingestion endpoint; returns its DSN.
    async fn start(&self) -> String {
        let envelopes = self.envelopes.clone();
        let app = Router::new().route(
            "/api/{project}/envelope/",
            axum::routing::post(move |Path(project): Path<String>, body: String| {
                let envelopes = envelopes.clone();
                async move {
                    assert_eq!(project, "42");
                    envelopes.lock().unwrap().push(body);
                    StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://publickey@{address}/42")
    }

    /// The first event or transaction for which `wanted` holds, with the whole envelope
    /// it came in; fails after 10 s.
    async fn wait_for(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> (Value, String) {
        for _ in 0..200 {
            let found = self.envelopes.lock().unwrap().iter().find_map(|envelope| {
                items(envelope)
                    .into_iter()
                    .find(|item| wanted(item))
                    .map(|item| (item, envelope.clone()))
            });
            if let Some(found) = found {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no {what} reached the fake Sentry; it received: {:?}",
            self.envelopes.lock().unwrap()
        );
    }

    fn everything(&self) -> String {
        self.envelopes.lock().unwrap().join("\n")
    }
}

/// The events and transactions of an envelope (its JSON lines that carry an event id).
fn items(envelope: &str) -> Vec<Value> {
    envelope
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|item| item.get("event_id").is_some() && item.get("timestamp").is_some())
        .collect()
}

fn exception_value(event: &Value) -> String {
    event["exception"]["values"][0]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn panics() -> &'static str {
    panic!("panne de test côté serveur")
}

/// Routes that fail on purpose, under exactly the site's layers.
async fn serve_failing_routes(state: &AppState) -> String {
    let routes = Router::new()
        .route("/espace/panne", get(panics))
        .route(
            "/test/erreur",
            get(|| async {
                tracing::error!(
                    email = "julie.petit@paddock.test",
                    room_id = "r-42",
                    "échec de test journalisé"
                );
                StatusCode::INTERNAL_SERVER_ERROR
            }),
        )
        .route(
            "/test/lent",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "lent"
            }),
        )
        .route("/test/rapide", get(|| async { "rapide" }));
    let app = site::with_site_layers(routes, state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap()
    });
    format!("http://{address}")
}

#[sqlx::test]
async fn server_and_browser_errors_reach_sentry(pool: PgPool) {
    let sentry = FakeSentry::default();
    let dsn = sentry.start().await;
    let guard = init(MonitoringOptions {
        dsn: Some(dsn),
        environment: "test".into(),
        commit: Some("c0ffee1".into()),
        debug: false,
    })
    .unwrap()
    .expect("a DSN turns monitoring on");
    // Never dropped: dropping flushes synchronously, towards a fake Sentry served by this
    // very thread.
    std::mem::forget(guard);
    observability::init_tracing(&LogFormat::Text);

    let app = TestApp::spawn_with(pool.clone(), |settings| {
        settings.client_error_reports_per_minute = 4;
        settings.slow_request_ms = 200;
    })
    .await;
    let julie: uuid::Uuid = sqlx::query_scalar("select id from users where email = $1")
        .bind(CUSTOMER_EMAIL)
        .fetch_one(&pool)
        .await
        .unwrap();
    let client = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let failing = serve_failing_routes(app.state.as_ref().unwrap()).await;

    // A panic answers 500 (JSON `internal`) and reaches Sentry with its context.
    let response = client
        .get(format!("{failing}/espace/panne"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(error_code(response).await, "internal");
    let (panic, envelope) = sentry
        .wait_for("panic", |e| {
            exception_value(e).contains("panne de test côté serveur")
        })
        .await;
    assert_eq!(panic["release"], "paddock@0.1.0+c0ffee1");
    assert_eq!(panic["environment"], "test");
    assert_eq!(panic["tags"]["request_id"], request_id.as_str());
    assert_eq!(panic["user"]["id"], julie.to_string().as_str());
    assert_eq!(panic["tags"]["role"], "customer");
    assert_eq!(panic["request"]["method"], "GET");
    assert!(
        !envelope.contains(CUSTOMER_EMAIL) && !envelope.contains("paddock_session"),
        "no email and no session cookie in the panic's envelope: {envelope}"
    );

    // A `tracing` error becomes an event, without its private fields.
    let response = client
        .get(format!("{failing}/test/erreur"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let (logged, envelope) = sentry
        .wait_for("logged error", |e| {
            e.to_string().contains("échec de test journalisé")
        })
        .await;
    // Sentry leaves out the default level, error.
    assert!(logged.get("level").is_none_or(|level| level == "error"));
    assert_eq!(
        logged["request"]["url"],
        format!("{failing}/test/erreur").as_str()
    );
    assert!(
        envelope.contains("r-42"),
        "other fields are kept: {envelope}"
    );
    assert!(!envelope.contains(CUSTOMER_EMAIL), "{envelope}");

    // A slow request is a transaction; a fast one (sent first) is not.
    for path in ["/test/rapide", "/test/lent"] {
        let response = client.get(format!("{failing}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let (slow, _) = sentry
        .wait_for("slow request", |e| e["transaction"] == "GET /test/lent")
        .await;
    assert_eq!(slow["contexts"]["trace"]["op"], "http.server");
    assert!(
        !sentry.everything().contains("GET /test/rapide"),
        "a fast request sends nothing"
    );

    // A browser report: same origin, logged in or not, forwarded with the reporter's id.
    let report = json!({
        "kind": "error",
        "message": "TypeError: boum dans le salon",
        "stack": "at salon (paddock.js:1:2)",
        "source": "https://paddock.example/pkg/paddock.js:1:2",
        "page": "/espace/salons?jeton=secret#bas",
    });
    let response = client
        .post(app.url("/api/client-errors"))
        .header("origin", &app.base)
        .header("user-agent", "Navigateur de test")
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let (browser, envelope) = sentry
        .wait_for("browser report", |e| {
            exception_value(e) == "TypeError: boum dans le salon"
        })
        .await;
    assert_eq!(browser["platform"], "javascript");
    assert_eq!(browser["exception"]["values"][0]["type"], "Error");
    assert_eq!(browser["tags"]["source"], "browser");
    assert_eq!(browser["tags"]["page"], "/espace/salons");
    assert_eq!(browser["user"]["id"], julie.to_string().as_str());
    assert_eq!(browser["extra"]["stack"], "at salon (paddock.js:1:2)");
    assert_eq!(
        browser["request"]["url"],
        format!("{}/espace/salons", app.base).as_str()
    );
    assert!(!envelope.contains("secret"), "the query string stays home");
    assert!(app
        .metrics_text()
        .await
        .contains("paddock_client_errors_total{kind=\"error\"} 1"));

    // A visitor's report names nobody, whoever was served before on the same threads.
    let visitor = app.client();
    let response = visitor
        .post(app.url("/api/client-errors"))
        .header("origin", &app.base)
        .json(&json!({"kind": "panic", "message": "panique d’un visiteur", "page": "/"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let (anonymous, _) = sentry
        .wait_for("visitor's report", |e| {
            exception_value(e) == "panique d’un visiteur"
        })
        .await;
    assert_eq!(anonymous["exception"]["values"][0]["type"], "WasmPanic");
    assert!(anonymous.get("user").is_none(), "{anonymous}");

    // Refusals: another site, an unknown field, too big, then too many.
    let response = client
        .post(app.url("/api/client-errors"))
        .header("origin", "https://evil.example")
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(response).await, "cross_site_request");
    let response = client
        .post(app.url("/api/client-errors"))
        .header("origin", &app.base)
        .json(&json!({"kind": "error", "message": "m", "page": "/", "email": CUSTOMER_EMAIL}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(response).await, "invalid_input");
    let response = client
        .post(app.url("/api/client-errors"))
        .header("origin", &app.base)
        .json(&json!({"kind": "error", "message": "x".repeat(20_000), "page": "/"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(response).await, "out_of_range");
    let response = client
        .post(app.url("/api/client-errors"))
        .header("origin", &app.base)
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(error_code(response).await, "rate_limited");
}
