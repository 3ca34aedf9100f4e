//! Room management (admins) and the room list, as server functions.

use crate::error::AppError;
use crate::protocol::chat::RoomSummary;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Rooms that are not deleted, with their member counts.
#[server(endpoint = "rooms/list", output = crate::api_json::ApiJson)]
pub async fn list_rooms() -> Result<Vec<RoomSummary>, AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            require_user().await?;
            super::server::store::live_rooms(&app_state()?.pool).await
        }
        .await,
    )
}

#[server(endpoint = "admin/rooms/create", output = crate::api_json::ApiJson)]
pub async fn create_room(name: String, capacity: i32) -> Result<RoomSummary, AppError> {
    use super::{normalize_room_name, validate_capacity};
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            let admin = require_admin().await?;
            let name = normalize_room_name(&name)?;
            let capacity = validate_capacity(capacity)?;
            super::server::store::create_room(&app_state()?.pool, admin.id, &name, capacity).await
        }
        .await,
    )
}

#[server(endpoint = "admin/rooms/rename", output = crate::api_json::ApiJson)]
pub async fn rename_room(room_id: Uuid, name: String) -> Result<(), AppError> {
    use super::normalize_room_name;
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            require_admin().await?;
            let name = normalize_room_name(&name)?;
            super::server::store::update_room(&app_state()?.pool, room_id, Some(&name), None).await
        }
        .await,
    )
}

#[server(endpoint = "admin/rooms/capacity", output = crate::api_json::ApiJson)]
pub async fn set_room_capacity(room_id: Uuid, capacity: i32) -> Result<(), AppError> {
    use super::validate_capacity;
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            require_admin().await?;
            let capacity = validate_capacity(capacity)?;
            super::server::store::update_room(&app_state()?.pool, room_id, None, Some(capacity))
                .await
        }
        .await,
    )
}

#[server(endpoint = "admin/rooms/delete", output = crate::api_json::ApiJson)]
pub async fn delete_room(room_id: Uuid) -> Result<(), AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            require_admin().await?;
            super::server::store::delete_room(&app_state()?.pool, room_id).await
        }
        .await,
    )
}

/// A customer found by name or email, to write to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CustomerHit {
    pub id: Uuid,
    pub name: String,
}

/// Customers (not the caller) whose display name contains `query` (2 to 60 characters),
/// or whose email is exactly `query`: never a fragment of an email, which would let
/// anyone recover addresses one character at a time.
#[server(endpoint = "customers/search", output = crate::api_json::ApiJson)]
pub async fn search_customers(query: String) -> Result<Vec<CustomerHit>, AppError> {
    use crate::server::context::{app_state, require_user, respond};
    use crate::server::limits::Budget;
    respond(
        async {
            let user = require_user().await?;
            let state = app_state()?;
            let per_minute = state.settings.customer_searches_per_minute.max(1);
            state.limits.check(
                "customer_search",
                Budget {
                    burst: per_minute,
                    every: std::time::Duration::from_secs(60) / per_minute,
                },
                user.id,
            )?;
            let query = super::normalize_search_query(&query)?;
            let email = crate::auth::normalize_email(query).ok();
            let hits = super::server::store::search_customers(
                &state.pool,
                user.id,
                query,
                email.as_deref(),
            )
            .await?;
            Ok(hits
                .into_iter()
                .map(|(id, name)| CustomerHit { id, name })
                .collect())
        }
        .await,
    )
}
