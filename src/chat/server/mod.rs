//! Server side of the chat: storage, the group-commit writer, its events on the bus and
//! its frames on the socket.

pub mod delivery;
pub mod events;
pub mod socket;
pub mod store;
pub mod writer;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sqlx::PgPool;
use std::{num::NonZeroU32, sync::Arc, time::Duration};
use uuid::Uuid;
use writer::PostWriter;

/// The chat service of this instance.
pub struct Chat {
    pub pool: PgPool,
    /// Stores posts in batches, each acknowledged after its commit.
    pub writer: PostWriter,
    /// Posts per user, across all of that user's sockets.
    pub post_limiter: DefaultKeyedRateLimiter<Uuid>,
}

impl Chat {
    pub fn new(pool: PgPool, settings: &crate::config::Settings) -> Arc<Self> {
        let posts = NonZeroU32::new(settings.chat_posts_per_10_seconds).unwrap_or(NonZeroU32::MIN);
        Arc::new(Self {
            writer: PostWriter::start(pool.clone(), settings.chat_post_queue),
            pool,
            post_limiter: RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(10) / posts.get())
                    .expect("non-zero period")
                    .allow_burst(posts),
            ),
        })
    }
}
