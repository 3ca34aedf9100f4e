//! Paddock's own settings: the `[paddock]` table of `Leptos.toml`, each key overridable
//! by a `PADDOCK_<KEY>` environment variable. Secrets (database URL, metrics token,
//! bootstrap admin password) come only from the environment.

use crate::assistant::schedule::Schedule;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// When customers may reach an advisor live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SupportHours {
    /// The calendars' opening hours (`booking`): outside them, customers are told when
    /// advisors are back and their requests wait for the opening.
    Calendars,
    /// Around the clock: advisors on a rota that never closes (the end-to-end server
    /// too, whose tests run at any hour).
    Always,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The address people type, e.g. `https://paddock.example`. An `https` URL turns on
    /// Secure cookies and HSTS.
    pub public_url: String,
    /// Origins allowed to send state-changing requests and open WebSockets. Empty means
    /// the origin of `public_url` alone.
    pub allowed_origins: Vec<String>,
    /// Read the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// Load `seed.sql` at start when the database has no account yet.
    pub seed_demo_data: bool,
    /// A session ends after this much inactivity (requests, open sockets and streams
    /// count as activity).
    pub session_idle_minutes: i64,
    /// A session ends this long after its login, whatever the activity.
    pub session_max_hours: i64,
    pub login_attempts_per_ip_per_minute: u32,
    /// Wrong passwords one address may try on one account before each new failure
    /// makes it wait (2 s, doubling, up to 15 minutes).
    pub login_free_failures_per_account_and_address: u32,
    /// Failed logins one address may make, over every account, before it must wait.
    pub login_free_failures_per_address: u32,
    pub max_request_body_bytes: usize,
    /// Address of the listener that serves `/metrics` (never the public port).
    pub metrics_addr: String,
    /// Bearer token required by `/metrics`; without it, whoever reaches `metrics_addr`
    /// (loopback by default) may read it.
    pub metrics_token: Option<String>,
    pub log_format: LogFormat,
    pub contact_email: String,
    pub contact_phone: String,
    /// IANA time zone of the dealerships: appointment slots are in its local time.
    pub timezone: String,
    /// Opening hours and slot length of the appointment calendars.
    pub booking: Schedule,
    /// When the live chat with advisors is open: `calendars` (the hours above) or
    /// `always`.
    pub support_hours: SupportHours,
    /// Customer searches (to write to someone) one user may make per minute.
    pub customer_searches_per_minute: u32,
    /// Chat posts allowed per user per 10 seconds.
    pub chat_posts_per_10_seconds: u32,
    /// Other changes a user may make on their sockets per 10 seconds: join, leave, open
    /// a conversation, advisor decisions and availability, end a conversation.
    pub ws_actions_per_10_seconds: u32,
    /// Reads a user may make on their sockets per 10 seconds: subscriptions, history,
    /// members, lists, read markers, typing announcements, unreadable frames. A browser
    /// resubscribes to every channel when it reconnects: keep it well above that.
    pub ws_reads_per_10_seconds: u32,
    /// WebSockets open at once on this instance; past it, 503 before the upgrade.
    pub ws_max_connections: usize,
    /// WebSockets one user may have open at once on this instance; past it, 429.
    pub ws_max_connections_per_user: usize,
    /// Notification streams one customer may have open at once, across all instances.
    pub sse_streams_per_user: usize,
    /// Frames a WebSocket may have waiting; a client that falls further behind is
    /// disconnected (and resumes) rather than slowing the room for everyone.
    pub ws_send_queue: usize,
    /// The server pings each WebSocket this often, and checks the sessions of its
    /// sockets and streams.
    pub ws_ping_seconds: u64,
    /// A WebSocket that answers nothing (not even a ping) for this long is closed: a
    /// client that stopped reading is found within this time, whatever the traffic.
    pub ws_idle_timeout_seconds: u64,
    /// A write to a WebSocket that takes longer closes it (a client that stopped reading).
    pub ws_write_timeout_seconds: u64,
    /// Posts that may wait for the writer; past this, posts are refused (`overloaded`).
    pub chat_post_queue: usize,
    /// An available advisor with no open connection for this long becomes unavailable.
    pub advisor_grace_seconds: u64,
    /// A request for an advisor that no advisor took for this long expires (the
    /// customer is told and may ask again).
    pub support_request_expiry_seconds: u64,
    /// A notification stream carries a keep-alive comment this often (1 to 25 seconds),
    /// so that proxies do not close it.
    pub sse_keep_alive_seconds: u64,
    /// Browser error reports one client address may post per minute.
    pub client_error_reports_per_minute: u32,
    /// With Sentry on, a request answered in this many milliseconds or more is sent as
    /// a transaction.
    pub slow_request_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:3000".into(),
            allowed_origins: Vec::new(),
            trust_proxy_headers: false,
            seed_demo_data: false,
            session_idle_minutes: 120,
            session_max_hours: 12,
            login_attempts_per_ip_per_minute: 20,
            login_free_failures_per_account_and_address: 5,
            login_free_failures_per_address: 20,
            max_request_body_bytes: 64 * 1024,
            metrics_addr: "127.0.0.1:9091".into(),
            metrics_token: None,
            log_format: LogFormat::Text,
            contact_email: "contact@paddock.test".into(),
            contact_phone: "+33 1 23 45 67 89".into(),
            timezone: "Europe/Paris".into(),
            booking: Schedule::default(),
            support_hours: SupportHours::Calendars,
            customer_searches_per_minute: 10,
            chat_posts_per_10_seconds: 20,
            ws_actions_per_10_seconds: 30,
            ws_reads_per_10_seconds: 300,
            ws_max_connections: 10_000,
            ws_max_connections_per_user: 20,
            sse_streams_per_user: 10,
            ws_send_queue: 256,
            ws_ping_seconds: 5,
            ws_idle_timeout_seconds: 12,
            ws_write_timeout_seconds: 10,
            chat_post_queue: 4096,
            advisor_grace_seconds: 30,
            support_request_expiry_seconds: 30 * 60,
            sse_keep_alive_seconds: 15,
            client_error_reports_per_minute: 10,
            slow_request_ms: 1_000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid settings: {0}")]
    Invalid(String),
}

impl Settings {
    /// Reads `[paddock]` from the TOML file at `path` (missing file: defaults), then the
    /// process environment.
    pub fn load(path: &str) -> Result<Self, SettingsError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(SettingsError::Read {
                    path: path.into(),
                    source,
                })
            }
        };
        Self::from_sources(&text, std::env::vars().collect())
    }

    pub fn from_sources(
        toml_text: &str,
        env: HashMap<String, String>,
    ) -> Result<Self, SettingsError> {
        let invalid = |err: &dyn std::fmt::Display| SettingsError::Invalid(err.to_string());
        let document: toml::Table = toml_text.parse().map_err(|e| invalid(&e))?;
        let table = document
            .get("paddock")
            .cloned()
            .unwrap_or(toml::Value::Table(Default::default()));
        let paddock_toml = toml::to_string(&table).map_err(|e| invalid(&e))?;
        let settings: Settings = config::Config::builder()
            .add_source(config::File::from_str(
                &paddock_toml,
                config::FileFormat::Toml,
            ))
            .add_source(
                config::Environment::with_prefix("PADDOCK")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("allowed_origins")
                    .with_list_parse_key("booking.closed_days")
                    .source(Some(env)),
            )
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| invalid(&e))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if origin_of(&self.public_url).is_none() {
            return Err(SettingsError::Invalid(format!(
                "public_url must be an http(s) URL, got {:?}",
                self.public_url
            )));
        }
        self.booking
            .validate()
            .map_err(|e| SettingsError::Invalid(e.to_string()))?;
        self.time_zone()?;
        if self.metrics_addr.parse::<std::net::SocketAddr>().is_err() {
            return Err(SettingsError::Invalid(format!(
                "metrics_addr must be an address such as 127.0.0.1:9091, got {:?}",
                self.metrics_addr
            )));
        }
        if self.session_idle_minutes <= 0 {
            return Err(SettingsError::Invalid(
                "session_idle_minutes must be positive".into(),
            ));
        }
        if self.session_max_hours <= 0 {
            return Err(SettingsError::Invalid(
                "session_max_hours must be positive".into(),
            ));
        }
        Ok(())
    }

    pub fn time_zone(&self) -> Result<chrono_tz::Tz, SettingsError> {
        self.timezone
            .parse()
            .map_err(|_| SettingsError::Invalid(format!("unknown timezone {:?}", self.timezone)))
    }

    /// The public URL without a trailing slash, for canonical links and the sitemap.
    pub fn base_url(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// Served over TLS: cookies get `Secure` and responses get HSTS.
    pub fn uses_tls(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn origins(&self) -> Vec<String> {
        let configured: Vec<String> = self
            .allowed_origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        if configured.is_empty() {
            origin_of(&self.public_url).into_iter().collect()
        } else {
            configured
        }
    }
}

/// `scheme://host[:port]` of an http(s) URL.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty() && !authority.contains('@')).then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn file_values_apply_and_environment_overrides_them() {
        let toml = r#"
            [package.metadata.leptos]
            output-name = "paddock"
            [paddock]
            public_url = "https://paddock.example"
            session_idle_minutes = 30
            seed_demo_data = true
        "#;
        let s = Settings::from_sources(toml, env(&[])).unwrap();
        assert_eq!(s.public_url, "https://paddock.example");
        assert_eq!(s.session_idle_minutes, 30);
        assert!(s.uses_tls());
        assert_eq!(s.origins(), vec!["https://paddock.example".to_string()]);

        let s = Settings::from_sources(
            toml,
            env(&[
                ("PADDOCK_SESSION_IDLE_MINUTES", "45"),
                ("PADDOCK_SEED_DEMO_DATA", "false"),
                (
                    "PADDOCK_ALLOWED_ORIGINS",
                    "https://a.example, https://b.example/",
                ),
                ("PADDOCK_METRICS_TOKEN", "s3cret"),
                ("PADDOCK_BOOKING__SLOT_MINUTES", "30"),
                ("PADDOCK_BOOKING__CLOSED_DAYS", "sat,sun"),
            ]),
        )
        .unwrap();
        assert_eq!(s.session_idle_minutes, 45);
        assert!(!s.seed_demo_data);
        assert_eq!(s.origins(), vec!["https://a.example", "https://b.example"]);
        assert_eq!(s.metrics_token.as_deref(), Some("s3cret"));
        assert_eq!(s.booking.slot_minutes, 30);
        assert_eq!(s.booking.closed_days, vec!["sat", "sun"]);
        assert_eq!(
            s.booking.opens_at, "09:00",
            "unset nested keys keep their default"
        );
    }

    #[test]
    fn defaults_apply_without_a_file_and_bad_values_are_refused() {
        let s = Settings::from_sources("", env(&[])).unwrap();
        assert!(!s.uses_tls());
        assert_eq!(s.login_attempts_per_ip_per_minute, 20);
        assert!(Settings::from_sources("", env(&[("PADDOCK_PUBLIC_URL", "ftp://x")])).is_err());
        assert!(Settings::from_sources("", env(&[("PADDOCK_SESSION_IDLE_MINUTES", "0")])).is_err());
        assert_eq!(s.session_max_hours, 12);
        assert!(Settings::from_sources("", env(&[("PADDOCK_SESSION_MAX_HOURS", "0")])).is_err());
        assert!(Settings::from_sources("", env(&[("PADDOCK_TIMEZONE", "Mars/Olympus")])).is_err());
        assert!(Settings::from_sources("", env(&[("PADDOCK_BOOKING__OPENS_AT", "9h")])).is_err());
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(
            origin_of("http://localhost:3000/").as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(
            origin_of("https://paddock.example/a?b").as_deref(),
            Some("https://paddock.example")
        );
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("https://user@evil.example"), None);
    }
}
