//! The chat's frames and the shapes they carry: rooms, direct conversations, messages.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the browser sends about rooms and conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatRequest {
    /// Receive live room-list changes (rooms created, renamed, resized, deleted, occupancy).
    WatchRooms,
    /// Join a room (refused when full or closed).
    Join { room_id: Uuid },
    /// Leave a room.
    Leave { room_id: Uuid },
    /// Open (or reopen) the one-to-one conversation with another customer.
    OpenDirect { user_id: Uuid },
    /// Receive a channel's messages live, after sending those that follow `after_seq`.
    Subscribe { channel_id: Uuid, after_seq: i64 },
    /// Post a message. `client_id` is the sender's own id for it: a retry with the same
    /// id is acknowledged again and never stored twice.
    Post {
        channel_id: Uuid,
        client_id: Uuid,
        body: String,
    },
    /// Older messages: up to `limit` (at most 100) before `before_seq`, newest first.
    History {
        channel_id: Uuid,
        before_seq: i64,
        limit: u32,
    },
    /// The user is typing in a channel.
    Typing { channel_id: Uuid },
    /// The user has read up to `seq`.
    MarkRead { channel_id: Uuid, seq: i64 },
    /// Who belongs to a room (members only).
    Members { room_id: Uuid },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ChatMessage {
    pub channel_id: Uuid,
    pub seq: i64,
    pub client_id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    /// RFC 3339.
    pub sent_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RoomSummary {
    pub id: Uuid,
    pub name: String,
    pub capacity: i32,
    pub members: i64,
    /// Sequence of the room's last message.
    pub last_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DirectSummary {
    pub channel_id: Uuid,
    pub other_id: Uuid,
    pub other_name: String,
    /// Sequence of the conversation's last message.
    #[serde(default)]
    pub last_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    /// A customer (direct messages are between customers).
    pub customer: bool,
    /// Has a socket open on any Paddock instance.
    pub online: bool,
}
