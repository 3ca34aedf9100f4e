//! Sentry on the server, on when `SENTRY_DSN` is set: panics (with the request they
//! happened in), `tracing` errors (warnings become breadcrumbs), requests slower than
//! the threshold as transactions, and the browser's reports. Every event carries the
//! release, the environment, the request id and the user id; never an email, a
//! password or the text of a message.

use super::ClientErrorReport;
use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use sentry::{
    protocol::{Event, Exception, Level, Map, Value},
    ClientInitGuard, ClientOptions,
};
use std::{
    borrow::Cow,
    sync::Arc,
    time::{Duration, Instant},
};
use uuid::Uuid;

/// What Sentry needs to know about this running instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringOptions {
    /// `SENTRY_DSN`; empty or missing: monitoring off.
    pub dsn: Option<String>,
    /// `SENTRY_ENVIRONMENT`, else `production` for a site served over HTTPS and
    /// `development` otherwise.
    pub environment: String,
    /// `PADDOCK_COMMIT`, the commit the image was built from (a local build's
    /// `unknown` counts as none).
    pub commit: Option<String>,
    /// `SENTRY_DEBUG=true`: the client logs what it sends (or fails to) on stderr.
    pub debug: bool,
}

impl MonitoringOptions {
    /// Reads the options from `env` (the process environment in production).
    pub fn from_env(env: impl Fn(&str) -> Option<String>, served_over_tls: bool) -> Self {
        let set = |name: &str| env(name).filter(|value| !value.trim().is_empty());
        let environment = set("SENTRY_ENVIRONMENT").unwrap_or_else(|| {
            if served_over_tls {
                "production".into()
            } else {
                "development".into()
            }
        });
        Self {
            dsn: set("SENTRY_DSN"),
            environment,
            commit: set("PADDOCK_COMMIT").filter(|c| c != "unknown"),
            debug: set("SENTRY_DEBUG").is_some_and(|v| v == "true" || v == "1"),
        }
    }
}

impl MonitoringOptions {
    /// The release name Sentry groups events by: `paddock@<version>`, with `+<commit>`
    /// when known.
    pub fn release(&self) -> String {
        release(self.commit.as_deref())
    }
}

fn release(commit: Option<&str>) -> String {
    let version = env!("CARGO_PKG_VERSION");
    match commit {
        Some(commit) => format!("paddock@{version}+{commit}"),
        None => format!("paddock@{version}"),
    }
}

/// Starts the Sentry client when a DSN is given; keep the guard until exit (dropping it
/// flushes what is queued). An unreadable DSN is an error, not a silent "off".
pub fn init(options: MonitoringOptions) -> Result<Option<ClientInitGuard>, String> {
    let release = options.release();
    let Some(dsn) = options.dsn else {
        return Ok(None);
    };
    // Parsed here: `ClientOptions::dsn` panics on a bad one.
    if let Err(err) = dsn.parse::<sentry::types::Dsn>() {
        return Err(format!("SENTRY_DSN is not a valid DSN: {err}"));
    }
    // rustls with ring for the transport to Sentry (no OpenSSL, no aws-lc).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let options = ClientOptions::new()
        .dsn(&dsn)
        .release(release)
        .environment(options.environment)
        .send_default_pii(false)
        .debug(options.debug)
        // Transactions are started only for slow requests (see `watch_slow_requests`):
        // every one started is kept.
        .traces_sample_rate(1.0)
        .before_send(|mut event| {
            scrub(&mut event.extra);
            for context in event.contexts.values_mut() {
                if let sentry::protocol::Context::Other(fields) = context {
                    scrub(fields);
                }
            }
            Some(event)
        })
        .before_breadcrumb(|mut breadcrumb| {
            scrub(&mut breadcrumb.data);
            Some(breadcrumb)
        });
    Ok(Some(sentry::init(options)))
}

/// Field names whose values never leave the server.
const PRIVATE_FIELDS: &[&str] = &["email", "password", "body", "text", "cookie"];

/// Removes private fields from the data of an event or a breadcrumb (log lines carry
/// their fields there).
pub fn scrub(data: &mut Map<String, Value>) {
    data.retain(|key, _| {
        let key = key.to_ascii_lowercase();
        !PRIVATE_FIELDS.iter().any(|private| key.contains(private))
    });
}

/// The `tracing` layers that send errors as events and keep warnings and infos as
/// breadcrumbs of the next error of the same request. Spans are not turned into
/// transactions: the request spans would make one per request.
pub fn tracing_layer<S>() -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    use sentry::integrations::tracing::{BreadcrumbLayer, ErrorLayer};
    use tracing::Level;
    use tracing_subscriber::{filter::filter_fn, Layer};
    BreadcrumbLayer::new()
        .with_filter(filter_fn(|meta| {
            matches!(*meta.level(), Level::WARN | Level::INFO)
        }))
        .and_then(ErrorLayer::new().with_filter(filter_fn(|meta| *meta.level() == Level::ERROR)))
}

tokio::task_local! {
    /// The Sentry hub of the request this task serves. Work spawned apart from it (page
    /// rendering tasks, socket tasks) has none, so that it never names the user on a hub
    /// its thread shares with other requests.
    static REQUEST_HUB: Arc<sentry::Hub>;
}

/// Tells Sentry who the current request is for: the user id, never the email. Outside
/// the task of a request, nothing.
pub fn identify(user: Uuid, role: &str) {
    let _ = REQUEST_HUB.try_with(|hub| {
        hub.configure_scope(|scope| {
            scope.set_user(Some(sentry::User {
                id: Some(user.to_string()),
                ..Default::default()
            }));
            scope.set_tag("role", role);
        })
    });
}

/// Middleware: tags the request's events with its `x-request-id`, lets [`identify`] name
/// its user, and sends the request as a transaction when answering it took `threshold` or
/// longer. Long-lived streams answer their headers at once, so they are not "slow".
pub async fn watch_slow_requests(threshold: Duration, request: Request, next: Next) -> Response {
    let hub = sentry::Hub::current();
    if hub.client().is_none() {
        return next.run(request).await;
    }
    if let Some(id) = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
    {
        hub.configure_scope(|scope| scope.set_tag("request_id", id));
    }
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_owned(),
        |p| p.as_str().to_owned(),
    );
    let name = format!("{} {route}", request.method());
    let started = Instant::now();
    let transaction = hub.start_transaction(sentry::TransactionContext::new(&name, "http.server"));
    let response = REQUEST_HUB.scope(hub, next.run(request)).await;
    if started.elapsed() >= threshold {
        let status = response.status();
        transaction.set_data("http.response.status_code", status.as_u16().into());
        transaction.set_status(if status.is_server_error() {
            sentry::protocol::SpanStatus::InternalError
        } else {
            sentry::protocol::SpanStatus::Ok
        });
        transaction.finish();
    }
    // Otherwise dropped unfinished: nothing is sent.
    response
}

/// Sends one browser report to Sentry, as an event of the browser's platform.
pub fn forward_client_error(
    report: &ClientErrorReport,
    user: Option<Uuid>,
    user_agent: Option<&str>,
    site_url: &str,
) {
    let mut extra = Map::new();
    if let Some(stack) = &report.stack {
        extra.insert("stack".into(), stack.clone().into());
    }
    if let Some(source) = &report.source {
        extra.insert("source".into(), source.clone().into());
    }
    let event = Event {
        level: Level::Error,
        platform: Cow::Borrowed("javascript"),
        logger: Some("paddock.browser".into()),
        transaction: Some(report.page.clone()),
        exception: vec![Exception {
            ty: report.kind.exception_type().into(),
            value: Some(report.message.clone()),
            ..Default::default()
        }]
        .into(),
        tags: [
            ("source".to_owned(), "browser".to_owned()),
            ("kind".to_owned(), report.kind.label().to_owned()),
            ("page".to_owned(), report.page.clone()),
        ]
        .into_iter()
        .collect(),
        extra,
        user: user.map(|id| sentry::User {
            id: Some(id.to_string()),
            ..Default::default()
        }),
        request: Some(sentry::protocol::Request {
            url: format!("{site_url}{}", report.page).parse().ok(),
            headers: user_agent
                .map(|ua| ("User-Agent".to_owned(), ua.to_owned()))
                .into_iter()
                .collect(),
            ..Default::default()
        }),
        ..Default::default()
    };
    sentry::capture_event(event);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_come_from_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let off = MonitoringOptions::from_env(env(&[("SENTRY_DSN", " ")]), true);
        assert_eq!(off.dsn, None, "a blank DSN means off");
        assert_eq!(off.environment, "production");
        assert_eq!(
            off.release(),
            format!("paddock@{}", env!("CARGO_PKG_VERSION"))
        );

        let on = MonitoringOptions::from_env(
            env(&[
                ("SENTRY_DSN", "https://key@o1.ingest.sentry.io/42"),
                ("SENTRY_ENVIRONMENT", "staging"),
                ("PADDOCK_COMMIT", "4dc234a"),
            ]),
            false,
        );
        assert_eq!(
            on.dsn.as_deref(),
            Some("https://key@o1.ingest.sentry.io/42")
        );
        assert_eq!(on.environment, "staging");
        assert!(on.release().ends_with("+4dc234a"));
        assert_eq!(
            MonitoringOptions::from_env(env(&[]), false).environment,
            "development"
        );
    }

    #[test]
    fn a_bad_dsn_is_an_error_not_silence() {
        let options = MonitoringOptions {
            dsn: Some("not a dsn".into()),
            environment: "test".into(),
            commit: None,
            debug: false,
        };
        let refusal = init(options).err().expect("a bad DSN is refused");
        assert!(refusal.contains("SENTRY_DSN"));
    }

    #[test]
    fn private_fields_never_leave() {
        let mut data = Map::new();
        data.insert("email".into(), "julie@example.com".into());
        data.insert("user_email".into(), "julie@example.com".into());
        data.insert("Password".into(), "x".into());
        data.insert("message_text".into(), "bonjour".into());
        data.insert("room_id".into(), "r1".into());
        scrub(&mut data);
        assert_eq!(data.keys().collect::<Vec<_>>(), vec!["room_id"]);
    }
}
