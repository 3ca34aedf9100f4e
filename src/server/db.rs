//! Database connection, migrations, demo data and the first admin.

use crate::auth::{
    server::{set_up_admin, AdminSetup, AdminSetupError},
    NewAccount,
};
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::time::Duration;

const SEED_SQL: &str = include_str!("../../seed.sql");

/// Connects, retrying for a while: in Docker the database may still be starting.
pub async fn connect(database_url: &str) -> Result<PgPool, sqlx::Error> {
    let mut attempt = 0;
    loop {
        let result = PgPoolOptions::new()
            .max_connections(20)
            .acquire_timeout(Duration::from_secs(5))
            .connect(database_url)
            .await;
        match result {
            Ok(pool) => return Ok(pool),
            Err(err) if attempt < 30 => {
                attempt += 1;
                tracing::warn!(%err, attempt, "database not reachable yet, retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(err) => return Err(err),
        }
    }
}

pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}

/// Loads `seed.sql` when the database holds no account. Returns whether it did.
pub async fn seed_if_empty(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let accounts: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(pool)
        .await?;
    if accounts > 0 {
        return Ok(false);
    }
    sqlx::raw_sql(SEED_SQL).execute(pool).await?;
    Ok(true)
}

/// Runs `seed.sql` unconditionally (it is idempotent).
pub async fn seed(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(SEED_SQL).execute(pool).await.map(|_| ())
}

/// The admin described by `PADDOCK_ADMIN_EMAIL`, `PADDOCK_ADMIN_NAME` and
/// `PADDOCK_ADMIN_PASSWORD`, if they are set.
pub fn admin_from_env() -> Result<Option<NewAccount>, String> {
    // An empty variable counts as unset (Compose passes empty values through).
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let (Some(email), Some(password)) = (var("PADDOCK_ADMIN_EMAIL"), var("PADDOCK_ADMIN_PASSWORD"))
    else {
        return Ok(None);
    };
    let name = var("PADDOCK_ADMIN_NAME").unwrap_or_else(|| "Administrateur".into());
    NewAccount::parse(&email, &name, &password)
        .map(Some)
        .map_err(|err| err.message)
}

/// Creates the admin account of `PADDOCK_ADMIN_*`; an existing admin gets the password
/// only if it changed, and a customer with that email is promoted only when `promote`
/// (see [`set_up_admin`]). Logs what it did.
pub async fn ensure_admin(
    pool: &PgPool,
    account: NewAccount,
    promote: bool,
) -> Result<AdminSetup, AdminSetupError> {
    let email = account.email.clone();
    let outcome = set_up_admin(pool, account, promote).await?;
    match outcome {
        AdminSetup::Created => tracing::info!(%email, "admin account created"),
        AdminSetup::Unchanged => tracing::info!(%email, "admin account ready"),
        AdminSetup::PasswordReset { sessions_ended } => {
            tracing::warn!(%email, sessions_ended, "admin password reset: its sessions ended")
        }
        AdminSetup::Promoted { sessions_ended } => tracing::warn!(
            %email,
            sessions_ended,
            "customer account promoted to admin: its sessions ended"
        ),
    }
    Ok(outcome)
}
