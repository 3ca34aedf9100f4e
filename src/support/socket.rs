//! The advisor chat's frames on a socket, and the service behind them.

use super::{
    events::FOLLOWERS, hours::DeskHours, normalize_reason, normalize_topic, queue_view, server,
};
use crate::{
    auth::CurrentUser,
    error::{AppError, ErrorCode},
    protocol::{support::SupportRequest, ServerMessage},
    realtime::{
        connections::{Outbound, Registration},
        limits::{Budget, Limits},
    },
};
use sqlx::PgPool;
use std::{sync::Arc, time::Duration};

/// The advisor chat of this instance.
pub struct Support {
    pub pool: PgPool,
    /// What each user may ask, across all of their sockets (`Realtime::limits`):
    /// requests spend from the budget of posts.
    limits: Arc<Limits>,
    /// How long an available advisor may have no socket before becoming unavailable.
    advisor_grace: Duration,
    /// How long a request waits for an advisor before it expires.
    request_expiry: Duration,
    /// When advisors are at the desk.
    pub hours: DeskHours,
}

impl Support {
    pub fn new(
        pool: PgPool,
        settings: &crate::config::Settings,
        limits: Arc<Limits>,
        hours: DeskHours,
    ) -> Arc<Self> {
        Arc::new(Self {
            pool,
            limits,
            advisor_grace: Duration::from_secs(settings.advisor_grace_seconds.max(1)),
            request_expiry: Duration::from_secs(settings.support_request_expiry_seconds.max(1)),
            hours,
        })
    }

    /// Every instance sweeps absent advisors and expired requests (while the desk is
    /// closed, it holds the pending requests for the opening instead); the updates are
    /// idempotent and announce only changes.
    pub fn start_sweep(self: &Arc<Self>) {
        let support = self.clone();
        tokio::spawn(async move {
            let period = (support.advisor_grace / 6)
                .clamp(Duration::from_millis(100), Duration::from_secs(5));
            let mut every = tokio::time::interval(period);
            loop {
                every.tick().await;
                match server::sweep_absent_advisors(&support.pool, support.advisor_grace).await {
                    Ok(gone) if !gone.is_empty() => {
                        tracing::info!(advisors = gone.len(), "absent advisors marked unavailable");
                    }
                    Ok(_) => {}
                    Err(_) if support.pool.is_closed() => break,
                    Err(err) => tracing::warn!(?err, "advisor sweep failed"),
                }
                let swept = match support.hours.closed_until() {
                    // Closed: the pending requests wait for the opening.
                    Some(opening) => {
                        server::hold_requests_until(&support.pool, opening, support.request_expiry)
                            .await
                            .map(|held| {
                                if held > 0 {
                                    tracing::info!(
                                        requests = held,
                                        "support requests held for the opening"
                                    );
                                }
                            })
                    }
                    None => server::expire_requests(&support.pool).await.map(|expired| {
                        if !expired.is_empty() {
                            tracing::info!(requests = expired.len(), "support requests expired");
                        }
                    }),
                };
                match swept {
                    Ok(()) => {}
                    Err(_) if support.pool.is_closed() => break,
                    Err(err) => tracing::warn!(?err, "request expiry failed"),
                }
            }
        });
    }
}

/// The budget each advisor-chat frame spends from (see `realtime::limits`).
pub fn budget_of(request: &SupportRequest) -> Budget {
    match request {
        SupportRequest::WatchSupport => Budget::Reads,
        SupportRequest::RequestAdvisor { .. } => Budget::Posts,
        SupportRequest::SetAvailable { .. }
        | SupportRequest::CancelRequest
        | SupportRequest::AcceptRequest { .. }
        | SupportRequest::RefuseRequest { .. }
        | SupportRequest::EndConversation { .. }
        | SupportRequest::TransferConversation { .. } => Budget::Actions,
    }
}

/// The advisor-chat side of one socket.
pub struct SupportSocket {
    pub support: Arc<Support>,
    pub user: CurrentUser,
}

impl SupportSocket {
    pub async fn handle(
        &self,
        socket: &Registration,
        request: SupportRequest,
    ) -> Result<(), AppError> {
        let pool = &self.support.pool;
        let user = self.user.id;
        // Past its budget a frame does nothing else.
        self.support.limits.spend(user, budget_of(&request))?;
        match request {
            SupportRequest::WatchSupport => {
                socket.connections().subscribe(socket.id, FOLLOWERS);
                let (available, requests) = server::queue_state(pool).await?;
                let closed_until = self.support.hours.closed_until_text();
                let state = queue_view(
                    self.user.is_admin(),
                    user,
                    &available,
                    &requests,
                    closed_until.as_deref(),
                );
                let conversations = server::open_conversations_of(pool, user).await?;
                socket.reply(Outbound::Frame(state.encode())).await;
                socket
                    .reply(Outbound::Frame(
                        ServerMessage::SupportConversations { conversations }.encode(),
                    ))
                    .await;
            }
            SupportRequest::SetAvailable { available } => {
                self.advisor_only()?;
                server::set_available(pool, user, available).await?;
            }
            SupportRequest::RequestAdvisor { topic } => {
                self.customer_only()?;
                let topic = normalize_topic(topic.as_deref().unwrap_or(""))?;
                // The queue update that follows tells this customer their position.
                server::request(
                    pool,
                    user,
                    topic.as_deref(),
                    self.support.request_expiry,
                    self.support.hours.closed_until(),
                )
                .await?;
            }
            SupportRequest::CancelRequest => {
                self.customer_only()?;
                server::cancel(pool, user).await?;
            }
            SupportRequest::AcceptRequest { request_id } => {
                self.advisor_only()?;
                server::accept(pool, user, request_id).await?;
            }
            SupportRequest::RefuseRequest { request_id, reason } => {
                self.advisor_only()?;
                let reason = normalize_reason(reason.as_deref().unwrap_or(""))?;
                server::refuse(pool, user, request_id, reason.as_deref()).await?;
            }
            SupportRequest::EndConversation { channel_id } => {
                server::end(pool, user, channel_id).await?;
            }
            SupportRequest::TransferConversation {
                channel_id,
                advisor_id,
                note,
            } => {
                self.advisor_only()?;
                let note = normalize_reason(note.as_deref().unwrap_or(""))?;
                server::transfer(pool, user, channel_id, advisor_id, note.as_deref()).await?;
            }
        }
        Ok(())
    }

    fn advisor_only(&self) -> Result<(), AppError> {
        if self.user.is_admin() {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    fn customer_only(&self) -> Result<(), AppError> {
        if self.user.is_admin() {
            Err(AppError::new(
                ErrorCode::Forbidden,
                "Seuls les clients demandent un conseiller.",
            ))
        } else {
            Ok(())
        }
    }
}
