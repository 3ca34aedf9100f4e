//! Login throttling that slows a guesser down without locking anyone out.
//!
//! Failures are counted per (account, address) and per address. Past a few free
//! failures, each new one makes that key wait twice as long as the last (2 s, 4 s, 8 s…
//! up to 15 minutes). A success from an address clears its (account, address) count, and
//! nothing is counted per account alone: eleven wrong passwords sent from one address
//! never stop the account's owner logging in from theirs.

use crate::error::AppError;
use governor::{
    clock::{Clock, DefaultClock},
    DefaultKeyedRateLimiter, Quota, RateLimiter,
};
use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

/// The first wait once the free failures are used up.
const FIRST_DELAY: Duration = Duration::from_secs(2);
/// The longest wait, however many failures.
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// A key without a failure for this long starts afresh.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Keys tracked at most: past it the stalest are forgotten, so memory stays bounded
/// whatever the number of addresses an attacker uses.
const MAX_TRACKED: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, IpAddr),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    blocked_until: Instant,
    last: Instant,
}

/// The wait after the `count`-th failure when `free` failures cost nothing.
pub fn delay_after(count: u32, free: u32) -> Duration {
    if count <= free {
        return Duration::ZERO;
    }
    let doublings = (count - free - 1).min(20);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

pub struct LoginThrottle {
    /// Attempts (login and registration) per address per minute, failed or not.
    per_address_rate: DefaultKeyedRateLimiter<IpAddr>,
    failures: Mutex<HashMap<Key, Failures>>,
    free_per_account_and_address: u32,
    free_per_address: u32,
}

impl LoginThrottle {
    pub fn new(
        attempts_per_address_per_minute: u32,
        free_failures_per_account_and_address: u32,
        free_failures_per_address: u32,
    ) -> Self {
        let rate = NonZeroU32::new(attempts_per_address_per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            per_address_rate: RateLimiter::keyed(Quota::per_minute(rate)),
            failures: Mutex::default(),
            free_per_account_and_address: free_failures_per_account_and_address,
            free_per_address: free_failures_per_address,
        }
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one attempt (login or registration) from `ip`.
    pub fn check_rate(&self, ip: IpAddr) -> Result<(), AppError> {
        self.per_address_rate.check_key(&ip).map_err(|not_until| {
            AppError::rate_limited_for(not_until.wait_time_from(DefaultClock::default().now()))
        })
    }

    /// Refuses a login on `email` from `ip` while either key must still wait.
    pub fn check_login(&self, email: &str, ip: IpAddr, now: Instant) -> Result<(), AppError> {
        let failures = self.failures();
        let wait = [Key::Pair(email.to_owned(), ip), Key::Address(ip)]
            .iter()
            .filter_map(|key| failures.get(key))
            .map(|f| f.blocked_until.saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if wait.is_zero() {
            Ok(())
        } else {
            Err(AppError::rate_limited_for(wait))
        }
    }

    /// A wrong password (or unknown account) for `email` from `ip`.
    pub fn record_failure(&self, email: &str, ip: IpAddr, now: Instant) {
        let mut failures = self.failures();
        if failures.len() >= MAX_TRACKED {
            forget_stalest(&mut failures);
        }
        for (key, free) in [
            (
                Key::Pair(email.to_owned(), ip),
                self.free_per_account_and_address,
            ),
            (Key::Address(ip), self.free_per_address),
        ] {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                blocked_until: now,
                last: now,
            });
            entry.count = entry.count.saturating_add(1);
            entry.last = now;
            entry.blocked_until = now + delay_after(entry.count, free);
        }
    }

    /// The right password: this address's failures on this account are forgiven. Its
    /// failures on other accounts are not (a guesser holding one valid account must not
    /// reset its count by logging into it between guesses).
    pub fn record_success(&self, email: &str, ip: IpAddr) {
        self.failures().remove(&Key::Pair(email.to_owned(), ip));
    }

    /// Forgets keys quiet for an hour and keys whose quota is full again.
    pub fn forget_idle_keys(&self, now: Instant) {
        self.per_address_rate.retain_recent();
        self.failures().retain(|_, f| {
            now.saturating_duration_since(f.last) < FORGET_AFTER || f.blocked_until > now
        });
    }
}

fn forget_stalest(failures: &mut HashMap<Key, Failures>) {
    let mut lasts: Vec<Instant> = failures.values().map(|f| f.last).collect();
    let middle = lasts.len() / 2;
    let (_, cutoff, _) = lasts.select_nth_unstable(middle);
    let cutoff = *cutoff;
    failures.retain(|_, f| f.last > cutoff);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const JULIE: &str = "julie@paddock.test";

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn delays_double_after_the_free_failures_up_to_fifteen_minutes() {
        assert_eq!(delay_after(5, 5), Duration::ZERO);
        assert_eq!(delay_after(6, 5), Duration::from_secs(2));
        assert_eq!(delay_after(7, 5), Duration::from_secs(4));
        assert_eq!(delay_after(10, 5), Duration::from_secs(32));
        assert_eq!(delay_after(40, 5), MAX_DELAY);
        assert_eq!(delay_after(u32::MAX, 0), MAX_DELAY);
    }

    #[test]
    fn a_guesser_waits_longer_each_time_but_the_owner_elsewhere_never_waits() {
        let throttle = LoginThrottle::new(1000, 3, 100);
        let attacker = ip("203.0.113.7");
        let owner = ip("198.51.100.4");
        let mut now = Instant::now();
        let mut waits = Vec::new();
        for _ in 0..7 {
            if let Err(err) = throttle.check_login(JULIE, attacker, now) {
                assert_eq!(err.code, ErrorCode::RateLimited);
                let wait = err.retry_after_secs.unwrap();
                waits.push(wait);
                now += Duration::from_secs(wait);
            }
            throttle.record_failure(JULIE, attacker, now);
        }
        assert_eq!(waits, vec![2, 4, 8], "three free failures, then doubling");
        assert!(throttle.check_login(JULIE, attacker, now).is_err());
        throttle.check_login(JULIE, owner, now).unwrap();
    }

    #[test]
    fn one_address_trying_many_accounts_is_slowed_too() {
        let throttle = LoginThrottle::new(1000, 5, 4);
        let stuffer = ip("203.0.113.9");
        let now = Instant::now();
        for n in 0..5 {
            throttle.record_failure(&format!("client{n}@paddock.test"), stuffer, now);
        }
        let err = throttle
            .check_login("nouveau@paddock.test", stuffer, now)
            .unwrap_err();
        assert_eq!(err.retry_after_secs, Some(2));
        throttle
            .check_login("nouveau@paddock.test", ip("203.0.113.10"), now)
            .unwrap();
    }

    #[test]
    fn success_forgives_the_pair_and_quiet_keys_are_forgotten() {
        let throttle = LoginThrottle::new(1000, 1, 100);
        let home = ip("198.51.100.4");
        let now = Instant::now();
        throttle.record_failure(JULIE, home, now);
        throttle.record_failure(JULIE, home, now);
        assert!(throttle.check_login(JULIE, home, now).is_err());
        throttle.record_success(JULIE, home);
        throttle.check_login(JULIE, home, now).unwrap();

        throttle.record_failure(JULIE, home, now);
        throttle.record_failure(JULIE, home, now);
        throttle.forget_idle_keys(now + FORGET_AFTER + MAX_DELAY);
        assert!(throttle.failures().is_empty());
    }

    #[test]
    fn the_attempt_rate_per_address_is_bounded() {
        let throttle = LoginThrottle::new(2, 5, 5);
        let address = ip("203.0.113.7");
        throttle.check_rate(address).unwrap();
        throttle.check_rate(address).unwrap();
        assert_eq!(
            throttle.check_rate(address).unwrap_err().code,
            ErrorCode::RateLimited
        );
        throttle.check_rate(ip("203.0.113.8")).unwrap();
    }

    #[test]
    fn memory_stays_bounded_under_many_addresses() {
        let throttle = LoginThrottle::new(1000, 5, 5);
        let start = Instant::now();
        for n in 0..(MAX_TRACKED as u32 / 2 + 10) {
            let address = IpAddr::from(n.to_be_bytes());
            throttle.record_failure(JULIE, address, start + Duration::from_millis(n.into()));
        }
        assert!(throttle.failures().len() <= MAX_TRACKED);
    }
}
