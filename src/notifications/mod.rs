//! Commercial notifications: advisors compose and send them to every customer; customers
//! receive them live over Server-Sent Events (`GET /api/notifications/stream`), as a
//! toast on whatever page they are on, and in the notification centre of the header.
//!
//! Each notification's id is its SSE event id: a reconnecting browser sends the last
//! one it saw (`Last-Event-ID`) and receives every notification it missed, once, in order.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
pub mod state;

use crate::error::AppError;
use serde::{Deserialize, Serialize};

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_BODY_CHARS: usize = 1000;
pub const MAX_LINK_CHARS: usize = 500;
pub use crate::protocol::notifications::{Notification, StreamEvent, SSE_EVENT};

/// A sent notification as advisors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SentNotification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub sent_at: String,
    pub sent_by: String,
    /// Customers connected when it was sent, who received it live.
    pub delivered_live: i64,
    /// Customers who have marked it read.
    pub read_by: i64,
}

/// A notification ready to be stored: validated and tidied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

impl Draft {
    /// Checks a composed notification: a title of 1 to 120 characters, a body of 1 to
    /// 1,000, and an optional link to a Paddock page or an `https` address.
    pub fn parse(title: &str, body: &str, link: &str) -> Result<Self, AppError> {
        for field in [title, body, link] {
            crate::text::reject_controls(field)?;
        }
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        let body = body.trim().to_owned();
        let title_chars = title.chars().count();
        if title_chars == 0 || title_chars > MAX_TITLE_CHARS || title.chars().any(char::is_control)
        {
            return Err(AppError::invalid_input(format!(
                "Le titre doit contenir entre 1 et {MAX_TITLE_CHARS} caractères."
            )));
        }
        let body_chars = body.chars().count();
        if body_chars == 0 || body_chars > MAX_BODY_CHARS {
            return Err(AppError::invalid_input(format!(
                "Le message doit contenir entre 1 et {MAX_BODY_CHARS} caractères."
            )));
        }
        if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(AppError::invalid_input(
                "Le message contient des caractères non autorisés.",
            ));
        }
        let link = link.trim();
        let link = if link.is_empty() {
            None
        } else {
            Some(validate_link(link)?.to_owned())
        };
        Ok(Self { title, body, link })
    }
}

/// A link is a Paddock page (`/espace/salons`) or an `https://` address; nothing else
/// (no `javascript:`, no `//other.site`, no plain `http`).
pub fn validate_link(link: &str) -> Result<&str, AppError> {
    let invalid = || {
        AppError::invalid_input(
            "Le lien doit être une page Paddock (commençant par /) ou une adresse https://.",
        )
    };
    if link.chars().count() > MAX_LINK_CHARS
        || link
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(invalid());
    }
    let internal = link.starts_with('/') && !link.starts_with("//");
    let https = link
        .strip_prefix("https://")
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .is_some_and(|host| !host.is_empty() && !host.contains('@'));
    if internal || https {
        Ok(link)
    } else {
        Err(invalid())
    }
}

/// Whether a link leaves Paddock (it then opens in a new tab).
pub fn is_external(link: &str) -> bool {
    link.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_needs_a_title_and_a_body_within_their_limits() {
        let draft = Draft::parse("  Portes   ouvertes ", " Ce samedi.\n", "").unwrap();
        assert_eq!(draft.title, "Portes ouvertes");
        assert_eq!(draft.body, "Ce samedi.");
        assert_eq!(draft.link, None);
        assert!(Draft::parse("", "x", "").is_err());
        assert!(Draft::parse("x", "   ", "").is_err());
        assert!(
            Draft::parse(&"é".repeat(120), "x", "").is_ok(),
            "characters, not bytes"
        );
        let long_title = Draft::parse(&"a".repeat(121), "x", "").unwrap_err();
        assert!(long_title.message.contains("120"), "{}", long_title.message);
        assert!(Draft::parse("x", &"a".repeat(1000), "").is_ok());
        assert!(Draft::parse("x", &"a".repeat(1001), "").is_err());
        assert!(
            Draft::parse("x", "Ligne 1\nLigne 2", "").is_ok(),
            "line breaks stay"
        );
    }

    #[test]
    fn links_are_paddock_pages_or_https_addresses() {
        for ok in [
            "/espace/salons",
            "/",
            "https://paddock.example/promo?x=1",
            "https://a.b",
        ] {
            assert!(validate_link(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "http://paddock.example",
            "//evil.example",
            "/\\evil.example",
            "https://",
            "https://user@evil.example",
            "espace/salons",
            "/espace salons",
            "data:text/html,x",
        ] {
            assert!(validate_link(bad).is_err(), "{bad}");
        }
        assert!(validate_link(&format!("/{}", "a".repeat(500))).is_err());
        assert!(is_external("https://a.b"));
        assert!(!is_external("/espace"));
    }

    #[test]
    fn stream_events_are_tagged_json() {
        let event = StreamEvent::Notification(Notification {
            id: 7,
            title: "Portes ouvertes".into(),
            body: "Samedi".into(),
            link: None,
            sent_at: "2026-11-25T09:00:00+00:00".into(),
            read: false,
        });
        let json = serde_json::to_string(&event).unwrap();
        assert!(
            json.starts_with(r#"{"type":"notification","id":7,"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<StreamEvent>(&json).unwrap(), event);
    }
}
