//! Logged-in sessions: the store and its cookie, login and logout, and what every
//! request learns of its session (logged in, anonymous, or over).
//!
//! The cookie is a browser-session cookie (no `Max-Age`): the session's row decides
//! alone when it is over, by its `expiry_date` (inactivity, pushed back by activity at
//! most every few minutes, see [`SessionLifetime`]) and its login time in
//! `user_sessions` (absolute lifetime). A cookie with a `Max-Age` would lapse in the
//! browser while open sockets keep the session alive, and a lapsed cookie cannot be
//! told from no cookie: the user would not learn that their session expired.

use super::{rows::UserRow, CurrentUser};
use crate::{
    error::AppError,
    realtime::sessions::{SessionCheck, SessionLifetime},
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use tower_sessions::{
    cookie::time::{Duration, OffsetDateTime},
    session::{Id, Record},
    session_store, Session,
};
use tower_sessions_sqlx_store::PostgresStore;
use uuid::Uuid;

/// Session key holding the logged-in user's id.
pub const SESSION_USER_ID: &str = "user_id";

/// tower-sessions' PostgreSQL store, saving every session to expire `idle` from now:
/// the session layer itself is set to `Expiry::OnSessionEnd`, for a cookie without
/// `Max-Age`, and would otherwise save sessions for two weeks.
#[derive(Debug, Clone)]
pub struct IdleExpiryStore {
    inner: PostgresStore,
    idle: Duration,
}

impl IdleExpiryStore {
    pub fn new(pool: PgPool, lifetime: &SessionLifetime) -> Self {
        Self {
            inner: PostgresStore::new(pool),
            idle: Duration::seconds(lifetime.idle.num_seconds()),
        }
    }

    fn expiry(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc().saturating_add(self.idle)
    }
}

#[async_trait]
impl session_store::SessionStore for IdleExpiryStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        record.expiry_date = self.expiry();
        self.inner.create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut record = record.clone();
        record.expiry_date = self.expiry();
        self.inner.save(&record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.inner.load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.inner.delete(id).await
    }
}

/// What a request's session is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionStatus {
    LoggedIn(CurrentUser),
    /// No session cookie, or a session nobody logged in on.
    Anonymous,
    /// The request carried the cookie of a session that is over: expired, past its
    /// absolute lifetime, or ended (logout, new login, account changed by an admin).
    Expired,
}

impl SessionStatus {
    pub fn user(&self) -> Option<&CurrentUser> {
        match self {
            SessionStatus::LoggedIn(user) => Some(user),
            _ => None,
        }
    }

    pub fn into_user(self) -> Option<CurrentUser> {
        match self {
            SessionStatus::LoggedIn(user) => Some(user),
            _ => None,
        }
    }

    pub fn is_expired(&self) -> bool {
        *self == SessionStatus::Expired
    }
}

fn session_error(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(%err, "session store error");
    AppError::internal()
}

/// The request's session: its user when logged in. This is the activity that keeps a
/// session alive: when its expiry is due to move, it moves (one `UPDATE`, at most every
/// [`SessionLifetime::refresh_every`]). A session over its absolute lifetime is
/// deleted here, its cookie cleared.
pub async fn session_status(
    session: &Session,
    pool: &PgPool,
    lifetime: &SessionLifetime,
) -> Result<SessionStatus, AppError> {
    // The cookie's id, before the store is asked: it becomes `None` when the store no
    // longer has that session (or never had it).
    let presented = session.id().is_some();
    let user_id = session
        .get::<Uuid>(SESSION_USER_ID)
        .await
        .map_err(session_error)?;
    let Some(session_id) = session.id() else {
        return Ok(if presented {
            SessionStatus::Expired
        } else {
            SessionStatus::Anonymous
        });
    };
    let Some(user_id) = user_id else {
        return Ok(SessionStatus::Anonymous);
    };

    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        logged_in_at: DateTime<Utc>,
        expiry_date: DateTime<Utc>,
        now: DateTime<Utc>,
    }
    let session_id = session_id.to_string();
    let found = sqlx::query_as::<_, Row>(
        "select u.id, u.email, u.display_name, u.role,
                l.logged_in_at, s.expiry_date, now() as now
           from user_sessions l
           join tower_sessions.session s on s.id = l.session_id
           join users u on u.id = l.user_id
          where l.session_id = $1 and l.user_id = $2",
    )
    .bind(&session_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let Some(found) = found else {
        // No login record: the account is gone, or the session predates login records.
        end_session(session).await?;
        return Ok(SessionStatus::Expired);
    };
    match lifetime.check(found.logged_in_at, found.expiry_date, found.now) {
        SessionCheck::Over => {
            end_session(session).await?;
            return Ok(SessionStatus::Expired);
        }
        SessionCheck::Keep => {}
        SessionCheck::Extend { until } => {
            // Never backwards, should the sweep of open sockets have moved it further.
            sqlx::query(
                "update tower_sessions.session set expiry_date = $2
                  where id = $1 and expiry_date < $2",
            )
            .bind(&session_id)
            .bind(until)
            .execute(pool)
            .await?;
        }
    }
    Ok(SessionStatus::LoggedIn(found.user.into()))
}

/// The user of this session, if it is logged in and alive (see [`session_status`]).
pub async fn session_user(
    session: &Session,
    pool: &PgPool,
    lifetime: &SessionLifetime,
) -> Result<Option<CurrentUser>, AppError> {
    session_status(session, pool, lifetime)
        .await
        .map(SessionStatus::into_user)
}

/// Logs the user in on this session under a new session id, so that an id planted
/// before login (session fixation) is worthless, and records the login time. The
/// session the request carried, if any, is over: its row is deleted and its sockets and
/// streams are closed on every instance (a new login in the same browser).
pub async fn start_session(
    session: &Session,
    pool: &PgPool,
    user_id: Uuid,
) -> Result<(), AppError> {
    session
        .get_value(SESSION_USER_ID)
        .await
        .map_err(session_error)?;
    let previous = session.id();
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(SESSION_USER_ID, user_id)
        .await
        .map_err(session_error)?;
    // Saved now, not after the response, so that the new id exists for its login record.
    session.save().await.map_err(session_error)?;
    let session_id = session.id().ok_or_else(AppError::internal)?;
    let mut tx = pool.begin().await?;
    sqlx::query("insert into user_sessions (session_id, user_id) values ($1, $2)")
        .bind(session_id.to_string())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if let Some(previous) = previous {
        crate::realtime::end_session(&mut tx, &previous.to_string()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes the session from the store and clears the cookie.
pub async fn end_session(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// Ends every session of an account (promoted, or its password reset), in the
/// transaction of `conn`: their rows are deleted, and their sockets and streams close
/// on every instance once it commits. Returns how many there were.
pub async fn end_account_sessions(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<usize, AppError> {
    let ended: Vec<String> = sqlx::query_scalar(
        "delete from tower_sessions.session
          where id in (select session_id from user_sessions where user_id = $1)
         returning id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    for session_id in &ended {
        crate::realtime::end_session(conn, session_id).await?;
    }
    Ok(ended.len())
}
