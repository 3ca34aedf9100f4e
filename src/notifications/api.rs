//! Sending notifications (advisors) and the customer's notification centre, as server
//! functions. Delivery itself is the SSE stream (`server::stream`).

use super::{Notification, SentNotification};
use crate::error::AppError;
use leptos::prelude::*;

/// Sends a notification to every customer. Advisors only.
#[server(endpoint = "admin/notifications/send", output = crate::api_json::ApiJson)]
pub async fn send_notification(
    title: String,
    body: String,
    #[server(default)] link: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            let admin = require_admin().await?;
            let draft = super::Draft::parse(&title, &body, link.as_deref().unwrap_or(""))?;
            super::server::send(&app_state()?.pool, admin.id, &draft).await
        }
        .await,
    )
}

/// Sent notifications with their live deliveries and reads. Advisors only.
#[server(endpoint = "admin/notifications/list", output = crate::api_json::ApiJson)]
pub async fn sent_notifications() -> Result<Vec<SentNotification>, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            require_admin().await?;
            super::server::sent(&app_state()?.pool).await
        }
        .await,
    )
}

/// The customer's latest notifications, newest first, with their read state.
#[server(endpoint = "notifications/list", output = crate::api_json::ApiJson)]
pub async fn my_notifications() -> Result<Vec<Notification>, AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            if user.is_admin() {
                return Ok(Vec::new());
            }
            super::server::recent(&app_state()?.pool, user.id, 50).await
        }
        .await,
    )
}

/// Marks one notification read, or every notification when `id` is absent.
#[server(endpoint = "notifications/read", output = crate::api_json::ApiJson)]
pub async fn mark_notifications_read(#[server(default)] id: Option<i64>) -> Result<(), AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            super::server::mark_read(&app_state()?.pool, user.id, id).await
        }
        .await,
    )
}
