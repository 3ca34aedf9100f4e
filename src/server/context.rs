//! What server functions read from the request they serve.

use super::AppState;
use crate::auth::{
    sessions::{session_status, SessionStatus},
    CurrentUser, Role,
};
use crate::{
    error::{AppError, ErrorCode, FORM_ERROR_PARAM},
    monitoring::server::identify,
};
use axum::{
    extract::ConnectInfo,
    http::{header, HeaderValue, StatusCode},
};
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

/// Whether the request carries a session cookie (someone logged in, or who was until
/// lately), read without loading the session: pages hydrate at once for them.
pub fn carries_session() -> bool {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Session>().and_then(Session::id))
        .is_some()
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

/// Gives a failed server function the HTTP status (and `Retry-After`) of its error. A
/// plain HTML form (sent before the page hydrated, or without JavaScript) is sent back to
/// its page instead, with the error's code in the query, so that the page says what went
/// wrong rather than the browser showing JSON.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(err), Some(response)) = (&result, use_context::<ResponseOptions>()) {
        if let Some(location) = plain_form_referer()
            .and_then(|referer| form_error_location(&referer, err.code))
            .and_then(|location| HeaderValue::from_str(&location).ok())
        {
            response.set_status(StatusCode::SEE_OTHER);
            response.insert_header(header::LOCATION, location);
            return result;
        }
        let status = StatusCode::from_u16(err.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
        if let Some(secs) = err.retry_after_secs {
            response.insert_header(header::RETRY_AFTER, secs.into());
        }
    }
    result
}

/// The page a plain HTML form was sent from: its `Referer`, when the request is a POST to
/// a server function that asks for HTML (the browser's own form submission; server
/// functions called from the wasm ask for JSON). Never for a page the server is
/// rendering: the server functions it calls see the page's GET request.
fn plain_form_referer() -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    if parts.method != axum::http::Method::POST || !parts.uri.path().starts_with("/api/") {
        return None;
    }
    let accepts_html = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !accepts_html {
        return None;
    }
    let referer = parts.headers.get(header::REFERER)?.to_str().ok()?;
    Some(referer.to_owned())
}

/// Where a refused plain form goes back to: its page (`referer`'s path and query, never
/// another site's address) with [`FORM_ERROR_PARAM`] set to `code`.
pub fn form_error_location(referer: &str, code: ErrorCode) -> Option<String> {
    let (_, after_scheme) = referer.split_once("://")?;
    let path_and_query = &after_scheme[after_scheme.find('/')?..];
    let path_and_query = path_and_query.split('#').next().unwrap_or_default();
    if !crate::text::is_site_page_path(path_and_query) {
        return None;
    }
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let error = format!("{FORM_ERROR_PARAM}={}", code.name());
    let params: Vec<&str> = query
        .split('&')
        .filter(|param| !param.is_empty() && param.split('=').next() != Some(FORM_ERROR_PARAM))
        .chain([error.as_str()])
        .collect();
    Some(format!("{path}?{}", params.join("&")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_plain_form_goes_back_to_its_page_with_the_code() {
        assert_eq!(
            form_error_location(
                "https://paddock.test/connexion?next=/espace%3Fa%3D1",
                ErrorCode::InvalidCredentials
            )
            .as_deref(),
            Some("/connexion?next=/espace%3Fa%3D1&erreur=invalid_credentials")
        );
        // A second refusal replaces the first code; the fragment is dropped.
        assert_eq!(
            form_error_location(
                "http://127.0.0.1:3000/inscription?erreur=email_taken#haut",
                ErrorCode::PasswordTooShort
            )
            .as_deref(),
            Some("/inscription?erreur=password_too_short")
        );
        assert_eq!(
            form_error_location("http://localhost/", ErrorCode::RateLimited).as_deref(),
            Some("/?erreur=rate_limited")
        );
    }

    #[test]
    fn a_refused_plain_form_never_leaves_the_site() {
        for referer in [
            "https://paddock.test",
            "https://paddock.test//evil.example/",
            "https://paddock.test/\\evil.example/",
            "https://paddock.test/api/session/login",
            "/connexion",
            "https://paddock.test/connexion\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(
                form_error_location(referer, ErrorCode::InvalidCredentials),
                None,
                "{referer}"
            );
        }
    }
}
