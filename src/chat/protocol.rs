//! The WebSocket protocol: JSON text frames of these two enums, tagged by `type`.
//! Documented in `docs/protocol.md`.

use crate::error::ErrorCode;
use crate::support::{QueuedRequest, SupportConversation, WaitingRequest};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the browser sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
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
    /// Follow the advisor chat: advisors receive the queue, customers their own request
    /// and the number of available advisors; both receive their open conversations.
    WatchSupport,
    /// Advisors: become available or unavailable for live chat.
    SetAvailable { available: bool },
    /// Customers: ask for a live chat with an advisor, with an optional topic.
    RequestAdvisor {
        #[serde(default)]
        topic: Option<String>,
    },
    /// Customers: withdraw the pending request.
    CancelRequest,
    /// Advisors: take a pending request; the conversation opens on both sides.
    AcceptRequest { request_id: Uuid },
    /// Advisors: refuse a pending request, with an optional reason the customer sees.
    RefuseRequest {
        request_id: Uuid,
        #[serde(default)]
        reason: Option<String>,
    },
    /// Either participant: end an advisor conversation.
    EndConversation { channel_id: Uuid },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct RoomSummary {
    pub id: Uuid,
    pub name: String,
    pub capacity: i32,
    pub members: i64,
    /// Sequence of the room's last message.
    pub last_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectSummary {
    pub channel_id: Uuid,
    pub other_id: Uuid,
    pub other_name: String,
    /// Sequence of the conversation's last message.
    #[serde(default)]
    pub last_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    /// A customer (direct messages are between customers).
    pub customer: bool,
    /// Has a socket open on any Paddock instance.
    pub online: bool,
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First frame of a connection.
    Welcome {
        user_id: Uuid,
    },
    /// A message of a subscribed channel, in sequence order, each once per connection.
    Message(ChatMessage),
    /// The post with this `client_id` is stored as `seq`.
    Ack {
        channel_id: Uuid,
        client_id: Uuid,
        seq: i64,
    },
    /// Older messages, newest first.
    History {
        channel_id: Uuid,
        messages: Vec<ChatMessage>,
        has_more: bool,
    },
    /// Full state of the room list, sent once after `watch_rooms`, with the rooms this
    /// user is a member of.
    Rooms {
        rooms: Vec<RoomSummary>,
        joined: Vec<Uuid>,
        /// This user's direct conversations.
        directs: Vec<DirectSummary>,
        /// Unread messages per channel (rooms and direct conversations), when any.
        unread: Vec<(Uuid, i64)>,
    },
    /// The members of a room.
    Members {
        room_id: Uuid,
        members: Vec<Member>,
    },
    /// A room was created, renamed or resized.
    RoomUpdated {
        room: RoomSummary,
    },
    /// A room's member count changed.
    Occupancy {
        room_id: Uuid,
        members: i64,
    },
    /// A room was deleted: no more posts; its history stays readable to its members.
    RoomClosed {
        room_id: Uuid,
    },
    /// You joined a room (its channel is `room.id`).
    Joined {
        room: RoomSummary,
        last_seq: i64,
    },
    Left {
        room_id: Uuid,
    },
    /// A direct conversation is open.
    DirectOpened {
        direct: DirectSummary,
        last_seq: i64,
    },
    /// Someone is typing in a subscribed channel.
    Typing {
        channel_id: Uuid,
        user_id: Uuid,
        name: String,
    },
    /// Advisors: the available advisors and the pending requests, oldest first.
    SupportQueue {
        available: Vec<Uuid>,
        requests: Vec<QueuedRequest>,
    },
    /// Customers: how many advisors are available, and their own pending request.
    SupportStatus {
        available_advisors: u32,
        waiting: Option<WaitingRequest>,
    },
    /// The user's open advisor conversations, sent after `watch_support`.
    SupportConversations {
        conversations: Vec<SupportConversation>,
    },
    /// A request was accepted: the conversation is open (sent to both participants).
    SupportOpened {
        conversation: SupportConversation,
    },
    /// The customer's request was refused.
    SupportRefused {
        request_id: Uuid,
        reason: Option<String>,
    },
    /// An advisor conversation ended: no more posts, its history stays readable.
    ConversationEnded {
        channel_id: Uuid,
    },
    /// A request was refused. `client_id` names the refused post, if it was one.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<Uuid>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_json() {
        let id = Uuid::nil();
        let json = serde_json::to_string(&ClientMessage::Join { room_id: id }).unwrap();
        assert_eq!(
            json,
            r#"{"type":"join","room_id":"00000000-0000-0000-0000-000000000000"}"#
        );
        let parsed: ClientMessage = serde_json::from_str(
            r#"{"type":"post","channel_id":"00000000-0000-0000-0000-000000000000","client_id":"00000000-0000-0000-0000-000000000000","body":"Salut"}"#,
        )
        .unwrap();
        assert!(matches!(parsed, ClientMessage::Post { ref body, .. } if body == "Salut"));
        let error = ServerMessage::Error {
            code: ErrorCode::RoomFull,
            message: "Ce salon est complet.".into(),
            client_id: None,
        };
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"type":"error","code":"room_full","message":"Ce salon est complet."}"#
        );
    }

    #[test]
    fn unknown_message_types_are_refused() {
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"drop_tables"}"#).is_err());
    }
}
