//! The advisor chat's events on the bus (topic `support`): the queue changed, a
//! request was decided, a conversation ended. Delivered by [`super::delivery`].

use crate::{
    error::AppError,
    realtime::{bus, connections::Topic},
};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

pub const TOPIC: &str = "support";
/// Sockets that follow the advisor chat.
pub const FOLLOWERS: Topic = Topic::Group("support");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SupportEvent {
    /// The queue or the advisors' availability changed.
    QueueChanged,
    /// A request was accepted or refused.
    Decided { request_id: Uuid },
    /// An advisor handed a conversation to another.
    Transferred {
        channel_id: Uuid,
        from: Uuid,
        to: Uuid,
        note: Option<String>,
    },
    /// An advisor conversation ended.
    ConversationEnded {
        channel_id: Uuid,
        customer_id: Uuid,
        advisor_id: Option<Uuid>,
    },
}

pub async fn publish(conn: &mut PgConnection, event: &SupportEvent) -> Result<(), AppError> {
    bus::publish(conn, TOPIC, event).await
}
