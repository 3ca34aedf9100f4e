//! Server side of the chat: storage, the group-commit writer, its events on the bus and
//! its frames on the socket.

pub mod delivery;
pub mod events;
pub mod socket;
pub mod store;
pub mod writer;

use crate::realtime::limits::Limits;
use sqlx::PgPool;
use std::sync::Arc;
use writer::PostWriter;

/// The chat service of this instance.
pub struct Chat {
    pub pool: PgPool,
    /// Stores posts in batches, each acknowledged after its commit.
    pub writer: PostWriter,
    /// What each user may ask, across all of their sockets (`Realtime::limits`).
    pub limits: Arc<Limits>,
}

impl Chat {
    pub fn new(pool: PgPool, settings: &crate::config::Settings, limits: Arc<Limits>) -> Arc<Self> {
        Arc::new(Self {
            writer: PostWriter::start(pool.clone(), settings.chat_post_queue),
            pool,
            limits,
        })
    }
}
