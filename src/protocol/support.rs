//! The advisor chat's frames and the shapes they carry: the queue, a customer's own
//! request, conversations.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the browser sends about the live chat with an advisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SupportRequest {
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
    /// The conversation's advisor: hand it to another available advisor, with an
    /// optional note for them (at most 300 characters).
    TransferConversation {
        channel_id: Uuid,
        advisor_id: Uuid,
        #[serde(default)]
        note: Option<String>,
    },
}

/// A pending request as advisors see it in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct QueuedRequest {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub topic: Option<String>,
    /// RFC 3339.
    pub requested_at: String,
    /// When the request expires if no advisor takes it (RFC 3339).
    pub expires_at: String,
}

/// A customer's own pending request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WaitingRequest {
    pub id: Uuid,
    pub topic: Option<String>,
    /// 1 for the next request an advisor will see.
    pub position: u32,
    /// When the request expires if no advisor takes it (RFC 3339).
    pub expires_at: String,
}

/// A conversation between a customer and the advisor who accepted their request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SupportConversation {
    pub channel_id: Uuid,
    pub request_id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub advisor_id: Option<Uuid>,
    pub advisor_name: String,
    pub topic: Option<String>,
    /// RFC 3339.
    pub started_at: String,
    pub ended: bool,
    /// Sequence of the conversation's last message.
    pub last_seq: i64,
    /// The customer's rating, once the conversation has ended and they gave one.
    pub rating: Option<Rating>,
}

/// A customer's rating of an ended conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rating {
    /// 1 (bad) to 5 (excellent).
    pub score: u8,
    pub comment: Option<String>,
}

impl SupportConversation {
    /// The name of the other participant, seen by `me`.
    pub fn other_name(&self, me: Option<Uuid>) -> &str {
        if Some(self.customer_id) == me {
            &self.advisor_name
        } else {
            &self.customer_name
        }
    }
}
