//! Error monitoring, a shared layer. The browser reports its panics and uncaught errors
//! to Paddock itself (`POST /api/client-errors`, same origin: the strict CSP needs no
//! third-party host), and the server forwards them to Sentry together with its own
//! panics, `tracing` errors and slow requests when `SENTRY_DSN` is set. Reports carry
//! ids, never an email, a password or a message's text.

#[cfg(feature = "hydrate")]
pub mod browser;
#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

/// Where the browser posts its reports.
pub const REPORT_PATH: &str = "/api/client-errors";
/// Longest message kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1_000;
/// Longest stack trace kept, in characters.
pub const MAX_STACK_CHARS: usize = 8_000;
/// Longest source location or page path kept, in characters.
pub const MAX_LOCATION_CHARS: usize = 300;
/// Largest report body the server reads.
pub const MAX_REPORT_BYTES: usize = 16 * 1024;
/// Reports one page sends at most: an error in a loop must not flood the server.
pub const MAX_REPORTS_PER_PAGE: u32 = 5;

/// What went wrong in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientErrorKind {
    /// A Rust panic in the WebAssembly application (the page stops working).
    Panic,
    /// An uncaught JavaScript error.
    Error,
    /// A promise rejected with nobody to handle it.
    UnhandledRejection,
}

impl ClientErrorKind {
    /// The exception type shown in Sentry.
    pub fn exception_type(self) -> &'static str {
        match self {
            ClientErrorKind::Panic => "WasmPanic",
            ClientErrorKind::Error => "Error",
            ClientErrorKind::UnhandledRejection => "UnhandledRejection",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClientErrorKind::Panic => "panic",
            ClientErrorKind::Error => "error",
            ClientErrorKind::UnhandledRejection => "unhandled_rejection",
        }
    }
}

/// One browser error, as posted to [`REPORT_PATH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientErrorReport {
    pub kind: ClientErrorKind,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// `file:line:column` of the error, when the browser knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The path of the page (no query string, no fragment: they may hold tokens).
    pub page: String,
}

impl ClientErrorReport {
    /// The report with every field cut to its bound and `page` reduced to a path: what
    /// the browser sends and what the server forwards, whoever built the report.
    pub fn bounded(self) -> Self {
        let optional = |text: Option<String>, max: usize| {
            text.map(|t| truncate_chars(t.trim(), max))
                .filter(|t| !t.is_empty())
        };
        Self {
            kind: self.kind,
            message: truncate_chars(self.message.trim(), MAX_MESSAGE_CHARS),
            stack: optional(self.stack, MAX_STACK_CHARS),
            source: optional(self.source, MAX_LOCATION_CHARS),
            page: truncate_chars(&page_path(&self.page), MAX_LOCATION_CHARS),
        }
    }
}

/// `text` cut to `max` characters (never inside a character), marked with `…` when cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((end, _)) => {
            let kept: String = text[..end].chars().take(max.saturating_sub(1)).collect();
            format!("{kept}…")
        }
    }
}

/// The path of a page address: `https://host/a/b?x#y` and `/a/b?x` both give `/a/b`.
pub fn page_path(address: &str) -> String {
    let without_origin = match address.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => address,
    };
    let path = without_origin.split(['?', '#']).next().unwrap_or_default();
    if path.starts_with('/') {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_keep_their_path_alone() {
        assert_eq!(
            page_path("https://paddock.example/espace/salons?x=1#y"),
            "/espace/salons"
        );
        assert_eq!(page_path("http://127.0.0.1:3000"), "/");
        assert_eq!(page_path("/connexion?next=/espace"), "/connexion");
        assert_eq!(page_path("javascript:alert(1)"), "/");
        assert_eq!(page_path(""), "/");
    }

    #[test]
    fn long_fields_are_cut_on_a_character_boundary() {
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abcd", 3), "ab…");
        assert_eq!(truncate_chars("éééé", 2), "é…");
        let report = ClientErrorReport {
            kind: ClientErrorKind::Error,
            message: "x".repeat(5_000),
            stack: Some("  ".into()),
            source: Some("app.js:1:2".into()),
            page: "https://paddock.example/espace?token=secret".into(),
        }
        .bounded();
        assert_eq!(report.message.chars().count(), MAX_MESSAGE_CHARS);
        assert!(report.message.ends_with('…'));
        assert_eq!(report.stack, None, "a blank stack is no stack");
        assert_eq!(report.page, "/espace");
    }

    #[test]
    fn reports_refuse_unknown_fields() {
        let json = r#"{"kind":"panic","message":"m","page":"/","email":"a@b.c"}"#;
        assert!(serde_json::from_str::<ClientErrorReport>(json).is_err());
        let json = r#"{"kind":"unhandled_rejection","message":"m","page":"/"}"#;
        let report: ClientErrorReport = serde_json::from_str(json).unwrap();
        assert_eq!(report.kind, ClientErrorKind::UnhandledRejection);
    }
}
