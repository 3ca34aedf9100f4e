//! The layer's service: start, the sweep of ended sessions, the end of a session, and
//! the graceful stop.

use super::{
    bus::{self, Bus, Subscriber, Work},
    close::CloseReason,
    connections::{Caps, Connections},
    limits::Limits,
    presence::{Presence, HEARTBEAT},
    sessions::{self, FailedChecks, SessionLifetime},
    socket::SocketSettings,
    streams::Streams,
};
use crate::{config::Settings, error::AppError};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use std::{collections::HashSet, sync::Arc, time::Duration};
use tokio::sync::watch;

/// The bus topic of the layer's own events.
const SESSIONS_TOPIC: &str = "sessions";
/// Items an event stream may have waiting.
const STREAM_QUEUE: usize = 32;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SessionEvent {
    /// Logged out, logged in again, or ended by an admin change: the session's sockets
    /// close with 1008, its streams end.
    Ended { session_id: String },
}

/// Announces that a session ended (logout, new login in the same browser, account
/// promoted or its password reset), in the transaction of `conn`.
pub async fn end_session(conn: &mut PgConnection, session_id: &str) -> Result<(), AppError> {
    let event = SessionEvent::Ended {
        session_id: session_id.to_owned(),
    };
    bus::publish(conn, SESSIONS_TOPIC, &event).await
}

pub struct Realtime {
    pub connections: Arc<Connections>,
    pub streams: Arc<Streams>,
    pub presence: Presence,
    pub settings: SocketSettings,
    /// How long sessions live: checked by the sweep, and by every request.
    pub lifetime: SessionLifetime,
    /// What a user may ask on their sockets, across all of them and every feature.
    pub limits: Arc<Limits>,
    pool: PgPool,
    shutdown: watch::Sender<bool>,
}

impl Realtime {
    pub fn new(pool: PgPool, settings: &Settings) -> Arc<Self> {
        let presence = Presence::new(pool.clone());
        let caps = Caps {
            total: settings.ws_max_connections,
            per_user: settings.ws_max_connections_per_user,
        };
        Arc::new(Self {
            limits: Arc::new(Limits::new(settings)),
            connections: Arc::new(Connections::new(settings.ws_send_queue, caps)),
            streams: Arc::new(Streams::new(
                pool.clone(),
                presence.instance_id,
                STREAM_QUEUE,
                settings.sse_streams_per_user,
            )),
            presence,
            settings: SocketSettings {
                ping_every: Duration::from_secs(settings.ws_ping_seconds.max(1)),
                idle_timeout: Duration::from_secs(settings.ws_idle_timeout_seconds.max(2)),
                write_timeout: Duration::from_secs(settings.ws_write_timeout_seconds.max(1)),
            },
            lifetime: SessionLifetime::from_settings(settings),
            pool,
            shutdown: watch::channel(false).0,
        })
    }

    /// False once shutdown began: no new socket or stream is accepted.
    pub fn accepting(&self) -> bool {
        !*self.shutdown.borrow()
    }

    /// Changes when shutdown begins.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Starts listening to every instance's events (with the features' subscribers),
    /// the presence heartbeat and the sweep of ended sessions.
    pub async fn start(self: &Arc<Self>, bus: Bus) -> Result<(), sqlx::Error> {
        bus.on(SESSIONS_TOPIC, self.clone())
            .listen(&self.pool)
            .await?;
        let beating = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(HEARTBEAT);
            loop {
                every.tick().await;
                let users = beating.connections.users();
                let beat = match beating.presence.heartbeat(&users).await {
                    Ok(()) => beating.streams.heartbeat().await,
                    failed => failed,
                };
                match beat {
                    Err(sqlx::Error::PoolClosed) => break,
                    Err(err) => tracing::warn!(%err, "presence heartbeat failed"),
                    Ok(()) => {}
                }
            }
        });
        let sweeping = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(sweeping.settings.ping_every);
            let mut failed = FailedChecks::default();
            loop {
                every.tick().await;
                if sweeping.pool.is_closed() {
                    break;
                }
                sweeping.limits.forget_idle();
                sweeping.check_sessions(&mut failed).await;
            }
        });
        Ok(())
    }

    /// The periodic check of the sessions behind this instance's sockets and streams:
    /// those that expired, passed their absolute lifetime or were deleted (logout, new
    /// login, admin change) are closed with 1008; the others count as active and their
    /// expiry is pushed back when due. When the check fails twice in a row, every
    /// socket and stream is closed (fail closed, see [`CloseReason::SessionUnchecked`]).
    async fn check_sessions(&self, failed: &mut FailedChecks) {
        let mut sessions = self.connections.sessions();
        sessions.extend(self.streams.sessions());
        sessions.sort_unstable();
        sessions.dedup();
        if sessions.is_empty() {
            failed.record(true);
            return;
        }
        match sessions::alive_and_extended(&self.pool, &sessions, &self.lifetime).await {
            Ok(alive) => {
                failed.record(true);
                let ended: HashSet<String> = sessions
                    .into_iter()
                    .filter(|s| !alive.contains(s))
                    .collect();
                if !ended.is_empty() {
                    self.end_sessions(&ended, CloseReason::SessionEnded);
                }
            }
            Err(err) => {
                let close = failed.record(false);
                tracing::warn!(%err, closing = close, "cannot check the sessions of open sockets and streams");
                if close {
                    self.end_sessions(
                        &sessions.into_iter().collect(),
                        CloseReason::SessionUnchecked,
                    );
                }
            }
        }
    }

    fn end_sessions(&self, sessions: &HashSet<String>, why: CloseReason) {
        self.connections.kick_sessions(sessions, why);
        self.streams.end_sessions(sessions);
    }

    /// Graceful stop: refuses new sockets and streams, lets every socket answer what
    /// it has in flight and close with 1001, ends every stream, and removes this
    /// instance's presence. Returns when every socket is gone or after `within`.
    pub async fn shut_down(&self, within: Duration) {
        self.shutdown.send_replace(true);
        self.streams.end_all();
        if tokio::time::timeout(within, self.connections.all_gone())
            .await
            .is_err()
        {
            tracing::warn!(
                sockets = self.connections.len(),
                "sockets still open at the shutdown deadline"
            );
        }
        if let Err(err) = self.presence.remove_instance().await {
            tracing::warn!(%err, "cannot remove this instance's presence");
        }
        if let Err(err) = self.streams.remove_instance().await {
            tracing::warn!(%err, "cannot remove this instance's streams");
        }
    }
}

impl Subscriber for Realtime {
    fn on_event(self: Arc<Self>, event: &serde_json::Value) -> Option<Work> {
        match <SessionEvent as serde::Deserialize>::deserialize(event) {
            Ok(SessionEvent::Ended { session_id }) => {
                self.end_sessions(&HashSet::from([session_id]), CloseReason::SessionEnded)
            }
            Err(err) => tracing::warn!(%err, "unreadable session event"),
        }
        None
    }
}
