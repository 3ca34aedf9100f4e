//! Delivers the advisor chat's events to this instance's sockets: the queue to
//! advisors, each customer's place in it, decisions, ended conversations.

use super::{
    events::{SupportEvent, FOLLOWERS},
    queue_view, server, RequestStatus,
};
use crate::{
    protocol::ServerMessage,
    realtime::{
        bus::{Subscriber, Work},
        connections::{Connections, Outbound},
    },
};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

pub struct SupportEvents {
    pub pool: PgPool,
    pub connections: Arc<Connections>,
}

impl SupportEvents {
    /// Sends every advisor following the chat the queue, and every customer following
    /// it their own place in it, from one read of the queue.
    async fn send_queue(&self) {
        if !self.connections.has_subscribers(FOLLOWERS) {
            return;
        }
        let Ok((available, requests)) = server::queue_state(&self.pool).await else {
            return;
        };
        // Every advisor sees the same queue: encoded once.
        let for_advisors = queue_view(true, Uuid::nil(), &available, &requests).encode();
        self.connections.to_topic_each(FOLLOWERS, |peer| {
            Some(Outbound::Frame(if peer.staff {
                for_advisors.clone()
            } else {
                queue_view(false, peer.user_id, &available, &requests).encode()
            }))
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
                let frame = ServerMessage::SupportRefused {
                    request_id,
                    reason: decision.reason,
                }
                .encode();
                self.connections
                    .to_user(decision.customer_id, Outbound::Frame(frame));
            }
            _ => {}
        }
    }
}

impl Subscriber for SupportEvents {
    fn on_event(self: Arc<Self>, event: serde_json::Value) -> Option<Work> {
        let event = match serde_json::from_value::<SupportEvent>(event) {
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
