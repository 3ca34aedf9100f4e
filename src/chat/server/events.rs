//! The chat's events on the bus (topic `chat`): messages, room changes, occupancy,
//! typing, new direct conversations. Delivered to sockets by [`super::delivery`].

use crate::{
    error::AppError,
    protocol::chat::ChatMessage,
    realtime::{
        bus::{self, MAX_PAYLOAD_BYTES},
        connections::Topic,
    },
};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

pub const TOPIC: &str = "chat";
/// Sockets that follow the room list.
pub const ROOM_LIST: Topic = Topic::Group("rooms");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChatEvent {
    /// Messages just committed, carried whole.
    Messages {
        messages: Vec<ChatMessage>,
    },
    /// A message too large to carry: each instance reads it back.
    Stored {
        channel_id: Uuid,
        seq: i64,
    },
    RoomUpdated {
        room_id: Uuid,
    },
    RoomClosed {
        room_id: Uuid,
    },
    Occupancy {
        room_id: Uuid,
        members: i64,
    },
    /// `user_id` left the room: none of their sockets follows it any more.
    Left {
        room_id: Uuid,
        user_id: Uuid,
    },
    Typing {
        channel_id: Uuid,
        user_id: Uuid,
        name: String,
    },
    /// `user_id` read a direct or advisor conversation up to `seq`.
    Read {
        channel_id: Uuid,
        user_id: Uuid,
        seq: i64,
    },
    /// `from` opened a direct conversation with `to`.
    DirectOpened {
        channel_id: Uuid,
        from: Uuid,
        from_name: String,
        to: Uuid,
    },
}

pub async fn publish(conn: &mut PgConnection, event: &ChatEvent) -> Result<(), AppError> {
    bus::publish(conn, TOPIC, event).await
}

/// The payloads that announce `messages`: as few as fit under PostgreSQL's limit, each
/// carrying whole messages, in order; a message too large alone is announced by its
/// sequence.
pub fn stored_payloads(messages: &[ChatMessage]) -> Vec<String> {
    const HEAD: &str = r#"{"topic":"chat","event":{"kind":"messages","messages":["#;
    const TAIL: &str = "]}}";
    let mut payloads = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, payloads: &mut Vec<String>| {
        if !current.is_empty() {
            payloads.push(format!("{HEAD}{current}{TAIL}"));
            current.clear();
        }
    };
    for message in messages {
        let json = serde_json::to_string(message).expect("messages always serialise");
        if HEAD.len() + json.len() + TAIL.len() > MAX_PAYLOAD_BYTES {
            flush(&mut current, &mut payloads);
            let reference = ChatEvent::Stored {
                channel_id: message.channel_id,
                seq: message.seq,
            };
            payloads.push(bus::payload(TOPIC, &reference).expect("events always serialise"));
            continue;
        }
        if HEAD.len() + current.len() + 1 + json.len() + TAIL.len() > MAX_PAYLOAD_BYTES {
            flush(&mut current, &mut payloads);
        }
        if !current.is_empty() {
            current.push(',');
        }
        current.push_str(&json);
    }
    flush(&mut current, &mut payloads);
    payloads
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(seq: i64, body: String) -> ChatMessage {
        ChatMessage {
            channel_id: Uuid::nil(),
            seq,
            client_id: Uuid::nil(),
            author_id: Uuid::nil(),
            author_name: "Julie".into(),
            body,
            sent_at: "2026-11-25T10:00:00+00:00".into(),
        }
    }

    #[test]
    fn a_batch_goes_in_few_payloads_each_under_the_limit_and_in_order() {
        let messages: Vec<ChatMessage> = (1..=200)
            .map(|s| message(s, "Salut !".repeat(10)))
            .collect();
        let payloads = stored_payloads(&messages);
        assert!(
            payloads.len() > 1 && payloads.len() < 10,
            "{}",
            payloads.len()
        );
        let mut seqs = Vec::new();
        for payload in &payloads {
            assert!(payload.len() <= MAX_PAYLOAD_BYTES);
            let value: serde_json::Value = serde_json::from_str(payload).unwrap();
            assert_eq!(value["topic"], TOPIC);
            match serde_json::from_value::<ChatEvent>(value["event"].clone()).unwrap() {
                ChatEvent::Messages { messages } => seqs.extend(messages.iter().map(|m| m.seq)),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
    }

    #[test]
    fn a_message_too_large_to_carry_is_announced_by_its_sequence() {
        let messages = vec![
            message(1, "é".repeat(2000)),
            message(2, "🏍".repeat(2000)),
            message(3, "ok".into()),
        ];
        let events: Vec<ChatEvent> = stored_payloads(&messages)
            .iter()
            .map(|p| {
                let value: serde_json::Value = serde_json::from_str(p).unwrap();
                serde_json::from_value(value["event"].clone()).unwrap()
            })
            .collect();
        assert_eq!(events.len(), 3);
        assert!(matches!(events[0], ChatEvent::Messages { ref messages } if messages[0].seq == 1));
        assert_eq!(
            events[1],
            ChatEvent::Stored {
                channel_id: Uuid::nil(),
                seq: 2
            }
        );
        assert!(matches!(events[2], ChatEvent::Messages { ref messages } if messages[0].seq == 3));
    }
}
