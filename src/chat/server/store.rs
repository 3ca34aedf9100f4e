//! Rooms, direct conversations, memberships and messages in PostgreSQL. Every change
//! that others must see is published on the bus in the same transaction, so it is
//! announced exactly when it is committed. Posts are written by [`super::writer`].

use super::events::{self, ChatEvent};
use crate::{
    auth::CurrentUser,
    error::{AppError, ErrorCode},
    protocol::chat::{ChatMessage, DirectSummary, Member, RoomSummary},
    realtime::presence,
};
use sqlx::PgPool;
use uuid::Uuid;

pub fn room_closed() -> AppError {
    AppError::new(
        ErrorCode::RoomClosed,
        "Ce salon a été supprimé : il est fermé.",
    )
}

fn room_not_found() -> AppError {
    AppError::new(ErrorCode::NotFound, "Ce salon n’existe pas.")
}

pub fn not_member() -> AppError {
    AppError::new(
        ErrorCode::NotMember,
        "Vous ne participez pas à cette conversation.",
    )
}

/// Posts to an ended advisor conversation are refused; its history stays readable.
pub fn conversation_ended() -> AppError {
    AppError::new(
        ErrorCode::ConversationEnded,
        "Cette conversation est terminée : son historique reste lisible.",
    )
}

const ROOM_SUMMARY_SQL: &str = "select r.id, r.name, r.capacity,
        (select count(*) from channel_members m where m.channel_id = r.id) as members,
        c.last_seq
    from rooms r join channels c on c.id = r.id";

pub async fn room_summary(pool: &PgPool, room_id: Uuid) -> Result<Option<RoomSummary>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{ROOM_SUMMARY_SQL} where r.id = $1 and r.deleted_at is null"
    ))
    .bind(room_id)
    .fetch_optional(pool)
    .await?)
}

/// Rooms that are not deleted, by name.
pub async fn live_rooms(pool: &PgPool) -> Result<Vec<RoomSummary>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{ROOM_SUMMARY_SQL} where r.deleted_at is null order by lower(r.name)"
    ))
    .fetch_all(pool)
    .await?)
}

/// Live rooms `user` is a member of.
pub async fn joined_rooms(pool: &PgPool, user: Uuid) -> Result<Vec<Uuid>, AppError> {
    sqlx::query_scalar(
        "select m.channel_id from channel_members m join rooms r on r.id = m.channel_id
         where m.user_id = $1 and r.deleted_at is null",
    )
    .bind(user)
    .fetch_all(pool)
    .await
    .map_err(AppError::from)
}

fn name_taken(err: sqlx::Error) -> AppError {
    match err {
        sqlx::Error::Database(e) if e.is_unique_violation() => {
            AppError::new(ErrorCode::RoomNameTaken, "Un salon porte déjà ce nom.")
        }
        other => AppError::from(other),
    }
}

pub async fn create_room(
    pool: &PgPool,
    admin: Uuid,
    name: &str,
    capacity: i32,
) -> Result<RoomSummary, AppError> {
    let mut tx = pool.begin().await?;
    let id: Uuid = sqlx::query_scalar("insert into channels (kind) values ('room') returning id")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("insert into rooms (id, name, capacity, created_by) values ($1, $2, $3, $4)")
        .bind(id)
        .bind(name)
        .bind(capacity)
        .bind(admin)
        .execute(&mut *tx)
        .await
        .map_err(name_taken)?;
    events::publish(&mut tx, &ChatEvent::RoomUpdated { room_id: id }).await?;
    tx.commit().await?;
    Ok(RoomSummary {
        id,
        name: name.into(),
        capacity,
        members: 0,
        last_seq: 0,
    })
}

/// Renames or resizes a live room. Lowering the capacity under the member count keeps
/// the members and refuses new joins until the count is under it.
pub async fn update_room(
    pool: &PgPool,
    room_id: Uuid,
    name: Option<&str>,
    capacity: Option<i32>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query(
        "update rooms set name = coalesce($2, name), capacity = coalesce($3, capacity)
         where id = $1 and deleted_at is null",
    )
    .bind(room_id)
    .bind(name)
    .bind(capacity)
    .execute(&mut *tx)
    .await
    .map_err(name_taken)?;
    if updated.rows_affected() == 0 {
        return Err(room_not_found());
    }
    events::publish(&mut tx, &ChatEvent::RoomUpdated { room_id }).await?;
    tx.commit().await.map_err(AppError::from)
}

pub async fn delete_room(pool: &PgPool, room_id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    // The channel's lock, taken by post batches too: no post is stored after this.
    sqlx::query("select 1 from channels where id = $1 for update")
        .bind(room_id)
        .execute(&mut *tx)
        .await?;
    let deleted =
        sqlx::query("update rooms set deleted_at = now() where id = $1 and deleted_at is null")
            .bind(room_id)
            .execute(&mut *tx)
            .await?;
    if deleted.rows_affected() == 0 {
        return Err(room_not_found());
    }
    events::publish(&mut tx, &ChatEvent::RoomClosed { room_id }).await?;
    tx.commit().await.map_err(AppError::from)
}

/// Joins a room. The room's row lock serialises joins, so a full room is never joined,
/// even when many customers race for its last seat.
pub async fn join_room(
    pool: &PgPool,
    user: Uuid,
    room_id: Uuid,
) -> Result<(RoomSummary, i64), AppError> {
    #[derive(sqlx::FromRow)]
    struct LockedRoom {
        name: String,
        capacity: i32,
        deleted: bool,
        last_seq: i64,
    }
    let mut tx = pool.begin().await?;
    let room: Option<LockedRoom> = sqlx::query_as(
        "select r.name, r.capacity, r.deleted_at is not null as deleted, c.last_seq
         from rooms r join channels c on c.id = r.id where r.id = $1 for update of r",
    )
    .bind(room_id)
    .fetch_optional(&mut *tx)
    .await?;
    let LockedRoom {
        name,
        capacity,
        deleted,
        last_seq,
    } = room.ok_or_else(room_not_found)?;
    if deleted {
        return Err(room_closed());
    }
    let (members, already): (i64, bool) = sqlx::query_as(
        "select count(*), coalesce(bool_or(user_id = $2), false) from channel_members where channel_id = $1",
    )
    .bind(room_id)
    .bind(user)
    .fetch_one(&mut *tx)
    .await?;
    let summary = |members| RoomSummary {
        id: room_id,
        name: name.clone(),
        capacity,
        members,
        last_seq,
    };
    if already {
        return Ok((summary(members), last_seq));
    }
    if members >= i64::from(capacity) {
        return Err(AppError::new(ErrorCode::RoomFull, "Ce salon est complet."));
    }
    sqlx::query(
        "insert into channel_members (channel_id, user_id, last_read_seq) values ($1, $2, $3)",
    )
    .bind(room_id)
    .bind(user)
    .bind(last_seq)
    .execute(&mut *tx)
    .await?;
    events::publish(
        &mut tx,
        &ChatEvent::Occupancy {
            room_id,
            members: members + 1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((summary(members + 1), last_seq))
}

/// Leaves a room: rooms only, never a direct or advisor conversation (`not_found`,
/// nothing changed). Publishes, in the same transaction, that this user left (every
/// instance stops their sockets following the room) and the new member count.
pub async fn leave_room(pool: &PgPool, user: Uuid, room_id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    // Same lock as joins, so the published count is exact.
    let room: Option<Uuid> = sqlx::query_scalar("select id from rooms where id = $1 for update")
        .bind(room_id)
        .fetch_optional(&mut *tx)
        .await?;
    if room.is_none() {
        return Err(room_not_found());
    }
    let left = sqlx::query("delete from channel_members where channel_id = $1 and user_id = $2")
        .bind(room_id)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    if left.rows_affected() == 0 {
        return Err(not_member());
    }
    let members: i64 =
        sqlx::query_scalar("select count(*) from channel_members where channel_id = $1")
            .bind(room_id)
            .fetch_one(&mut *tx)
            .await?;
    events::publish(
        &mut tx,
        &ChatEvent::Left {
            room_id,
            user_id: user,
        },
    )
    .await?;
    events::publish(&mut tx, &ChatEvent::Occupancy { room_id, members }).await?;
    tx.commit().await.map_err(AppError::from)
}

/// Opens the conversation between `user` and another customer, creating it once.
pub async fn open_direct(
    pool: &PgPool,
    opener: &CurrentUser,
    other: Uuid,
) -> Result<(DirectSummary, i64), AppError> {
    let user = opener.id;
    if user == other {
        return Err(AppError::invalid_input(
            "Vous ne pouvez pas vous écrire à vous-même.",
        ));
    }
    let other_name: Option<String> =
        sqlx::query_scalar("select display_name from users where id = $1 and role = 'customer'")
            .bind(other)
            .fetch_optional(pool)
            .await?;
    let other_name =
        other_name.ok_or_else(|| AppError::new(ErrorCode::NotFound, "Ce client n’existe pas."))?;
    let (low, high) = if user < other {
        (user, other)
    } else {
        (other, user)
    };
    let find = || async {
        sqlx::query_as::<_, (Uuid, i64)>(
            "select d.id, c.last_seq from direct_conversations d join channels c on c.id = d.id
             where d.user_low = $1 and d.user_high = $2",
        )
        .bind(low)
        .bind(high)
        .fetch_optional(pool)
        .await
        .map_err(AppError::from)
    };
    if let Some((channel_id, last_seq)) = find().await? {
        return Ok((
            DirectSummary {
                channel_id,
                other_id: other,
                other_name,
                last_seq,
            },
            last_seq,
        ));
    }
    let mut tx = pool.begin().await?;
    let channel_id: Uuid =
        sqlx::query_scalar("insert into channels (kind) values ('direct') returning id")
            .fetch_one(&mut *tx)
            .await?;
    let created = sqlx::query(
        "insert into direct_conversations (id, user_low, user_high) values ($1, $2, $3)
         on conflict (user_low, user_high) do nothing",
    )
    .bind(channel_id)
    .bind(low)
    .bind(high)
    .execute(&mut *tx)
    .await?;
    if created.rows_affected() == 0 {
        // Both opened it at the same moment: use the other one.
        tx.rollback().await?;
        let (channel_id, last_seq) = find().await?.ok_or_else(AppError::internal)?;
        return Ok((
            DirectSummary {
                channel_id,
                other_id: other,
                other_name,
                last_seq,
            },
            last_seq,
        ));
    }
    sqlx::query("insert into channel_members (channel_id, user_id) values ($1, $2), ($1, $3)")
        .bind(channel_id)
        .bind(low)
        .bind(high)
        .execute(&mut *tx)
        .await?;
    // The other customer learns of it at once.
    events::publish(
        &mut tx,
        &ChatEvent::DirectOpened {
            channel_id,
            from: user,
            from_name: opener.display_name.clone(),
            to: other,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        DirectSummary {
            channel_id,
            other_id: other,
            other_name,
            last_seq: 0,
        },
        0,
    ))
}

pub async fn ensure_member(pool: &PgPool, user: Uuid, channel_id: Uuid) -> Result<(), AppError> {
    let member: bool = sqlx::query_scalar(
        "select exists(select 1 from channel_members where channel_id = $1 and user_id = $2)",
    )
    .bind(channel_id)
    .bind(user)
    .fetch_one(pool)
    .await?;
    if member {
        Ok(())
    } else {
        Err(not_member())
    }
}

/// A row of [`MESSAGE_SQL`].
#[derive(sqlx::FromRow)]
struct MessageRow {
    channel_id: Uuid,
    seq: i64,
    client_id: Uuid,
    author_id: Uuid,
    author_name: String,
    body: String,
    sent_at: chrono::DateTime<chrono::Utc>,
}

impl From<MessageRow> for ChatMessage {
    fn from(row: MessageRow) -> Self {
        ChatMessage {
            channel_id: row.channel_id,
            seq: row.seq,
            client_id: row.client_id,
            author_id: row.author_id,
            author_name: row.author_name,
            body: row.body,
            sent_at: row.sent_at.to_rfc3339(),
        }
    }
}

const MESSAGE_SQL: &str = "select m.channel_id, m.seq, m.client_id, m.author_id,
        u.display_name as author_name, m.body, m.created_at as sent_at
    from messages m join users u on u.id = m.author_id";

pub async fn message_at(
    pool: &PgPool,
    channel_id: Uuid,
    seq: i64,
) -> Result<Option<ChatMessage>, AppError> {
    sqlx::query_as::<_, MessageRow>(&format!(
        "{MESSAGE_SQL} where m.channel_id = $1 and m.seq = $2"
    ))
    .bind(channel_id)
    .bind(seq)
    .fetch_optional(pool)
    .await
    .map(|row| row.map(ChatMessage::from))
    .map_err(AppError::from)
}

/// Messages after `after_seq`, oldest first, at most `limit`.
pub async fn messages_after(
    pool: &PgPool,
    channel_id: Uuid,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<ChatMessage>, AppError> {
    messages_page(
        pool,
        channel_id,
        after_seq,
        limit,
        "m.seq > $2 order by m.seq",
    )
    .await
}

/// Messages before `before_seq`, newest first, at most `limit`.
pub async fn messages_before(
    pool: &PgPool,
    channel_id: Uuid,
    before_seq: i64,
    limit: i64,
) -> Result<Vec<ChatMessage>, AppError> {
    messages_page(
        pool,
        channel_id,
        before_seq,
        limit,
        "m.seq < $2 order by m.seq desc",
    )
    .await
}

/// A page of a channel's messages around `seq`; `bound_and_order` is fixed SQL, never input.
async fn messages_page(
    pool: &PgPool,
    channel_id: Uuid,
    seq: i64,
    limit: i64,
    bound_and_order: &'static str,
) -> Result<Vec<ChatMessage>, AppError> {
    sqlx::query_as::<_, MessageRow>(&format!(
        "{MESSAGE_SQL} where m.channel_id = $1 and {bound_and_order} limit $3"
    ))
    .bind(channel_id)
    .bind(seq)
    .bind(limit)
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(ChatMessage::from).collect())
    .map_err(AppError::from)
}

/// Customers whose name or email contains `query`, for starting a conversation.
/// Customers whose display name contains `query`, or whose email is `exact_email`.
pub async fn search_customers(
    pool: &PgPool,
    user: Uuid,
    query: &str,
    exact_email: Option<&str>,
) -> Result<Vec<(Uuid, String)>, AppError> {
    let pattern = crate::text::contains_pattern(query);
    sqlx::query_as(
        "select id, display_name from users
         where role = 'customer' and id <> $1 and (display_name ilike $2 or email = $3)
         order by display_name limit 10",
    )
    .bind(user)
    .bind(pattern)
    .bind(exact_email)
    .fetch_all(pool)
    .await
    .map_err(AppError::from)
}

/// Moves the user's read marker forward (never back, never past the last message).
/// Returns the new marker when it moved in a direct or advisor conversation, where the
/// other participant is shown it (« Vu »).
pub async fn mark_read(
    pool: &PgPool,
    user: Uuid,
    channel_id: Uuid,
    seq: i64,
) -> Result<Option<i64>, AppError> {
    sqlx::query_scalar(
        "with moved as (
             update channel_members set last_read_seq = least($3, (select last_seq from channels where id = $1))
             where channel_id = $1 and user_id = $2
               and last_read_seq < least($3, (select last_seq from channels where id = $1))
             returning last_read_seq)
         select moved.last_read_seq from moved
         where (select kind from channels where id = $1) in ('direct', 'support')",
    )
    .bind(channel_id)
    .bind(user)
    .bind(seq)
    .fetch_optional(pool)
    .await
    .map_err(AppError::from)
}

/// In a direct or advisor conversation, how far the other participants have read.
pub async fn read_markers_of_others(
    pool: &PgPool,
    user: Uuid,
    channel_id: Uuid,
) -> Result<Vec<(Uuid, i64)>, AppError> {
    sqlx::query_as(
        "select m.user_id, m.last_read_seq from channel_members m
         join channels c on c.id = m.channel_id
         where m.channel_id = $1 and m.user_id <> $2 and m.last_read_seq > 0
           and c.kind in ('direct', 'support')",
    )
    .bind(channel_id)
    .bind(user)
    .fetch_all(pool)
    .await
    .map_err(AppError::from)
}

/// The direct conversations of `user`, most recent first.
pub async fn directs_of(pool: &PgPool, user: Uuid) -> Result<Vec<DirectSummary>, AppError> {
    Ok(sqlx::query_as(
        "select d.id as channel_id, u.id as other_id, u.display_name as other_name, c.last_seq
         from direct_conversations d
         join users u on u.id = case when d.user_low = $1 then d.user_high else d.user_low end
         join channels c on c.id = d.id
         where $1 in (d.user_low, d.user_high)
         order by c.last_seq desc, u.display_name",
    )
    .bind(user)
    .fetch_all(pool)
    .await?)
}

/// Unread messages of `user` per channel, where there are any.
pub async fn unread_of(pool: &PgPool, user: Uuid) -> Result<Vec<(Uuid, i64)>, AppError> {
    sqlx::query_as(
        "select m.channel_id, c.last_seq - m.last_read_seq from channel_members m
         join channels c on c.id = m.channel_id
         where m.user_id = $1 and c.last_seq > m.last_read_seq",
    )
    .bind(user)
    .fetch_all(pool)
    .await
    .map_err(AppError::from)
}

/// The members of a room: id, name, whether a customer, whether online on any instance.
pub async fn room_members(pool: &PgPool, room_id: Uuid) -> Result<Vec<Member>, AppError> {
    Ok(sqlx::query_as(&format!(
        "select u.id as user_id, u.display_name as name, u.role = 'customer' as customer,
                exists(select 1 from presence p where p.user_id = u.id and p.seen_at > now() - {}) as online
         from channel_members m
         join users u on u.id = m.user_id where m.channel_id = $1 order by u.display_name",
        presence::FRESH_SQL
    ))
    .bind(room_id)
    .fetch_all(pool)
    .await?)
}
