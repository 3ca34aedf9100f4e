//! The one error type of Paddock's server functions: a stable code for programs and a
//! French message for people. It travels as JSON between server and browser.

use crate::api_json::JsonText;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. Never rename a variant: clients match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    InvalidEmail,
    InvalidDisplayName,
    PasswordTooShort,
    PasswordTooLong,
    EmailTaken,
    InvalidCredentials,
    RateLimited,
    Unauthenticated,
    Forbidden,
    NotFound,
    CrossSiteRequest,
    Unavailable,
    Internal,
    RoomFull,
    RoomClosed,
    NotMember,
    MessageTooLong,
    RoomNameTaken,
    /// No advisor is available: a live chat cannot be requested.
    NoAdvisorAvailable,
    /// The customer already has a pending request.
    RequestPending,
    /// Another advisor accepted or refused the request first.
    AlreadyTaken,
    /// The advisor conversation is over: no more posts.
    ConversationEnded,
    /// The server is saturated: try again after `retry_after_secs`, with the same ids.
    Overloaded,
    /// A field holds a NUL or another control character (or, in a name, an invisible or
    /// direction-changing one).
    InvalidCharacters,
    /// A value outside the range the server accepts (a date too far away, …).
    OutOfRange,
    /// The request carried a session that is over (inactivity, absolute lifetime,
    /// ended elsewhere): log in again.
    SessionExpired,
    /// The user already holds the most sockets or notification streams allowed: close
    /// one (a tab) before opening another.
    TooManyConnections,
    /// Another catalogue model already has this page address (slug).
    SlugTaken,
    /// The customer already rated this conversation.
    AlreadyRated,
    /// The conversation is still open: it can be rated once it has ended.
    ConversationOngoing,
    /// Another canned response already has this title.
    TitleTaken,
}

impl ErrorCode {
    /// The HTTP status a server function answers with for this error.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidCharacters | ErrorCode::OutOfRange => 400,
            ErrorCode::InvalidInput
            | ErrorCode::InvalidEmail
            | ErrorCode::InvalidDisplayName
            | ErrorCode::PasswordTooShort
            | ErrorCode::PasswordTooLong => 422,
            ErrorCode::EmailTaken
            | ErrorCode::RoomNameTaken
            | ErrorCode::SlugTaken
            | ErrorCode::RoomFull
            | ErrorCode::NoAdvisorAvailable
            | ErrorCode::RequestPending
            | ErrorCode::AlreadyTaken
            | ErrorCode::AlreadyRated
            | ErrorCode::ConversationOngoing
            | ErrorCode::TitleTaken => 409,
            ErrorCode::RoomClosed | ErrorCode::ConversationEnded => 410,
            ErrorCode::NotMember => 403,
            ErrorCode::MessageTooLong => 422,
            ErrorCode::InvalidCredentials
            | ErrorCode::Unauthenticated
            | ErrorCode::SessionExpired => 401,
            ErrorCode::RateLimited | ErrorCode::TooManyConnections => 429,
            ErrorCode::Forbidden | ErrorCode::CrossSiteRequest => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Unavailable | ErrorCode::Overloaded => 503,
            ErrorCode::Internal => 500,
        }
    }
}

impl ErrorCode {
    /// The code's stable name, as in JSON (`invalid_credentials`).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The code of a stable name, as [`ErrorCode::name`] writes it.
    pub fn from_name(name: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }
}

/// The query parameter a page is reopened with when the plain HTML form it sent (before
/// the page was hydrated, or without JavaScript) was refused: the error's code, which the
/// page turns into its French message.
pub const FORM_ERROR_PARAM: &str = "erreur";

/// What the user reads when their session is over: in server function errors and on the
/// login page they are sent to.
pub const SESSION_EXPIRED_MESSAGE: &str =
    "Votre session a expiré. Reconnectez-vous pour continuer.";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds to wait before trying again, for [`ErrorCode::RateLimited`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub retry_after_secs: Option<u64>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            ErrorCode::Unauthenticated,
            "Vous devez être connecté pour continuer.",
        )
    }

    pub fn session_expired() -> Self {
        Self::new(ErrorCode::SessionExpired, SESSION_EXPIRED_MESSAGE)
    }

    pub fn forbidden() -> Self {
        Self::new(
            ErrorCode::Forbidden,
            "Cette action est réservée aux conseillers Paddock.",
        )
    }

    /// The service cannot answer now (its database is unreachable): try again later.
    pub fn unavailable() -> Self {
        Self::new(
            ErrorCode::Unavailable,
            "Le service est momentanément indisponible. Réessayez dans un instant.",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "Une erreur inattendue est survenue. Réessayez dans un instant.",
        )
    }

    /// Whole seconds to wait for `wait`, rounded up: a client retrying sooner is refused.
    pub fn retry_secs(wait: std::time::Duration) -> u64 {
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
    }

    /// [`AppError::rate_limited`] for a wait the limiter measured.
    pub fn rate_limited_for(wait: std::time::Duration) -> Self {
        Self::rate_limited(Self::retry_secs(wait))
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let secs = retry_after_secs.max(1);
        Self {
            code: ErrorCode::RateLimited,
            message: format!(
                "Trop de tentatives. Réessayez dans {secs} seconde{}.",
                if secs > 1 { "s" } else { "" }
            ),
            retry_after_secs: Some(secs),
        }
    }
}

/// A database failure: logged here, answered as an internal error (its details stay in
/// the logs). Lets server code write `?` on every sqlx call.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(%err, "database error");
        Self::internal()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::invalid_input("La requête est incomplète ou mal formée.")
            }
            ServerFnErrorErr::Request(_) => Self::new(
                ErrorCode::Unavailable,
                "Le serveur est injoignable. Vérifiez votre connexion et réessayez.",
            ),
            _ => Self::internal(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_stable_snake_case_names() {
        let json = serde_json::to_string(&AppError::forbidden()).unwrap();
        assert!(json.contains(r#""code":"forbidden""#), "{json}");
        assert_eq!(ErrorCode::Forbidden.http_status(), 403);
        assert_eq!(ErrorCode::EmailTaken.http_status(), 409);
        let json = serde_json::to_string(&AppError::session_expired()).unwrap();
        assert!(json.contains(r#""code":"session_expired""#), "{json}");
        assert_eq!(ErrorCode::SessionExpired.http_status(), 401);
    }

    #[test]
    fn codes_read_back_from_their_names() {
        assert_eq!(ErrorCode::InvalidCredentials.name(), "invalid_credentials");
        assert_eq!(
            ErrorCode::from_name("email_taken"),
            Some(ErrorCode::EmailTaken)
        );
        assert_eq!(ErrorCode::from_name("EmailTaken"), None);
        assert_eq!(ErrorCode::from_name("<script>"), None);
    }

    #[test]
    fn rate_limit_error_tells_how_long_to_wait_and_never_zero() {
        let err = AppError::rate_limited(0);
        assert_eq!(err.retry_after_secs, Some(1));
        assert!(err.message.ends_with("dans 1 seconde."), "{}", err.message);
        assert!(AppError::rate_limited(90)
            .message
            .ends_with("dans 90 secondes."));
        assert_eq!(err.code.http_status(), 429);
    }

    #[test]
    fn transport_failures_become_french_messages() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Request("down".into()));
        assert_eq!(err.code, ErrorCode::Unavailable);
        assert!(err.message.starts_with("Le serveur est injoignable"));
    }
}
