//! Server-only account logic: password hashing, the accounts table and the first admin.
//! Sessions are in `super::sessions`, login throttling in `super::throttle`.

use super::{rows::UserRow, sessions::end_account_sessions, CurrentUser, NewAccount, Role};
use crate::error::AppError;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use sqlx::PgPool;
use std::sync::OnceLock;
use uuid::Uuid;

/// argon2id with the OWASP recommended minimum: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most this many hashes at once: each takes 19 MiB and tens of milliseconds of CPU,
/// so a burst of logins queues instead of exhausting memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Hashes off the async runtime: one hash costs tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    let _permit = HASHING.acquire().await.map_err(|_| AppError::internal())?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|_| AppError::internal())?
    .map_err(|err| {
        tracing::error!(%err, "password hashing failed");
        AppError::internal()
    })
}

/// A hash of a random password, verified when the email is unknown so that a login
/// takes as long whether or not the account exists.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(Uuid::new_v4().as_bytes(), &salt)
            .expect("hashing a decoy password")
            .to_string()
    })
}

pub async fn verify_password(hash: Option<String>, password: String) -> Result<bool, AppError> {
    let _permit = HASHING.acquire().await.map_err(|_| AppError::internal())?;
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| decoy_hash().to_owned());
        let matches = PasswordHash::new(&hash)
            .map(|parsed| {
                hasher()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matches
    })
    .await
    .map_err(|_| AppError::internal())
}

/// The user and password hash for a login attempt.
pub async fn find_credentials(
    pool: &PgPool,
    email: &str,
) -> Result<Option<(CurrentUser, String)>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    sqlx::query_as::<_, Row>(
        "select id, email, display_name, role, password_hash from users where email = $1",
    )
    .bind(email)
    .fetch_optional(pool)
    .await
    .map(|row| row.map(|row| (row.user.into(), row.password_hash)))
    .map_err(AppError::from)
}

pub async fn create_account(
    pool: &PgPool,
    account: NewAccount,
    role: Role,
) -> Result<CurrentUser, AppError> {
    let password_hash = hash_password(account.password).await?;
    let inserted = sqlx::query_as::<_, UserRow>(
        "insert into users (email, display_name, password_hash, role) values ($1, $2, $3, $4)
         returning id, email, display_name, role",
    )
    .bind(&account.email)
    .bind(&account.display_name)
    .bind(&password_hash)
    .bind(role.as_str())
    .fetch_one(pool)
    .await;
    match inserted {
        Ok(row) => Ok(row.into()),
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => Err(super::email_taken()),
        Err(err) => Err(AppError::from(err)),
    }
}

/// What setting up the admin of `PADDOCK_ADMIN_*` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminSetup {
    Created,
    /// The admin exists with that password: nothing changed (every start of a
    /// deployment that keeps `PADDOCK_ADMIN_*` set).
    Unchanged,
    /// The admin exists with another password: it is replaced, and every session of
    /// the account ends.
    PasswordReset {
        sessions_ended: usize,
    },
    /// A customer account made admin (`--promote` only); every session of it ends.
    Promoted {
        sessions_ended: usize,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum AdminSetupError {
    /// The email belongs to a customer and promotion was not asked for: anyone may
    /// register the future admin's address first, so it is never promoted silently.
    #[error(
        "{0} belongs to a customer account: it is not made an admin silently. If that \
         account is really the admin's, run `paddock create-admin --promote` (its sessions \
         end and its password becomes PADDOCK_ADMIN_PASSWORD)"
    )]
    CustomerAccount(String),
    #[error("{0}")]
    Failed(#[from] AppError),
}

/// Creates the admin of `account`. An existing admin with that email keeps everything
/// when the password is the same, and gets the new password otherwise; a customer with
/// that email is refused, unless `promote`. Resetting or promoting ends every session of
/// the account.
pub async fn set_up_admin(
    pool: &PgPool,
    account: NewAccount,
    promote: bool,
) -> Result<AdminSetup, AdminSetupError> {
    #[derive(sqlx::FromRow)]
    struct Existing {
        id: Uuid,
        role: String,
        password_hash: String,
    }
    let mut tx = pool.begin().await.map_err(AppError::from)?;
    let existing = sqlx::query_as::<_, Existing>(
        "select id, role, password_hash from users where email = $1 for update",
    )
    .bind(&account.email)
    .fetch_optional(&mut *tx)
    .await
    .map_err(AppError::from)?;
    let outcome = match existing {
        None => {
            let password_hash = hash_password(account.password).await?;
            sqlx::query(
                "insert into users (email, display_name, password_hash, role)
                 values ($1, $2, $3, 'admin')",
            )
            .bind(&account.email)
            .bind(&account.display_name)
            .bind(&password_hash)
            .execute(&mut *tx)
            .await
            .map_err(AppError::from)?;
            AdminSetup::Created
        }
        Some(admin) if admin.role == Role::Admin.as_str() => {
            if verify_password(Some(admin.password_hash), account.password.clone()).await? {
                AdminSetup::Unchanged
            } else {
                let password_hash = hash_password(account.password).await?;
                sqlx::query("update users set password_hash = $2 where id = $1")
                    .bind(admin.id)
                    .bind(&password_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(AppError::from)?;
                let sessions_ended = end_account_sessions(&mut tx, admin.id).await?;
                AdminSetup::PasswordReset { sessions_ended }
            }
        }
        Some(_) if !promote => return Err(AdminSetupError::CustomerAccount(account.email)),
        Some(customer) => {
            let password_hash = hash_password(account.password).await?;
            sqlx::query(
                "update users set role = 'admin', password_hash = $2, display_name = $3
                  where id = $1",
            )
            .bind(customer.id)
            .bind(&password_hash)
            .bind(&account.display_name)
            .execute(&mut *tx)
            .await
            .map_err(AppError::from)?;
            let sessions_ended = end_account_sessions(&mut tx, customer.id).await?;
            AdminSetup::Promoted { sessions_ended }
        }
    };
    tx.commit().await.map_err(AppError::from)?;
    Ok(outcome)
}

pub async fn record_login(pool: &PgPool, user_id: Uuid) -> Result<(), AppError> {
    sqlx::query("update users set last_login_at = now() where id = $1")
        .bind(user_id)
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_password("un mot de passe solide".into())
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify_password(Some(hash.clone()), "un mot de passe solide".into())
                .await
                .unwrap()
        );
        assert!(!verify_password(Some(hash), "un autre mot de passe".into())
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify_password(None, "n'importe quoi".into())
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn seed_hashes_match_the_documented_demo_passwords() {
        let seed = include_str!("../../seed.sql");
        let admin_hash = seed
            .split('\'')
            .find(|part| part.starts_with("$argon2id$"))
            .expect("seed has argon2id hashes")
            .to_owned();
        assert!(
            verify_password(Some(admin_hash), "PaddockAdmin2026!".into())
                .await
                .unwrap()
        );
    }
}
