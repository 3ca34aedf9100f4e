//! Tells customers, on whatever page they are, that their live chat moved on: a request
//! accepted, refused or expired, a new message from the advisor. Sent on the customer's
//! notification streams (SSE) as live hints, never replayed: the live chat's page shows
//! everything when it opens.

use crate::{
    protocol::notifications::{StreamEvent, SupportAlert, SupportAlertKind, SUPPORT_SSE_EVENT},
    realtime::{
        bus::{Subscriber, Work},
        streams::{StreamItem, Streams},
    },
};
use serde::Deserialize;
use sqlx::PgPool;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};
use uuid::Uuid;

/// Channels whose kind is remembered, at most; the memory starts over past this.
const REMEMBERED_CHANNELS: usize = 10_000;

/// The customer of an advisor conversation.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Participants {
    customer_id: Uuid,
}

pub struct SupportAlerts {
    pool: PgPool,
    streams: Arc<Streams>,
    /// Channel → its participants when it is an advisor conversation, `None` for any
    /// other channel: a room's messages cost one lookup, once.
    channels: Mutex<HashMap<Uuid, Option<Participants>>>,
}

/// What the alerts read of a chat event of kind `messages`: the messages just stored.
#[derive(Deserialize)]
struct Stored {
    messages: Vec<Posted>,
}

#[derive(Deserialize)]
struct Posted {
    channel_id: Uuid,
    author_id: Uuid,
    /// The advisor who wrote it (the conversation may have changed hands).
    author_name: String,
    body: String,
}

impl SupportAlerts {
    pub fn new(pool: PgPool, streams: Arc<Streams>) -> Arc<Self> {
        Arc::new(Self {
            pool,
            streams,
            channels: Mutex::default(),
        })
    }

    /// Sends `alert` to the customer's streams on this instance.
    pub fn send(&self, customer: Uuid, alert: SupportAlert) {
        if !self.streams.has_user(customer) {
            return;
        }
        let json = serde_json::to_string(&StreamEvent::SupportAlert(alert))
            .expect("alerts always serialise");
        let item = Arc::new(StreamItem {
            id: None,
            event: SUPPORT_SSE_EVENT,
            json: json.into(),
        });
        if self.streams.deliver_to(customer, &item) {
            metrics::counter!("paddock_support_alerts_total").increment(1);
        }
    }

    fn remembered(&self, channel: Uuid) -> Option<Option<Participants>> {
        self.channels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&channel)
            .cloned()
    }

    fn remember(&self, channel: Uuid, participants: Option<Participants>) {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        if channels.len() >= REMEMBERED_CHANNELS {
            channels.clear();
        }
        channels.insert(channel, participants);
    }

    /// A message the advisor wrote reaches the customer's other pages.
    fn alert_message(&self, participants: &Participants, message: &Posted) {
        if message.author_id == participants.customer_id {
            return;
        }
        self.send(
            participants.customer_id,
            SupportAlert {
                kind: SupportAlertKind::Message,
                advisor_name: Some(message.author_name.clone()),
                channel_id: Some(message.channel_id),
                text: Some(SupportAlert::excerpt(&message.body)),
            },
        );
    }

    async fn look_up(self: Arc<Self>, messages: Vec<Posted>) {
        for message in messages {
            let participants = match self.remembered(message.channel_id) {
                Some(known) => known,
                None => {
                    let found = sqlx::query_as::<_, Participants>(
                        "select customer_id from support_requests where channel_id = $1",
                    )
                    .bind(message.channel_id)
                    .fetch_optional(&self.pool)
                    .await;
                    match found {
                        Ok(found) => {
                            self.remember(message.channel_id, found.clone());
                            found
                        }
                        Err(err) => {
                            tracing::warn!(%err, "cannot tell a channel's kind");
                            None
                        }
                    }
                }
            };
            if let Some(participants) = participants {
                self.alert_message(&participants, &message);
            }
        }
    }
}

/// Watches the chat's messages (topic `chat`, after their delivery to sockets).
impl Subscriber for SupportAlerts {
    fn on_event(self: Arc<Self>, event: &serde_json::Value) -> Option<Work> {
        // Nobody to tell on this instance: nothing to read.
        if self.streams.is_empty() || event.get("kind").and_then(|k| k.as_str()) != Some("messages")
        {
            return None;
        }
        let stored = Stored::deserialize(event).ok()?;
        let mut unknown = Vec::new();
        for message in stored.messages {
            match self.remembered(message.channel_id) {
                Some(Some(participants)) => self.alert_message(&participants, &message),
                Some(None) => {}
                None => unknown.push(message),
            }
        }
        // Looked up apart: the chat's next events need not wait for it.
        if !unknown.is_empty() {
            tokio::spawn(self.look_up(unknown));
        }
        None
    }
}
