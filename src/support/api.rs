//! Advisor conversation history (transcripts), as server functions. The live part of
//! the advisor chat (queue, availability, requests) travels on the WebSocket.

use super::SupportConversation;
use crate::{error::AppError, protocol::chat::ChatMessage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The conversations a user may read, most recent first: a customer's own; every
/// conversation for an advisor.
#[server(endpoint = "support/conversations")]
pub async fn support_history() -> Result<Vec<SupportConversation>, AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            super::server::history(&app_state()?.pool, user.id, user.is_admin()).await
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    pub conversation: SupportConversation,
    pub messages: Vec<ChatMessage>,
}

/// Every message of one conversation.
#[server(endpoint = "support/transcript")]
pub async fn support_transcript(channel_id: Uuid) -> Result<Transcript, AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            let (conversation, messages) =
                super::server::transcript(&app_state()?.pool, user.id, user.is_admin(), channel_id)
                    .await?;
            Ok(Transcript {
                conversation,
                messages,
            })
        }
        .await,
    )
}
