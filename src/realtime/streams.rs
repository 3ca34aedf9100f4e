//! This instance's open Server-Sent Event streams. An item is encoded once and shared by
//! every stream that sends it; a stream that falls behind is ended (its browser
//! reconnects and catches up from its last event id), and streams end with their
//! session and at shutdown. Each stream also has a row in the shared `sse_streams`
//! table, so that a customer's streams are capped across every instance.

use super::presence::FRESH_SQL;
use sqlx::PgPool;
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, RwLock,
    },
};
use tokio::sync::mpsc;
use uuid::Uuid;

/// An event, encoded once per instance. With an id, it is replayed to a stream that
/// reconnects after missing it; without, it is a live hint sent only to the streams
/// open at the time.
#[derive(Debug)]
pub struct StreamItem {
    pub id: Option<i64>,
    /// The SSE event name.
    pub event: &'static str,
    pub json: Arc<str>,
}

struct Stream {
    /// Its row in `sse_streams`.
    row: Uuid,
    user_id: Uuid,
    session_id: String,
    tx: mpsc::Sender<Arc<StreamItem>>,
}

pub struct Streams {
    next_id: AtomicU64,
    streams: RwLock<HashMap<u64, Stream>>,
    /// Items a stream may have waiting.
    queue: usize,
    /// Streams one user may hold at once (tabs and devices), on all instances.
    per_user: usize,
    pool: PgPool,
    /// This instance, in the shared table.
    instance_id: Uuid,
}

/// Why a stream is not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamRefused {
    /// The user already holds the most streams allowed, on all instances together.
    TooMany,
    /// The database could not be asked.
    Unavailable,
}

/// An open stream; unregisters itself when the response body is dropped.
pub struct StreamRegistration {
    id: u64,
    row: Uuid,
    streams: Arc<Streams>,
}

impl Drop for StreamRegistration {
    fn drop(&mut self) {
        if self.streams.write().remove(&self.id).is_some() {
            metrics::gauge!("paddock_sse_streams").decrement(1.0);
        }
        // In the background: a missed delete stops counting once the row is no longer
        // refreshed by the heartbeat.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (pool, row) = (self.streams.pool.clone(), self.row);
            runtime.spawn(async move {
                let _ = sqlx::query("delete from sse_streams where id = $1")
                    .bind(row)
                    .execute(&pool)
                    .await;
            });
        }
    }
}

impl Streams {
    pub fn new(pool: PgPool, instance_id: Uuid, queue: usize, per_user: usize) -> Self {
        Self {
            next_id: AtomicU64::new(1),
            streams: RwLock::default(),
            queue: queue.max(1),
            per_user,
            pool,
            instance_id,
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<u64, Stream>> {
        self.streams.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<u64, Stream>> {
        self.streams.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Opens a stream, unless the user already holds `per_user` streams on all
    /// instances together.
    pub async fn open(
        self: &Arc<Self>,
        user_id: Uuid,
        session_id: String,
    ) -> Result<(StreamRegistration, mpsc::Receiver<Arc<StreamItem>>), StreamRefused> {
        let row = match self.claim(user_id).await {
            Ok(Some(row)) => row,
            Ok(None) => return Err(StreamRefused::TooMany),
            Err(err) => {
                tracing::warn!(%err, "cannot count the user's streams");
                return Err(StreamRefused::Unavailable);
            }
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(self.queue);
        self.write().insert(
            id,
            Stream {
                row,
                user_id,
                session_id,
                tx,
            },
        );
        metrics::gauge!("paddock_sse_streams").increment(1.0);
        let registration = StreamRegistration {
            id,
            row,
            streams: self.clone(),
        };
        Ok((registration, rx))
    }

    /// Records a stream of `user` in the shared table, unless they already hold
    /// `per_user` there. A lock per user makes two instances count one after the other.
    async fn claim(&self, user: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("select pg_advisory_xact_lock(hashtext('sse_streams'), hashtext($1::text))")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        let held: i64 = sqlx::query_scalar(&format!(
            "select count(*) from sse_streams where user_id = $1 and seen_at > now() - {FRESH_SQL}"
        ))
        .bind(user)
        .fetch_one(&mut *tx)
        .await?;
        if held >= i64::try_from(self.per_user).unwrap_or(i64::MAX) {
            return Ok(None);
        }
        let row = Uuid::new_v4();
        sqlx::query("insert into sse_streams (id, instance_id, user_id) values ($1, $2, $3)")
            .bind(row)
            .bind(self.instance_id)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// Refreshes the rows of this instance's streams, and removes every row that was
    /// not refreshed in time (streams of a stopped instance, missed deletes).
    pub async fn heartbeat(&self) -> Result<(), sqlx::Error> {
        let rows: Vec<Uuid> = self.read().values().map(|s| s.row).collect();
        sqlx::query("update sse_streams set seen_at = now() where id = any($1)")
            .bind(&rows)
            .execute(&self.pool)
            .await?;
        sqlx::query(&format!(
            "delete from sse_streams where seen_at <= now() - {FRESH_SQL}"
        ))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes every row of this instance (at shutdown).
    pub async fn remove_instance(&self) -> Result<(), sqlx::Error> {
        sqlx::query("delete from sse_streams where instance_id = $1")
            .bind(self.instance_id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Queues `item` on every stream; returns the users it reached. Dropping a stream's
    /// sender ends it: that is how a stream too far behind is closed.
    pub fn deliver(&self, item: &Arc<StreamItem>) -> Vec<Uuid> {
        let mut reached = self.deliver_where(item, |_| true);
        reached.sort_unstable();
        reached.dedup();
        reached
    }

    /// Queues `item` on the streams `to` picks; returns the users of those that took it.
    fn deliver_where(&self, item: &Arc<StreamItem>, to: impl Fn(&Stream) -> bool) -> Vec<Uuid> {
        let mut reached = Vec::new();
        let mut too_slow = Vec::new();
        for (id, stream) in self.read().iter().filter(|(_, s)| to(s)) {
            match stream.tx.try_send(item.clone()) {
                Ok(()) => reached.push(stream.user_id),
                Err(mpsc::error::TrySendError::Full(_)) => too_slow.push(*id),
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        if !too_slow.is_empty() {
            // Closed, and counted: the alert on SSE delivery failures reads this.
            metrics::counter!("paddock_sse_delivery_failures_total", "reason" => "slow_reader")
                .increment(too_slow.len() as u64);
            self.end_where(|id, _| too_slow.contains(&id));
        }
        reached
    }

    /// Queues `item` on the streams of `user` on this instance; returns whether any
    /// took it. A stream too far behind is ended, as by [`Streams::deliver`].
    pub fn deliver_to(&self, user: Uuid, item: &Arc<StreamItem>) -> bool {
        !self.deliver_where(item, |s| s.user_id == user).is_empty()
    }

    /// Whether `user` has a stream open on this instance.
    pub fn has_user(&self, user: Uuid) -> bool {
        self.read().values().any(|s| s.user_id == user)
    }

    /// Ends the streams of the given sessions.
    pub fn end_sessions(&self, sessions: &std::collections::HashSet<String>) {
        self.end_where(|_, stream| sessions.contains(&stream.session_id));
    }

    /// Ends every stream (shutdown): each response body finishes cleanly.
    pub fn end_all(&self) {
        self.end_where(|_, _| true);
    }

    fn end_where(&self, mut ends: impl FnMut(u64, &Stream) -> bool) {
        let mut streams = self.write();
        let before = streams.len();
        streams.retain(|id, stream| !ends(*id, stream));
        let ended = before - streams.len();
        metrics::gauge!("paddock_sse_streams").decrement(ended as f64);
    }

    /// The sessions behind this instance's streams.
    pub fn sessions(&self) -> Vec<String> {
        let mut sessions: Vec<String> =
            self.read().values().map(|s| s.session_id.clone()).collect();
        sessions.sort_unstable();
        sessions.dedup();
        sessions
    }
}
