//! What one user may ask of the server on their sockets: every frame spends from one of
//! three budgets, shared by all of that user's sockets on this instance, and typing
//! announcements are coalesced. A frame past its budget is answered `rate_limited` with
//! the seconds to wait, and does nothing else (no database work).

use crate::{
    config::Settings,
    error::{AppError, ErrorCode},
};
use governor::{
    clock::{Clock, DefaultClock},
    DefaultKeyedRateLimiter, Quota, RateLimiter,
};
use std::{
    collections::HashMap,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};
use uuid::Uuid;

/// At most one typing announcement per user and channel goes out in this window.
pub const TYPING_WINDOW: Duration = Duration::from_secs(3);

/// The budget a frame spends from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Chat posts and advisor requests (`chat_posts_per_10_seconds`).
    Posts,
    /// Other changes: join, leave, opening a conversation, advisor decisions and
    /// availability, ending a conversation (`ws_actions_per_10_seconds`).
    Actions,
    /// Reads and subscriptions, read markers, typing announcements that go out, and
    /// frames that cannot be read (`ws_reads_per_10_seconds`).
    Reads,
}

pub struct Limits {
    posts: DefaultKeyedRateLimiter<Uuid>,
    actions: DefaultKeyedRateLimiter<Uuid>,
    reads: DefaultKeyedRateLimiter<Uuid>,
    /// When each (user, channel) last announced typing.
    typing: Mutex<HashMap<(Uuid, Uuid), Instant>>,
}

/// `per_10_seconds` frames, all at once or spread over ten seconds.
fn per_10_seconds(per_10_seconds: u32) -> DefaultKeyedRateLimiter<Uuid> {
    let n = NonZeroU32::new(per_10_seconds).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(
        Quota::with_period(Duration::from_secs(10) / n.get())
            .expect("non-zero period")
            .allow_burst(n),
    )
}

impl Limits {
    pub fn new(settings: &Settings) -> Self {
        Self {
            posts: per_10_seconds(settings.chat_posts_per_10_seconds),
            actions: per_10_seconds(settings.ws_actions_per_10_seconds),
            reads: per_10_seconds(settings.ws_reads_per_10_seconds),
            typing: Mutex::default(),
        }
    }

    /// Spends one frame of `user`'s `budget`, or says how long to wait.
    pub fn spend(&self, user: Uuid, budget: Budget) -> Result<(), AppError> {
        let limiter = match budget {
            Budget::Posts => &self.posts,
            Budget::Actions => &self.actions,
            Budget::Reads => &self.reads,
        };
        limiter.check_key(&user).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            rate_limited(budget, wait)
        })
    }

    /// Whether a typing announcement of `user` in `channel` goes out now: at most one
    /// per [`TYPING_WINDOW`]; the others are dropped.
    pub fn typing_goes_out(&self, user: Uuid, channel: Uuid) -> bool {
        let now = Instant::now();
        let mut typing = self.typing.lock().unwrap_or_else(|e| e.into_inner());
        match typing.get(&(user, channel)) {
            Some(last) if now.duration_since(*last) < TYPING_WINDOW => false,
            _ => {
                typing.insert((user, channel), now);
                true
            }
        }
    }

    /// Forgets users whose budgets are full again and typing windows that are over, so
    /// that memory follows the active users (called periodically).
    pub fn forget_idle(&self) {
        for limiter in [&self.posts, &self.actions, &self.reads] {
            limiter.retain_recent();
        }
        let now = Instant::now();
        self.typing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, last| now.duration_since(*last) < TYPING_WINDOW);
    }
}

/// The refusal of a frame past its budget, with the whole seconds to wait (at least 1).
pub fn rate_limited(budget: Budget, wait: Duration) -> AppError {
    let secs = AppError::retry_secs(wait).max(1);
    let plural = if secs > 1 { "s" } else { "" };
    let what = match budget {
        Budget::Posts => "Vous envoyez des messages trop vite",
        Budget::Actions => "Trop d’actions à la suite",
        Budget::Reads => "Trop de demandes à la suite",
    };
    AppError {
        retry_after_secs: Some(secs),
        ..AppError::new(
            ErrorCode::RateLimited,
            format!("{what} : patientez {secs} seconde{plural}."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(posts: u32, actions: u32, reads: u32) -> Settings {
        Settings {
            chat_posts_per_10_seconds: posts,
            ws_actions_per_10_seconds: actions,
            ws_reads_per_10_seconds: reads,
            ..Settings::default()
        }
    }

    #[test]
    fn each_budget_is_per_user_and_independent_of_the_others() {
        let limits = Limits::new(&settings(2, 1, 3));
        let (julie, thomas) = (Uuid::new_v4(), Uuid::new_v4());
        for _ in 0..3 {
            limits.spend(julie, Budget::Reads).unwrap();
        }
        let refused = limits.spend(julie, Budget::Reads).unwrap_err();
        assert_eq!(refused.code, ErrorCode::RateLimited);
        assert!(refused.retry_after_secs.is_some_and(|s| s >= 1));
        assert!(
            refused.message.starts_with("Trop de demandes"),
            "{}",
            refused.message
        );
        // Julie's other budgets, and Thomas's reads, are untouched.
        limits.spend(julie, Budget::Posts).unwrap();
        limits.spend(julie, Budget::Actions).unwrap();
        assert!(limits.spend(julie, Budget::Actions).is_err());
        limits.spend(thomas, Budget::Reads).unwrap();
    }

    #[test]
    fn the_wait_is_rounded_up_to_whole_seconds_and_never_zero() {
        assert_eq!(
            rate_limited(Budget::Posts, Duration::from_millis(10)).retry_after_secs,
            Some(1)
        );
        let error = rate_limited(Budget::Actions, Duration::from_millis(2_100));
        assert_eq!(error.retry_after_secs, Some(3));
        assert!(error.message.ends_with("3 secondes."), "{}", error.message);
    }

    #[test]
    fn typing_goes_out_once_per_window_per_user_and_channel() {
        let limits = Limits::new(&Settings::default());
        let (julie, thomas, room, other) = (
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
        );
        assert!(limits.typing_goes_out(julie, room));
        assert!(!limits.typing_goes_out(julie, room));
        assert!(limits.typing_goes_out(julie, other));
        assert!(limits.typing_goes_out(thomas, room));
        limits.forget_idle();
        assert!(!limits.typing_goes_out(julie, room), "still in its window");
    }
}
