//! Server side of the chat: storage, the group-commit writer, its events on the bus and
//! its frames on the socket.

pub mod delivery;
pub mod events;
pub mod socket;
pub mod store;
pub mod writer;

use governor::DefaultKeyedRateLimiter;
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;
use writer::PostWriter;

/// The chat service of this instance.
pub struct Chat {
    pub pool: PgPool,
    /// Stores posts in batches, each acknowledged after its commit.
    pub writer: PostWriter,
    /// Posts per user, across all of that user's sockets (`Realtime::actions`).
    pub post_limiter: Arc<DefaultKeyedRateLimiter<Uuid>>,
}

impl Chat {
    pub fn new(
        pool: PgPool,
        settings: &crate::config::Settings,
        post_limiter: Arc<DefaultKeyedRateLimiter<Uuid>>,
    ) -> Arc<Self> {
        Arc::new(Self {
            writer: PostWriter::start(pool.clone(), settings.chat_post_queue),
            pool,
            post_limiter,
        })
    }
}
