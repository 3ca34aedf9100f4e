//! Server side of the chat: storage, fan-out between instances, and the WebSocket.

pub mod hub;
pub mod store;
pub mod ws;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hub::Hub;
use sqlx::PgPool;
use std::{num::NonZeroU32, sync::Arc, time::Duration};
use uuid::Uuid;

/// The chat service of this instance.
pub struct Chat {
    pub hub: Arc<Hub>,
    /// Posts per user, across all of that user's sockets.
    pub post_limiter: DefaultKeyedRateLimiter<Uuid>,
    pub ping_every: Duration,
    pub idle_timeout: Duration,
}

impl Chat {
    pub fn new(pool: PgPool, settings: &crate::config::Settings) -> Self {
        let posts = NonZeroU32::new(settings.chat_posts_per_10_seconds).unwrap_or(NonZeroU32::MIN);
        Self {
            hub: Hub::new(
                pool,
                settings.ws_send_queue.max(1),
                Duration::from_secs(settings.advisor_grace_seconds.max(1)),
            ),
            post_limiter: RateLimiter::keyed(
                Quota::with_period(Duration::from_secs(10) / posts.get())
                    .expect("non-zero period")
                    .allow_burst(posts),
            ),
            ping_every: Duration::from_secs(settings.ws_ping_seconds.max(1)),
            idle_timeout: Duration::from_secs(settings.ws_idle_timeout_seconds.max(2)),
        }
    }
}
