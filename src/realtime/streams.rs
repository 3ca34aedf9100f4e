//! This instance's open Server-Sent Event streams. An item is encoded once and shared by
//! every stream that sends it; a stream that falls behind is ended (its browser
//! reconnects and catches up from its last event id), and streams end with their
//! session and at shutdown.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, RwLock,
    },
};
use tokio::sync::mpsc;
use uuid::Uuid;

/// An event with its id, encoded once per instance.
#[derive(Debug)]
pub struct StreamItem {
    pub id: i64,
    pub json: Arc<str>,
}

struct Stream {
    user_id: Uuid,
    session_id: String,
    tx: mpsc::Sender<Arc<StreamItem>>,
}

pub struct Streams {
    next_id: AtomicU64,
    streams: RwLock<HashMap<u64, Stream>>,
    /// Items a stream may have waiting.
    queue: usize,
    /// Streams one user may hold at once (tabs and devices).
    per_user: usize,
}

/// An open stream; unregisters itself when the response body is dropped.
pub struct StreamRegistration {
    id: u64,
    streams: Arc<Streams>,
}

impl Drop for StreamRegistration {
    fn drop(&mut self) {
        if self.streams.write().remove(&self.id).is_some() {
            metrics::gauge!("paddock_sse_streams").decrement(1.0);
        }
    }
}

impl Streams {
    pub fn new(queue: usize, per_user: usize) -> Self {
        Self {
            next_id: AtomicU64::new(1),
            streams: RwLock::default(),
            queue: queue.max(1),
            per_user,
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

    /// Opens a stream, unless the user already holds too many.
    pub fn register(
        self: &Arc<Self>,
        user_id: Uuid,
        session_id: String,
    ) -> Option<(StreamRegistration, mpsc::Receiver<Arc<StreamItem>>)> {
        let mut streams = self.write();
        if streams.values().filter(|s| s.user_id == user_id).count() >= self.per_user {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(self.queue);
        streams.insert(
            id,
            Stream {
                user_id,
                session_id,
                tx,
            },
        );
        metrics::gauge!("paddock_sse_streams").increment(1.0);
        let registration = StreamRegistration {
            id,
            streams: self.clone(),
        };
        Some((registration, rx))
    }

    /// Queues `item` on every stream; returns the users it reached. Dropping a stream's
    /// sender ends it: that is how a stream too far behind is closed.
    pub fn deliver(&self, item: &Arc<StreamItem>) -> Vec<Uuid> {
        let mut reached = Vec::new();
        let mut too_slow = Vec::new();
        for (id, stream) in self.read().iter() {
            match stream.tx.try_send(item.clone()) {
                Ok(()) => reached.push(stream.user_id),
                Err(mpsc::error::TrySendError::Full(_)) => too_slow.push(*id),
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        if !too_slow.is_empty() {
            self.end_where(|id, _| too_slow.contains(&id));
        }
        reached.sort_unstable();
        reached.dedup();
        reached
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
