//! The notification stream (Server-Sent Events): each event's `data` is a
//! [`StreamEvent`], its id the notification's id.

use serde::{Deserialize, Serialize};

/// The SSE event name of a notification.
pub const SSE_EVENT: &str = "notification";

/// A notification as a customer receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Notification {
    /// Increasing: also the SSE event id.
    pub id: i64,
    pub title: String,
    pub body: String,
    /// A Paddock page (`/…`) or an `https` address.
    pub link: Option<String>,
    /// RFC 3339.
    pub sent_at: String,
    pub read: bool,
}

/// What the notification stream carries, as the JSON `data` of each SSE event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    Notification(Notification),
}
