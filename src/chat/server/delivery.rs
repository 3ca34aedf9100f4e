//! Delivers the chat's events to this instance's sockets.

use super::{
    events::{ChatEvent, ROOM_LIST},
    store,
};
use crate::{
    protocol::{
        chat::{ChatMessage, DirectSummary},
        ServerMessage,
    },
    realtime::{
        bus::{Subscriber, Work},
        connections::{Connections, Outbound, SequencedFrame, Topic},
    },
};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

pub struct ChatEvents {
    pub pool: PgPool,
    pub connections: Arc<Connections>,
}

impl ChatEvents {
    /// A channel's news about `user` (typing, read), for the channel's other followers.
    fn to_others_in(&self, channel_id: Uuid, user: Uuid, message: ServerMessage) {
        self.connections.to_topic(
            Topic::Channel(channel_id),
            Outbound::Frame(message.encode()),
            Some(user),
        );
    }

    /// Delivers messages (in sequence order per channel): each encoded once, and each
    /// channel's run queued as one item on each socket that follows it.
    fn deliver_messages(&self, messages: Vec<ChatMessage>) {
        let mut runs: Vec<(Uuid, Vec<SequencedFrame>)> = Vec::new();
        for message in messages {
            let channel = message.channel_id;
            if !self.connections.has_subscribers(Topic::Channel(channel)) {
                continue;
            }
            let frame = (message.seq, ServerMessage::Message(message).encode());
            match runs.iter_mut().find(|(id, _)| *id == channel) {
                Some((_, frames)) => frames.push(frame),
                None => runs.push((channel, vec![frame])),
            }
        }
        for (channel, frames) in runs {
            let frames = Outbound::Sequenced {
                channel,
                frames: frames.into(),
            };
            self.connections
                .to_topic(Topic::Channel(channel), frames, None);
        }
    }
}

impl Subscriber for ChatEvents {
    fn on_event(self: Arc<Self>, event: &serde_json::Value) -> Option<Work> {
        let event = match <ChatEvent as serde::Deserialize>::deserialize(event) {
            Ok(event) => event,
            Err(err) => {
                tracing::warn!(%err, "unreadable chat event");
                return None;
            }
        };
        match event {
            ChatEvent::Messages { messages } => {
                self.deliver_messages(messages);
                None
            }
            ChatEvent::Stored { channel_id, seq } => {
                if !self.connections.has_subscribers(Topic::Channel(channel_id)) {
                    return None;
                }
                Some(Box::pin(async move {
                    match store::message_at(&self.pool, channel_id, seq).await {
                        Ok(Some(message)) => self.deliver_messages(vec![message]),
                        Ok(None) => tracing::warn!(%channel_id, seq, "notified message not found"),
                        Err(_) => {}
                    }
                }))
            }
            ChatEvent::RoomUpdated { room_id } => Some(Box::pin(async move {
                if let Ok(Some(room)) = store::room_summary(&self.pool, room_id).await {
                    let frame = ServerMessage::RoomUpdated { room }.encode();
                    self.connections
                        .to_topic(ROOM_LIST, Outbound::Frame(frame), None);
                }
            })),
            ChatEvent::RoomClosed { room_id } => {
                // The room list, and the members looking at the room: each told once.
                let frame = ServerMessage::RoomClosed { room_id }.encode();
                self.connections.to_topics(
                    &[ROOM_LIST, Topic::Channel(room_id)],
                    Outbound::Frame(frame),
                );
                None
            }
            ChatEvent::Occupancy { room_id, members } => {
                let frame = ServerMessage::Occupancy { room_id, members }.encode();
                self.connections
                    .to_topic(ROOM_LIST, Outbound::Frame(frame), None);
                None
            }
            ChatEvent::Left { room_id, user_id } => {
                // On every socket of that user: no live message of the room after this.
                let left = ServerMessage::Left { room_id }.encode();
                self.connections.unfollow_for_user(
                    user_id,
                    Topic::Channel(room_id),
                    &[Outbound::Forget { channel: room_id }, Outbound::Frame(left)],
                );
                None
            }
            ChatEvent::Typing {
                channel_id,
                user_id,
                name,
            } => {
                let typing = ServerMessage::Typing {
                    channel_id,
                    user_id,
                    name,
                };
                self.to_others_in(channel_id, user_id, typing);
                None
            }
            ChatEvent::Read {
                channel_id,
                user_id,
                seq,
            } => {
                let read = ServerMessage::ReadUpTo {
                    channel_id,
                    user_id,
                    seq,
                };
                self.to_others_in(channel_id, user_id, read);
                None
            }
            ChatEvent::DirectOpened {
                channel_id,
                from,
                from_name,
                to,
            } => {
                let direct = DirectSummary {
                    channel_id,
                    other_id: from,
                    other_name: from_name,
                    last_seq: 0,
                };
                let frame = ServerMessage::DirectOpened {
                    direct,
                    last_seq: 0,
                }
                .encode();
                self.connections.to_user(to, Outbound::Frame(frame));
                None
            }
        }
    }
}
