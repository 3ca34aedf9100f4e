//! `POST /api/client-errors`: the browser's error reports (see `crate::monitoring`).
//! Same-origin only (the cross-site check runs before), bounded in size, rate-limited
//! per client address; each report is counted, logged and forwarded to Sentry.

use super::{
    context::connection_refused as refused, limits::Budget, security::client_address, AppState,
};
use crate::{
    auth::sessions::{session_status, SessionStatus},
    error::{AppError, ErrorCode},
    monitoring::{server::forward_client_error, ClientErrorReport},
};
use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::{net::SocketAddr, time::Duration};
use tower_sessions::Session;

pub async fn receive(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    headers: HeaderMap,
    body: Result<Json<ClientErrorReport>, JsonRejection>,
) -> Response {
    let address = client_address(&state.settings, &headers, peer);
    let per_minute = state.settings.client_error_reports_per_minute.max(1);
    let budget = Budget {
        burst: per_minute,
        every: Duration::from_secs(60) / per_minute,
    };
    if let Err(refusal) = state.limits.check("client_errors", budget, address) {
        return refused(refusal);
    }
    let report = match body {
        Ok(Json(report)) => report.bounded(),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                Json(AppError::new(
                    ErrorCode::OutOfRange,
                    "Rapport d’erreur trop volumineux.",
                )),
            )
                .into_response()
        }
        Err(_) => return refused(AppError::invalid_input("Rapport d’erreur illisible.")),
    };
    if report.message.is_empty() {
        return refused(AppError::invalid_input("Rapport d’erreur sans message."));
    }
    // The reporter's account, when logged in: a report never needs one.
    let user = match session_status(&session, &state.pool, &state.realtime.lifetime).await {
        Ok(SessionStatus::LoggedIn(user)) => Some(user.id),
        _ => None,
    };
    metrics::counter!("paddock_client_errors_total", "kind" => report.kind.label()).increment(1);
    tracing::warn!(
        kind = report.kind.label(),
        page = %report.page,
        user = ?user,
        "browser error reported"
    );
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    forward_client_error(&report, user, user_agent, state.settings.base_url());
    StatusCode::ACCEPTED.into_response()
}
