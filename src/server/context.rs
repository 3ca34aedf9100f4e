//! What server functions read from the request they serve.

use super::AppState;
use crate::auth::{
    sessions::{session_status, SessionStatus},
    CurrentUser, Role,
};
use crate::{error::AppError, monitoring::server::identify};
use axum::{extract::ConnectInfo, http::StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::net::{IpAddr, SocketAddr};
use tower_sessions::Session;

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::internal()
    })
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|err| {
        tracing::error!(%err, "no session layer");
        AppError::internal()
    })
}

/// The client's address (see [`super::security::client_address`]).
pub async fn client_ip() -> Result<IpAddr, AppError> {
    let state = app_state()?;
    let parts = use_context::<axum::http::request::Parts>().ok_or_else(AppError::internal)?;
    let ConnectInfo(peer) = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map_err(|_| AppError::internal())?;
    Ok(super::security::client_address(
        &state.settings,
        &parts.headers,
        peer,
    ))
}

/// The user and session id behind a long-lived connection (WebSocket, SSE stream), or
/// the answer refusing it (JSON `AppError`): 401 `unauthenticated` without a logged-in
/// session, 401 `session_expired` when the cookie's session is over, 503 without the
/// database.
pub async fn connection_user(
    session: &Session,
    state: &AppState,
) -> Result<(CurrentUser, String), axum::response::Response> {
    match session_status(session, &state.pool, &state.realtime.lifetime).await {
        Ok(SessionStatus::LoggedIn(user)) => match session.id() {
            Some(id) => {
                identify(user.id, user.role.as_str());
                Ok((user, id.to_string()))
            }
            None => Err(connection_refused(AppError::unauthenticated())),
        },
        Ok(SessionStatus::Expired) => Err(connection_refused(AppError::session_expired())),
        Ok(SessionStatus::Anonymous) => Err(connection_refused(AppError::unauthenticated())),
        Err(_) => Err(connection_refused(AppError::unavailable())),
    }
}

/// The refusal of a long-lived connection while the instance stops (503, JSON).
pub fn shutting_down() -> axum::response::Response {
    connection_refused(AppError {
        retry_after_secs: Some(1),
        ..AppError::new(
            crate::error::ErrorCode::Unavailable,
            "Le serveur redémarre : nouvelle tentative dans un instant.",
        )
    })
}

/// The answer refusing a long-lived connection (WebSocket, SSE stream) or a request to an
/// endpoint outside server functions with `error`: its HTTP status and JSON, with
/// `Retry-After` when it says when to try again.
pub fn connection_refused(error: AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status =
        StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let retry_after = error.retry_after_secs;
    let mut response = (status, axum::Json(error)).into_response();
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, secs.into());
    }
    response
}

/// The logged-in user; `unauthenticated` without a session, `session_expired` when the
/// request's session is over.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    let state = app_state()?;
    match session_status(&session().await?, &state.pool, &state.realtime.lifetime).await? {
        SessionStatus::LoggedIn(user) => {
            identify(user.id, user.role.as_str());
            Ok(user)
        }
        SessionStatus::Expired => Err(AppError::session_expired()),
        SessionStatus::Anonymous => Err(AppError::unauthenticated()),
    }
}

pub async fn require_admin() -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if user.role == Role::Admin {
        Ok(user)
    } else {
        Err(AppError::forbidden())
    }
}

/// Gives a failed server function the HTTP status (and `Retry-After`) of its error.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(err), Some(response)) = (&result, use_context::<ResponseOptions>()) {
        let status = StatusCode::from_u16(err.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
        if let Some(secs) = err.retry_after_secs {
            response.insert_header(axum::http::header::RETRY_AFTER, secs.into());
        }
    }
    result
}
