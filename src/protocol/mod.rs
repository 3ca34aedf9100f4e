//! The one real-time protocol, shared by the server and the browser: JSON text frames
//! on the WebSocket (`ClientMessage` up, `ServerMessage` down, tagged by `type`) and the
//! events of the notification stream. Documented in `docs/protocol.md`.
//!
//! Each feature owns its requests ([`chat::ChatRequest`], [`support::SupportRequest`]);
//! on the wire they are one flat set of `type`s.

pub mod chat;
pub mod notifications;
pub mod support;
pub mod tagged;

use crate::error::{AppError, ErrorCode};
use chat::{ChatMessage, ChatRequest, DirectSummary, Member, RoomSummary};
use serde::{Deserialize, Serialize};
use support::{QueuedRequest, SupportConversation, SupportRequest, WaitingRequest};
use uuid::Uuid;

/// Changes when a frame changes meaning; clients refuse a server of another version.
/// 2: frames may carry a `ref`, answered by `done` or by an `error` carrying it.
pub const PROTOCOL_VERSION: u32 = 2;

/// One frame from a client: a message and, when the client wants to know how it ended,
/// its own number for it. A frame with a `ref` gets exactly one answer carrying that
/// `ref`, `done` or `error`, after the answers sent to its socket directly (`post`
/// excepted: its answer is the `ack` or `error` naming its `client_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClientFrame {
    #[serde(flatten)]
    pub message: ClientMessage,
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub reference: Option<u64>,
}

/// What the browser sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(untagged)]
pub enum ClientMessage {
    Chat(ChatRequest),
    Support(SupportRequest),
}

impl From<ChatRequest> for ClientMessage {
    fn from(request: ChatRequest) -> Self {
        ClientMessage::Chat(request)
    }
}

impl From<SupportRequest> for ClientMessage {
    fn from(request: SupportRequest) -> Self {
        ClientMessage::Support(request)
    }
}

/// What the server sends.
// Tagged by `type`. The browser reads it with `tagged::decode` (serde's externally tagged
// form there, without the copy serde makes of an internally tagged object) and never
// writes one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize))]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(not(target_arch = "wasm32"), serde(tag = "type"))]
#[serde(rename_all = "snake_case")]
pub enum ServerMessage {
    /// First frame of a connection.
    Welcome {
        user_id: Uuid,
        /// [`PROTOCOL_VERSION`] of the server.
        #[serde(default)]
        protocol: u32,
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
    /// In a direct or advisor conversation: the other participant `user_id` has read
    /// every message up to `seq` (sent on subscribing, then as they read).
    ReadUpTo {
        channel_id: Uuid,
        user_id: Uuid,
        seq: i64,
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
        /// Outside opening hours: when the desk opens (RFC 3339, the dealerships'
        /// offset). Requests made meanwhile wait for it.
        closed_until: Option<String>,
    },
    /// Customers: how many advisors are available, their own pending request, and,
    /// outside opening hours, when advisors are back (RFC 3339, the dealerships'
    /// offset): a request made meanwhile waits for the opening.
    SupportStatus {
        available_advisors: u32,
        waiting: Option<WaitingRequest>,
        closed_until: Option<String>,
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
    /// A conversation changed advisor: sent to the customer (without the note) and to
    /// the advisor who takes it over (with it). The previous advisor gets their open
    /// conversations again, without this one.
    SupportTransferred {
        conversation: SupportConversation,
        from_name: String,
        note: Option<String>,
    },
    /// The customer's request waited until it expired with no advisor taking it: the
    /// customer may ask again.
    SupportExpired {
        request_id: Uuid,
    },
    /// An advisor conversation ended: no more posts, its history stays readable.
    ConversationEnded {
        channel_id: Uuid,
    },
    /// A request was refused. `client_id` names the refused post, if it was one;
    /// `retry_after_secs` says when to try again (`rate_limited`, `overloaded`); `ref`
    /// is the refused frame's own, when it carried one.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        client_id: Option<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        retry_after_secs: Option<u64>,
        #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        reference: Option<u64>,
    },
    /// The frame carrying this `ref` was handled; its other answers came before.
    Done {
        #[serde(rename = "ref")]
        reference: u64,
    },
}

impl ServerMessage {
    /// The answer refusing a frame; `client_id` names the post, if it was one.
    pub fn error(error: AppError, client_id: Option<Uuid>) -> Self {
        ServerMessage::Error {
            code: error.code,
            message: error.message,
            client_id,
            retry_after_secs: error.retry_after_secs,
            reference: None,
        }
    }

    /// The same answer, naming the frame it answers.
    pub fn answering(mut self, frame: Option<u64>) -> Self {
        if let ServerMessage::Error { reference, .. } = &mut self {
            *reference = frame;
        }
        self
    }

    /// The frame's JSON, encoded once and shared by every socket that sends it.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn encode(&self) -> std::sync::Arc<str> {
        serde_json::to_string(self)
            .expect("server messages always serialise")
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_json() {
        let id = Uuid::nil();
        let json =
            serde_json::to_string(&ClientMessage::from(ChatRequest::Join { room_id: id })).unwrap();
        assert_eq!(
            json,
            r#"{"type":"join","room_id":"00000000-0000-0000-0000-000000000000"}"#
        );
        let parsed: ClientMessage = serde_json::from_str(
            r#"{"type":"post","channel_id":"00000000-0000-0000-0000-000000000000","client_id":"00000000-0000-0000-0000-000000000000","body":"Salut"}"#,
        )
        .unwrap();
        assert!(
            matches!(parsed, ClientMessage::Chat(ChatRequest::Post { ref body, .. }) if body == "Salut")
        );
        let parsed: ClientMessage = serde_json::from_str(r#"{"type":"cancel_request"}"#).unwrap();
        assert_eq!(
            parsed,
            ClientMessage::Support(SupportRequest::CancelRequest)
        );
        let error = ServerMessage::Error {
            code: ErrorCode::RoomFull,
            message: "Ce salon est complet.".into(),
            client_id: None,
            retry_after_secs: None,
            reference: None,
        };
        assert_eq!(
            &*error.encode(),
            r#"{"type":"error","code":"room_full","message":"Ce salon est complet."}"#
        );
    }

    /// One frame of every kind, with optional fields both set and unset.
    fn one_of_each() -> Vec<ServerMessage> {
        let id = Uuid::from_u128(7);
        let at = "2026-11-26T09:00:00+01:00".to_owned();
        let message = ChatMessage {
            channel_id: id,
            seq: 3,
            client_id: id,
            author_id: id,
            author_name: "Julie".into(),
            body: "Bonjour « à tous »".into(),
            sent_at: at.clone(),
        };
        let room = RoomSummary {
            id,
            name: "Roadsters".into(),
            capacity: 20,
            members: 4,
            last_seq: 9,
        };
        let direct = DirectSummary {
            channel_id: id,
            other_id: id,
            other_name: "Thomas".into(),
            last_seq: 2,
        };
        let conversation = SupportConversation {
            channel_id: id,
            request_id: id,
            customer_id: id,
            customer_name: "Julie".into(),
            advisor_id: Some(id),
            advisor_name: "Claire".into(),
            topic: None,
            started_at: at.clone(),
            ended: true,
            last_seq: 5,
            rating: Some(support::Rating {
                score: 4,
                comment: Some("Merci".into()),
            }),
        };
        vec![
            ServerMessage::Welcome {
                user_id: id,
                protocol: PROTOCOL_VERSION,
            },
            ServerMessage::Message(message.clone()),
            ServerMessage::Ack {
                channel_id: id,
                client_id: id,
                seq: 3,
            },
            ServerMessage::History {
                channel_id: id,
                messages: vec![message],
                has_more: true,
            },
            ServerMessage::Rooms {
                rooms: vec![room.clone()],
                joined: vec![id],
                directs: vec![direct.clone()],
                unread: vec![(id, 2)],
            },
            ServerMessage::Members {
                room_id: id,
                members: vec![Member {
                    user_id: id,
                    name: "Julie".into(),
                    customer: true,
                    online: false,
                }],
            },
            ServerMessage::RoomUpdated { room: room.clone() },
            ServerMessage::Occupancy {
                room_id: id,
                members: 3,
            },
            ServerMessage::RoomClosed { room_id: id },
            ServerMessage::Joined { room, last_seq: 9 },
            ServerMessage::Left { room_id: id },
            ServerMessage::DirectOpened {
                direct,
                last_seq: 2,
            },
            ServerMessage::ReadUpTo {
                channel_id: id,
                user_id: id,
                seq: 3,
            },
            ServerMessage::Typing {
                channel_id: id,
                user_id: id,
                name: "Julie".into(),
            },
            ServerMessage::SupportQueue {
                available: vec![id],
                requests: vec![QueuedRequest {
                    id,
                    customer_id: id,
                    customer_name: "Julie".into(),
                    topic: Some("Révision".into()),
                    requested_at: at.clone(),
                    expires_at: at.clone(),
                }],
                closed_until: Some(at.clone()),
            },
            ServerMessage::SupportStatus {
                available_advisors: 0,
                waiting: Some(WaitingRequest {
                    id,
                    topic: None,
                    position: 1,
                    expires_at: at,
                }),
                closed_until: None,
            },
            ServerMessage::SupportConversations {
                conversations: vec![conversation.clone()],
            },
            ServerMessage::SupportOpened {
                conversation: conversation.clone(),
            },
            ServerMessage::SupportRefused {
                request_id: id,
                reason: None,
            },
            ServerMessage::SupportTransferred {
                conversation,
                from_name: "Claire".into(),
                note: Some("Client fidèle".into()),
            },
            ServerMessage::SupportExpired { request_id: id },
            ServerMessage::ConversationEnded { channel_id: id },
            ServerMessage::error(AppError::rate_limited(3), Some(id)).answering(Some(9)),
            ServerMessage::error(AppError::forbidden(), None),
            ServerMessage::Done { reference: 4 },
        ]
    }

    #[test]
    fn every_kind_of_frame_leads_with_its_type_as_the_browser_reads_it() {
        // The kinds serde knows, from its refusal of an unknown one.
        let refusal = serde_json::from_str::<ServerMessage>(r#"{"type":"?"}"#)
            .unwrap_err()
            .to_string();
        let known: std::collections::BTreeSet<&str> =
            refusal.split('`').skip(3).step_by(2).collect();
        assert!(known.len() > 20, "{refusal}");
        let mut seen = std::collections::BTreeSet::new();
        for frame in one_of_each() {
            let encoded = frame.encode();
            let kind = encoded
                .strip_prefix(r#"{"type":""#)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("`type` is not first: {encoded}"));
            seen.insert(kind.to_owned());
            // Natively `decode` reads through serde's internally tagged form; the
            // browser's streaming path is tested in `tagged` and by every live page of
            // end2end/.
            assert_eq!(tagged::decode::<ServerMessage>(&encoded).unwrap(), frame);
        }
        let seen: std::collections::BTreeSet<&str> = seen.iter().map(String::as_str).collect();
        assert_eq!(seen, known, "one frame of each kind");
    }

    #[test]
    fn unknown_message_types_are_refused() {
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"drop_tables"}"#).is_err());
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"join"}"#).is_err());
    }
}
