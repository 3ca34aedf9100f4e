//! Advisor conversation history (transcripts), as server functions. The live part of
//! the advisor chat (queue, availability, requests) travels on the WebSocket.

use super::SupportConversation;
use crate::{error::AppError, protocol::chat::ChatMessage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The conversations a user may read, most recent first: a customer's own; every
/// conversation for an advisor.
#[server(endpoint = "support/conversations", output = crate::api_json::ApiJson)]
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
#[server(endpoint = "support/transcript", output = crate::api_json::ApiJson)]
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

/// Customers: rate an ended conversation of theirs, once (1 to 5, optional comment).
#[server(endpoint = "support/rate", output = crate::api_json::ApiJson)]
pub async fn rate_conversation(
    channel_id: Uuid,
    score: u8,
    comment: String,
) -> Result<(), AppError> {
    use crate::server::context::{app_state, require_user, respond};
    use crate::server::limits::Budget;
    respond(
        async {
            let user = require_user().await?;
            if user.is_admin() {
                return Err(AppError::new(
                    crate::error::ErrorCode::Forbidden,
                    "Seuls les clients notent leurs conversations.",
                ));
            }
            let state = app_state()?;
            state.limits.check(
                "support_rating",
                Budget {
                    burst: 10,
                    every: std::time::Duration::from_secs(6),
                },
                user.id,
            )?;
            let rating = super::normalize_rating(score, &comment)?;
            super::server::rate(&state.pool, user.id, channel_id, &rating).await?;
            tracing::info!(customer = %user.id, channel = %channel_id, score, "conversation rated");
            Ok(())
        }
        .await,
    )
}

/// Advisors: each advisor's average rating.
#[server(endpoint = "support/ratings", output = crate::api_json::ApiJson)]
pub async fn advisor_ratings() -> Result<Vec<super::AdvisorRating>, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            require_admin().await?;
            super::server::advisor_ratings(&app_state()?.pool).await
        }
        .await,
    )
}

/// Advisors: the transcripts that match a customer, a range of days and words.
#[server(endpoint = "support/search", output = crate::api_json::ApiJson)]
pub async fn search_transcripts(
    customer: String,
    from: String,
    to: String,
    text: String,
) -> Result<Vec<super::TranscriptHit>, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    use crate::server::limits::Budget;
    respond(
        async {
            let advisor = require_admin().await?;
            let state = app_state()?;
            state.limits.check(
                "transcript_search",
                Budget {
                    burst: 20,
                    every: std::time::Duration::from_secs(2),
                },
                advisor.id,
            )?;
            let query = super::TranscriptQuery::parse(&customer, &from, &to, &text)?;
            super::server::search_transcripts(&state.pool, &query, &state.settings.timezone).await
        }
        .await,
    )
}

/// Advisors: the customer of a conversation, for the panel beside it: the request's
/// topic, upcoming appointments, other conversations.
#[server(endpoint = "support/customer", output = crate::api_json::ApiJson)]
pub async fn customer_context(channel_id: Uuid) -> Result<super::CustomerContext, AppError> {
    use crate::error::ErrorCode;
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            require_admin().await?;
            let state = app_state()?;
            let conversation = super::server::conversation_of_channel(&state.pool, channel_id)
                .await?
                .ok_or_else(|| {
                    AppError::new(ErrorCode::NotFound, "Cette conversation n’existe pas.")
                })?;
            let customer = conversation.customer_id;
            let (appointments, past_conversations) = tokio::try_join!(
                crate::assistant::server::upcoming_for(&state, customer),
                super::server::other_conversations_of(&state.pool, customer, channel_id),
            )?;
            Ok(super::CustomerContext {
                customer_name: conversation.customer_name,
                topic: conversation.topic,
                appointments,
                past_conversations,
            })
        }
        .await,
    )
}

/// Advisors: the shared canned responses.
#[server(endpoint = "support/canned", output = crate::api_json::ApiJson)]
pub async fn canned_responses() -> Result<Vec<super::CannedResponse>, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            require_admin().await?;
            super::server::canned_responses(&app_state()?.pool).await
        }
        .await,
    )
}

/// Advisors: add a canned response, or change the one `id` names.
#[server(endpoint = "support/canned/save", output = crate::api_json::ApiJson)]
pub async fn save_canned_response(
    #[server(default)] id: Option<Uuid>,
    title: String,
    body: String,
) -> Result<(), AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    use crate::server::limits::Budget;
    respond(
        async {
            let advisor = require_admin().await?;
            let state = app_state()?;
            state.limits.check(
                "canned_response",
                Budget {
                    burst: 20,
                    every: std::time::Duration::from_secs(3),
                },
                advisor.id,
            )?;
            let (title, body) = super::normalize_canned(&title, &body)?;
            let id =
                super::server::save_canned_response(&state.pool, advisor.id, id, &title, &body)
                    .await?;
            tracing::info!(advisor = %advisor.id, canned = %id, "canned response saved");
            Ok(())
        }
        .await,
    )
}

/// Advisors: delete a canned response.
#[server(endpoint = "support/canned/delete", output = crate::api_json::ApiJson)]
pub async fn delete_canned_response(id: Uuid) -> Result<(), AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            let advisor = require_admin().await?;
            super::server::delete_canned_response(&app_state()?.pool, id).await?;
            tracing::info!(advisor = %advisor.id, canned = %id, "canned response deleted");
            Ok(())
        }
        .await,
    )
}

/// An advisor a conversation can be handed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: Uuid,
    pub name: String,
}

/// Advisors: the other advisors available now, to hand a conversation to.
#[server(endpoint = "support/colleagues", output = crate::api_json::ApiJson)]
pub async fn available_colleagues() -> Result<Vec<Colleague>, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            let advisor = require_admin().await?;
            let colleagues =
                super::server::available_colleagues(&app_state()?.pool, advisor.id).await?;
            Ok(colleagues
                .into_iter()
                .map(|(id, name)| Colleague { id, name })
                .collect())
        }
        .await,
    )
}
