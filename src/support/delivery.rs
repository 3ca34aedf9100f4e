//! Delivers the advisor chat's events to this instance's sockets: the queue to
//! advisors, each customer's place in it, decisions, ended conversations.

use super::{
    alerts::SupportAlerts,
    events::{SupportEvent, FOLLOWERS},
    hours::DeskHours,
    queue_view, server, RequestStatus,
};
use crate::protocol::notifications::{SupportAlert, SupportAlertKind};
use crate::{
    protocol::ServerMessage,
    realtime::{
        bus::{Subscriber, Work},
        connections::{Connections, Outbound, Topic},
    },
};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

pub struct SupportEvents {
    pub pool: PgPool,
    pub connections: Arc<Connections>,
    /// The customer's other pages are told too.
    pub alerts: Arc<SupportAlerts>,
    pub hours: DeskHours,
    /// One queue read-and-send at a time: the opening-hours watch must not send a queue
    /// read before a change after the bus has sent the newer one.
    pub queue_sends: tokio::sync::Mutex<()>,
}

impl SupportEvents {
    /// Sends every advisor following the chat the queue, and every customer following
    /// it their own place in it, from one read of the queue.
    async fn send_queue(&self) {
        if !self.connections.has_subscribers(FOLLOWERS) {
            return;
        }
        let _one_at_a_time = self.queue_sends.lock().await;
        let Ok((available, requests)) = server::queue_state(&self.pool).await else {
            return;
        };
        let closed_until = self.hours.closed_until_text();
        let closed_until = closed_until.as_deref();
        // Every advisor sees the same queue: encoded once.
        let for_advisors =
            queue_view(true, Uuid::nil(), &available, &requests, closed_until).encode();
        self.connections.to_topic_each(FOLLOWERS, |peer| {
            Some(Outbound::Frame(if peer.staff {
                for_advisors.clone()
            } else {
                queue_view(false, peer.user_id, &available, &requests, closed_until).encode()
            }))
        });
    }

    /// When the desk opens or closes, this instance's followers get the queue again:
    /// customers learn that advisors are back, or when they will be. Each instance
    /// watches its own clock, so nothing crosses the bus.
    pub fn watch_opening_hours(self: &Arc<Self>) {
        let events = self.clone();
        tokio::spawn(async move {
            let mut closed_until = events.hours.closed_until();
            // A pure computation: checked often, so that the news is on time.
            let mut every = tokio::time::interval(std::time::Duration::from_secs(2));
            loop {
                every.tick().await;
                if events.pool.is_closed() {
                    break;
                }
                let now = events.hours.closed_until();
                if now != closed_until {
                    closed_until = now;
                    events.send_queue().await;
                }
            }
        });
    }

    async fn send_decision(&self, request_id: Uuid) {
        let Ok(Some(decision)) = server::decision(&self.pool, request_id).await else {
            return;
        };
        match (decision.status, decision.channel_id) {
            (RequestStatus::Accepted, Some(channel_id)) => {
                if let Ok(Some(conversation)) =
                    server::conversation_of_channel(&self.pool, channel_id).await
                {
                    self.alerts.send(
                        decision.customer_id,
                        SupportAlert {
                            kind: SupportAlertKind::Accepted,
                            advisor_name: Some(conversation.advisor_name.clone()),
                            channel_id: Some(channel_id),
                            text: None,
                        },
                    );
                    let frame =
                        Outbound::Frame(ServerMessage::SupportOpened { conversation }.encode());
                    self.connections
                        .to_user(decision.customer_id, frame.clone());
                    if let Some(advisor) = decision.advisor_id {
                        self.connections.to_user(advisor, frame);
                    }
                }
            }
            (RequestStatus::Refused, _) => {
                self.alerts.send(
                    decision.customer_id,
                    SupportAlert {
                        kind: SupportAlertKind::Refused,
                        advisor_name: None,
                        channel_id: None,
                        text: decision.reason.clone(),
                    },
                );
                let frame = ServerMessage::SupportRefused {
                    request_id,
                    reason: decision.reason,
                }
                .encode();
                self.connections
                    .to_user(decision.customer_id, Outbound::Frame(frame));
            }
            (RequestStatus::Expired, _) => {
                self.alerts.send(
                    decision.customer_id,
                    SupportAlert {
                        kind: SupportAlertKind::Expired,
                        advisor_name: None,
                        channel_id: None,
                        text: None,
                    },
                );
                let frame = ServerMessage::SupportExpired { request_id }.encode();
                self.connections
                    .to_user(decision.customer_id, Outbound::Frame(frame));
            }
            _ => {}
        }
    }
}

impl SupportEvents {
    /// The customer and the new advisor learn of the handover (the note is the
    /// advisor's); the previous advisor stops following the channel and gets their
    /// open conversations without it.
    async fn send_transfer(&self, channel_id: Uuid, from: Uuid, to: Uuid, note: Option<String>) {
        let Ok(Some(conversation)) = server::conversation_of_channel(&self.pool, channel_id).await
        else {
            return;
        };
        let from_name: String = sqlx::query_scalar("select display_name from users where id = $1")
            .bind(from)
            .fetch_optional(&self.pool)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| "Un conseiller".into());
        let customer = conversation.customer_id;
        let for_customer = ServerMessage::SupportTransferred {
            conversation: conversation.clone(),
            from_name: from_name.clone(),
            note: None,
        };
        self.connections
            .to_user(customer, Outbound::Frame(for_customer.encode()));
        let for_advisor = ServerMessage::SupportTransferred {
            conversation,
            from_name,
            note,
        };
        self.connections
            .to_user(to, Outbound::Frame(for_advisor.encode()));
        if let Ok(conversations) = server::open_conversations_of(&self.pool, from).await {
            let open = ServerMessage::SupportConversations { conversations }.encode();
            self.connections.unfollow_for_user(
                from,
                Topic::Channel(channel_id),
                &[
                    Outbound::Forget {
                        channel: channel_id,
                    },
                    // As for a room left: the page stops following it, and follows it
                    // again if the conversation is handed back.
                    Outbound::Frame(
                        ServerMessage::Left {
                            room_id: channel_id,
                        }
                        .encode(),
                    ),
                    Outbound::Frame(open),
                ],
            );
        }
    }
}

impl Subscriber for SupportEvents {
    fn on_event(self: Arc<Self>, event: &serde_json::Value) -> Option<Work> {
        let event = match <SupportEvent as serde::Deserialize>::deserialize(event) {
            Ok(event) => event,
            Err(err) => {
                tracing::warn!(%err, "unreadable support event");
                return None;
            }
        };
        match event {
            SupportEvent::QueueChanged => Some(Box::pin(async move { self.send_queue().await })),
            SupportEvent::Decided { request_id } => {
                Some(Box::pin(
                    async move { self.send_decision(request_id).await },
                ))
            }
            SupportEvent::Transferred {
                channel_id,
                from,
                to,
                note,
            } => Some(Box::pin(async move {
                self.send_transfer(channel_id, from, to, note).await
            })),
            SupportEvent::ConversationEnded {
                channel_id,
                customer_id,
                advisor_id,
            } => {
                let frame =
                    Outbound::Frame(ServerMessage::ConversationEnded { channel_id }.encode());
                self.connections.to_user(customer_id, frame.clone());
                if let Some(advisor) = advisor_id {
                    self.connections.to_user(advisor, frame);
                }
                None
            }
        }
    }
}
