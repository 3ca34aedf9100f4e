//! Budgets of server functions and endpoints, per user or per client address, one named
//! limiter each, created on first use.
//! Kept in the state of one server (not a process-wide static), so that two servers in
//! one process — the tests — never share a budget.

use crate::error::AppError;
use governor::{
    clock::{Clock, DefaultClock},
    DefaultKeyedRateLimiter, Quota, RateLimiter,
};
use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::Duration,
};
use uuid::Uuid;

/// How much of an action one user may do: `burst` at once, then one per `every`.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub burst: u32,
    pub every: Duration,
}

/// Who spends a budget: a logged-in user, or a client address where nobody need be
/// logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spender {
    User(Uuid),
    Address(IpAddr),
}

impl From<Uuid> for Spender {
    fn from(user: Uuid) -> Self {
        Spender::User(user)
    }
}

impl From<IpAddr> for Spender {
    fn from(address: IpAddr) -> Self {
        Spender::Address(address)
    }
}

#[derive(Default)]
pub struct RateLimits {
    limiters: Mutex<HashMap<&'static str, Arc<DefaultKeyedRateLimiter<Spender>>>>,
}

impl RateLimits {
    fn limiter(
        &self,
        action: &'static str,
        budget: Budget,
    ) -> Arc<DefaultKeyedRateLimiter<Spender>> {
        let mut limiters = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        limiters
            .entry(action)
            .or_insert_with(|| {
                let burst = NonZeroU32::new(budget.burst).unwrap_or(NonZeroU32::MIN);
                let quota = Quota::with_period(budget.every.max(Duration::from_millis(1)))
                    .expect("non-zero period")
                    .allow_burst(burst);
                Arc::new(RateLimiter::keyed(quota))
            })
            .clone()
    }

    /// Counts one `action` of `spender`; past the budget, `rate_limited` with the wait.
    pub fn check(
        &self,
        action: &'static str,
        budget: Budget,
        spender: impl Into<Spender>,
    ) -> Result<(), AppError> {
        self.limiter(action, budget)
            .check_key(&spender.into())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                AppError::rate_limited_for(wait)
            })
    }

    /// Forgets spenders whose budgets are full again, so memory stays bounded.
    pub fn forget_idle_keys(&self) {
        let limiters = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        for limiter in limiters.values() {
            limiter.retain_recent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn each_action_has_its_own_budget_per_user() {
        let limits = RateLimits::default();
        let budget = Budget {
            burst: 2,
            every: Duration::from_secs(60),
        };
        let (julie, thomas) = (Uuid::new_v4(), Uuid::new_v4());
        limits.check("search", budget, julie).unwrap();
        limits.check("search", budget, julie).unwrap();
        let err = limits.check("search", budget, julie).unwrap_err();
        assert_eq!(err.code, ErrorCode::RateLimited);
        assert!(err.retry_after_secs.unwrap() <= 60);
        limits.check("search", budget, thomas).unwrap();
        limits.check("other", budget, julie).unwrap();

        let address: IpAddr = "203.0.113.7".parse().unwrap();
        limits.check("reports", budget, address).unwrap();
        limits.check("reports", budget, address).unwrap();
        assert!(limits.check("reports", budget, address).is_err());
        limits.check("reports", budget, julie).unwrap();
    }
}
