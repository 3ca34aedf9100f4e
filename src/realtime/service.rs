//! The layer's service: start, the sweep of ended sessions, the end of a session, and
//! the graceful stop.

use super::{
    bus::{self, Bus, Subscriber, Work},
    close::CloseReason,
    connections::Connections,
    presence::{Presence, HEARTBEAT},
    socket::SocketSettings,
    streams::Streams,
};
use crate::{config::Settings, error::AppError};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use std::{collections::HashSet, num::NonZeroU32, sync::Arc, time::Duration};
use tokio::sync::watch;
use uuid::Uuid;

/// The bus topic of the layer's own events.
const SESSIONS_TOPIC: &str = "sessions";
/// Items an event stream may have waiting.
const STREAM_QUEUE: usize = 32;
/// Event streams one user may hold at once on an instance.
const STREAMS_PER_USER: usize = 10;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SessionEvent {
    /// Logged out: the session's sockets close with 1008, its streams end.
    Ended { session_id: String },
}

/// Announces that a session ended (logout), in the transaction of `conn`.
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
    /// What a user may do on their sockets per 10 seconds, across all of them and every
    /// feature: chat posts and advisor requests share this budget.
    pub actions: Arc<DefaultKeyedRateLimiter<Uuid>>,
    pool: PgPool,
    shutdown: watch::Sender<bool>,
}

impl Realtime {
    pub fn new(pool: PgPool, settings: &Settings) -> Arc<Self> {
        let actions =
            NonZeroU32::new(settings.chat_posts_per_10_seconds).unwrap_or(NonZeroU32::MIN);
        Arc::new(Self {
            actions: Arc::new(RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(10) / actions.get())
                    .expect("non-zero period")
                    .allow_burst(actions),
            )),
            connections: Arc::new(Connections::new(settings.ws_send_queue)),
            streams: Arc::new(Streams::new(STREAM_QUEUE, STREAMS_PER_USER)),
            presence: Presence::new(pool.clone()),
            settings: SocketSettings {
                ping_every: Duration::from_secs(settings.ws_ping_seconds.max(1)),
                idle_timeout: Duration::from_secs(settings.ws_idle_timeout_seconds.max(2)),
                write_timeout: Duration::from_secs(settings.ws_write_timeout_seconds.max(1)),
            },
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
                match beating.presence.heartbeat(&users).await {
                    Err(sqlx::Error::PoolClosed) => break,
                    Err(err) => tracing::warn!(%err, "presence heartbeat failed"),
                    Ok(()) => {}
                }
            }
        });
        let sweeping = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(sweeping.settings.ping_every);
            loop {
                every.tick().await;
                if sweeping.pool.is_closed() {
                    break;
                }
                sweeping.end_expired_sessions().await;
            }
        });
        Ok(())
    }

    /// Closes the sockets and streams of sessions that expired or were deleted.
    async fn end_expired_sessions(&self) {
        let mut sessions = self.connections.sessions();
        sessions.extend(self.streams.sessions());
        if sessions.is_empty() {
            return;
        }
        let alive: Result<Vec<String>, _> = sqlx::query_scalar(
            "select id from tower_sessions.session where id = any($1) and expiry_date > now()",
        )
        .bind(&sessions)
        .fetch_all(&self.pool)
        .await;
        match alive {
            Ok(alive) => {
                let alive: HashSet<String> = alive.into_iter().collect();
                let ended: HashSet<String> = sessions
                    .into_iter()
                    .filter(|s| !alive.contains(s))
                    .collect();
                if !ended.is_empty() {
                    self.end_sessions(&ended);
                }
            }
            Err(err) => tracing::warn!(%err, "cannot check the sessions of open sockets"),
        }
    }

    fn end_sessions(&self, sessions: &HashSet<String>) {
        self.connections
            .kick_sessions(sessions, CloseReason::SessionEnded);
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
    }
}

impl Subscriber for Realtime {
    fn on_event(self: Arc<Self>, event: serde_json::Value) -> Option<Work> {
        match serde_json::from_value::<SessionEvent>(event) {
            Ok(SessionEvent::Ended { session_id }) => {
                self.end_sessions(&HashSet::from([session_id]))
            }
            Err(err) => tracing::warn!(%err, "unreadable session event"),
        }
        None
    }
}
