//! Who is online on any instance: each instance keeps its rows of the shared `presence`
//! table up to date, and removes them when it stops.

use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// How often an instance rewrites its presence rows.
pub const HEARTBEAT: Duration = Duration::from_secs(30);
/// Readers trust a row this long (three heartbeats), as SQL.
pub const FRESH_SQL: &str = "interval '90 seconds'";

pub struct Presence {
    pool: PgPool,
    /// This instance, in the shared table.
    pub instance_id: Uuid,
}

impl Presence {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            instance_id: Uuid::new_v4(),
        }
    }

    /// Records that `user` is online here, before the socket is announced, so that
    /// every instance sees it at once.
    pub async fn mark_online(&self, user: Uuid) {
        let recorded = sqlx::query(
            "insert into presence (instance_id, user_id) values ($1, $2)
             on conflict (instance_id, user_id) do update set seen_at = now()",
        )
        .bind(self.instance_id)
        .bind(user)
        .execute(&self.pool)
        .await;
        if let Err(err) = recorded {
            tracing::warn!(%err, "cannot record presence");
        }
    }

    /// `user` has no socket here any more (in the background: a missed delete is
    /// corrected by the next heartbeat).
    pub fn forget(&self, user: Uuid) {
        let (pool, instance_id) = (self.pool.clone(), self.instance_id);
        tokio::spawn(async move {
            let _ = sqlx::query("delete from presence where instance_id = $1 and user_id = $2")
                .bind(instance_id)
                .bind(user)
                .execute(&pool)
                .await;
        });
    }

    /// Rewrites this instance's rows to exactly `users`.
    pub async fn heartbeat(&self, users: &[Uuid]) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("delete from presence where instance_id = $1 and not (user_id = any($2))")
            .bind(self.instance_id)
            .bind(users)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into presence (instance_id, user_id) select $1, unnest($2::uuid[])
             on conflict (instance_id, user_id) do update set seen_at = now()",
        )
        .bind(self.instance_id)
        .bind(users)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Removes every row of this instance (at shutdown).
    pub async fn remove_instance(&self) -> Result<(), sqlx::Error> {
        sqlx::query("delete from presence where instance_id = $1")
            .bind(self.instance_id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}
