//! How long a logged-in session lives, and the periodic check of the sessions behind
//! this instance's sockets and streams.
//!
//! A session ends after `idle` without activity, and `max` after its login whatever the
//! activity. Activity pushes its expiry back, but at most once per `refresh_every`
//! (a fraction of `idle`, at most a few minutes), so that neither requests nor the check
//! of open connections write the database each time. The session's row in
//! `tower_sessions.session` (its `expiry_date`) is the single truth; its login time is
//! in `user_sessions`, deleted with it.

use crate::config::Settings;
use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgPool;
use std::collections::HashSet;

/// The longest a session goes without its expiry being pushed back while it is used.
const LONGEST_REFRESH: TimeDelta = TimeDelta::minutes(5);

/// Consecutive failed checks after which every socket and stream of the instance is
/// closed: a session that cannot be checked is not trusted (fail closed), but one
/// database blip does not throw out every connected user.
pub const FAILED_CHECKS_BEFORE_CLOSING: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLifetime {
    /// Inactivity after which a session ends.
    pub idle: TimeDelta,
    /// Age, from the login, after which a session ends whatever the activity.
    pub max: TimeDelta,
}

/// What to do with a session on activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCheck {
    /// Expired, or older than the absolute lifetime: the user must log in again.
    Over,
    /// Alive, and its expiry is recent enough: nothing to write.
    Keep,
    /// Alive: push its expiry back to `until`.
    Extend { until: DateTime<Utc> },
}

impl SessionLifetime {
    pub fn new(idle: TimeDelta, max: TimeDelta) -> Self {
        Self { idle, max }
    }

    pub fn from_settings(settings: &Settings) -> Self {
        Self::new(
            TimeDelta::minutes(settings.session_idle_minutes),
            TimeDelta::hours(settings.session_max_hours),
        )
    }

    /// How often, at most, activity pushes a session's expiry back: a quarter of the
    /// idle time, at most five minutes. A session thus ends between `idle - refresh_every`
    /// and `idle` after the last activity.
    pub fn refresh_every(&self) -> TimeDelta {
        (self.idle / 4).min(LONGEST_REFRESH)
    }

    /// The moment the session ends whatever the activity.
    pub fn deadline(&self, logged_in_at: DateTime<Utc>) -> DateTime<Utc> {
        logged_in_at + self.max
    }

    /// What activity at `now` does to a session logged in at `logged_in_at` whose row
    /// expires at `expires_at`.
    pub fn check(
        &self,
        logged_in_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> SessionCheck {
        let deadline = self.deadline(logged_in_at);
        if now >= expires_at || now >= deadline {
            return SessionCheck::Over;
        }
        let until = (now + self.idle).min(deadline);
        if expires_at < now + self.idle - self.refresh_every() && until > expires_at {
            SessionCheck::Extend { until }
        } else {
            SessionCheck::Keep
        }
    }
}

/// Of `sessions`, those still alive (row not expired, login within the absolute
/// lifetime); in the same statement, pushes back the expiry of those whose expiry is
/// due for it, by the rule of [`SessionLifetime::check`]. One round trip for every
/// open connection of the instance, a write only for the sessions due.
pub async fn alive_and_extended(
    pool: &PgPool,
    sessions: &[String],
    lifetime: &SessionLifetime,
) -> Result<HashSet<String>, sqlx::Error> {
    let alive: Vec<String> = sqlx::query_scalar(
        "with alive as (
             select s.id, s.expiry_date,
                    least(now() + $2, l.logged_in_at + $3) as until
               from tower_sessions.session s
               join user_sessions l on l.session_id = s.id
              where s.id = any($1)
                and s.expiry_date > now()
                and l.logged_in_at + $3 > now()
         ), extended as (
             update tower_sessions.session s
                set expiry_date = alive.until
               from alive
              where s.id = alive.id
                and alive.expiry_date < now() + $2 - $4
                and alive.until > alive.expiry_date
         )
         select id from alive",
    )
    .bind(sessions)
    .bind(lifetime.idle)
    .bind(lifetime.max)
    .bind(lifetime.refresh_every())
    .fetch_all(pool)
    .await?;
    Ok(alive.into_iter().collect())
}

/// Counts consecutive failed checks: closing everything is due when they reach
/// [`FAILED_CHECKS_BEFORE_CLOSING`].
#[derive(Debug, Default)]
pub struct FailedChecks(u32);

impl FailedChecks {
    /// Records a check; returns whether the connections must now be closed.
    pub fn record(&mut self, succeeded: bool) -> bool {
        if succeeded {
            self.0 = 0;
            return false;
        }
        self.0 = self.0.saturating_add(1);
        self.0 >= FAILED_CHECKS_BEFORE_CLOSING
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap() + TimeDelta::minutes(minutes)
    }

    #[test]
    fn activity_refreshes_at_most_every_quarter_of_the_idle_time_or_five_minutes() {
        let two_hours = SessionLifetime::new(TimeDelta::minutes(120), TimeDelta::hours(12));
        assert_eq!(two_hours.refresh_every(), TimeDelta::minutes(5));
        let one_minute = SessionLifetime::new(TimeDelta::minutes(1), TimeDelta::hours(12));
        assert_eq!(one_minute.refresh_every(), TimeDelta::seconds(15));

        // Logged in at 0, expiring at 120: no write for the first five minutes…
        assert_eq!(two_hours.check(at(0), at(120), at(4)), SessionCheck::Keep);
        // …then the expiry moves to two hours after the activity.
        assert_eq!(
            two_hours.check(at(0), at(120), at(6)),
            SessionCheck::Extend { until: at(126) }
        );
        // Every 15 s with one minute of idle time: the session never lapses.
        let mut expires = at(1);
        let mut now = at(0);
        for _ in 0..40 {
            now += TimeDelta::seconds(15);
            match one_minute.check(at(0), expires, now) {
                SessionCheck::Extend { until } => expires = until,
                SessionCheck::Keep => {}
                SessionCheck::Over => panic!("logged out at {now}"),
            }
        }
        assert!(expires > now + TimeDelta::seconds(44));
    }

    #[test]
    fn the_absolute_lifetime_ends_a_session_whatever_the_activity() {
        let lifetime = SessionLifetime::new(TimeDelta::minutes(120), TimeDelta::hours(12));
        let twelve_hours = 12 * 60;
        // Near the end, the expiry is capped at the deadline, then never written again.
        assert_eq!(
            lifetime.check(at(0), at(twelve_hours - 45), at(twelve_hours - 50)),
            SessionCheck::Extend {
                until: at(twelve_hours)
            }
        );
        assert_eq!(
            lifetime.check(at(0), at(twelve_hours), at(twelve_hours - 1)),
            SessionCheck::Keep
        );
        assert_eq!(
            lifetime.check(at(0), at(twelve_hours + 60), at(twelve_hours)),
            SessionCheck::Over
        );
        // An expired row is over too, however recent the login.
        assert_eq!(lifetime.check(at(0), at(30), at(30)), SessionCheck::Over);
    }

    #[test]
    fn connections_close_after_two_failed_checks_in_a_row_only() {
        let mut checks = FailedChecks::default();
        assert!(!checks.record(false), "one blip is tolerated");
        assert!(!checks.record(true));
        assert!(!checks.record(false));
        assert!(checks.record(false), "the second failure in a row closes");
        assert!(checks.record(false));
        assert!(!checks.record(true));
    }
}
