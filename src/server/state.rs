//! Everything a request handler or server function may need, cheap to clone.

use super::limits::RateLimits;
use crate::{auth::throttle::LoginThrottle, config::Settings, realtime::Realtime};
use axum::extract::FromRef;
use chrono::{DateTime, NaiveDateTime, Utc};
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// The current time. Injected so that tests can fix "today".
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Self {
        Self(Arc::new(Utc::now))
    }

    pub fn fixed(at: DateTime<Utc>) -> Self {
        Self(Arc::new(move || at))
    }

    /// A clock that reads `now`: tests move it to watch what happens when an hour
    /// strikes.
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub leptos_options: LeptosOptions,
    pub login_throttle: Arc<LoginThrottle>,
    pub clock: Clock,
    /// This instance's sockets, streams and event bus.
    pub realtime: Arc<Realtime>,
    /// Per-user budgets of server functions (searches, …).
    pub limits: Arc<RateLimits>,
}

impl AppState {
    pub fn new(pool: PgPool, settings: Settings, leptos_options: LeptosOptions) -> Self {
        let login_throttle = Arc::new(LoginThrottle::new(
            settings.login_attempts_per_ip_per_minute,
            settings.login_free_failures_per_account_and_address,
            settings.login_free_failures_per_address,
        ));
        let realtime = Realtime::new(pool.clone(), &settings);
        Self {
            pool,
            settings: Arc::new(settings),
            leptos_options,
            login_throttle,
            clock: Clock::system(),
            realtime,
            limits: Arc::default(),
        }
    }

    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The dealerships' local wall time now.
    pub fn local_now(&self) -> NaiveDateTime {
        let zone = self
            .settings
            .time_zone()
            .unwrap_or(chrono_tz::Europe::Paris);
        self.clock.now().with_timezone(&zone).naive_local()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
