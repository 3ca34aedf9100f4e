//! Account server functions, callable from the browser and from plain HTML forms.

use super::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

/// The logged-in user, or `None` for an anonymous visitor.
#[server(endpoint = "session/me", output = crate::api_json::ApiJson)]
pub async fn fetch_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::server::context::{app_state, respond, session};
    respond(
        async {
            let state = app_state()?;
            super::sessions::session_user(&session().await?, &state.pool, &state.realtime.lifetime)
                .await
        }
        .await,
    )
}

#[server(endpoint = "session/register", output = crate::api_json::ApiJson)]
pub async fn register(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use super::{server, NewAccount, Role};
    use crate::server::context::{app_state, client_ip, respond, session};
    respond(
        async {
            let state = app_state()?;
            // Account creation shares the per-address budget of login attempts.
            state.login_throttle.check_rate(client_ip().await?)?;
            let account = NewAccount::parse(&email, &display_name, &password)?;
            super::check_customer_display_name(&account.display_name)?;
            let user = server::create_account(&state.pool, account, Role::Customer).await?;
            super::sessions::start_session(&session().await?, &state.pool, user.id).await?;
            tracing::info!(user_id = %user.id, "customer registered");
            metrics::counter!("paddock_registrations_total").increment(1);
            leptos_axum::redirect(Role::Customer.home_path());
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "session/login", output = crate::api_json::ApiJson)]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::{safe_next_path, server, MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS};
    use crate::server::context::{app_state, client_ip, respond, session};
    use std::time::Instant;
    respond(
        async {
            // Before anything else: an oversized email never reaches a limiter's memory.
            if email.chars().count() > MAX_EMAIL_CHARS {
                return Err(super::invalid_email());
            }
            let state = app_state()?;
            let ip = client_ip().await?;
            state.login_throttle.check_rate(ip)?;
            let email = email.trim().to_lowercase();
            state
                .login_throttle
                .check_login(&email, ip, Instant::now())?;

            let refused = || {
                metrics::counter!("paddock_login_failures_total").increment(1);
                super::invalid_credentials()
            };
            if password.chars().count() > MAX_PASSWORD_CHARS {
                state
                    .login_throttle
                    .record_failure(&email, ip, Instant::now());
                return Err(refused());
            }
            let (user, hash) = match server::find_credentials(&state.pool, &email).await? {
                Some((user, hash)) => (Some(user), Some(hash)),
                None => (None, None),
            };
            let verified = server::verify_password(hash, password).await?;
            let user = match user {
                Some(user) if verified => user,
                _ => {
                    state
                        .login_throttle
                        .record_failure(&email, ip, Instant::now());
                    return Err(refused());
                }
            };
            state.login_throttle.record_success(&email, ip);

            super::sessions::start_session(&session().await?, &state.pool, user.id).await?;
            server::record_login(&state.pool, user.id).await?;
            tracing::info!(user_id = %user.id, role = user.role.as_str(), "login");
            leptos_axum::redirect(safe_next_path(next.as_deref()).unwrap_or(user.role.home_path()));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "session/logout", output = crate::api_json::ApiJson)]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::context::{respond, session};
    respond(
        async {
            let session = session().await?;
            let session_id = session.id().map(|id| id.to_string());
            super::sessions::end_session(&session).await?;
            if let Some(session_id) = session_id {
                // Close this session's sockets and streams on every instance.
                let state = crate::server::context::app_state()?;
                let mut conn = state.pool.acquire().await?;
                crate::realtime::end_session(&mut conn, &session_id).await?;
            }
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
