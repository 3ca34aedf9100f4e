//! Advisor availability, the request queue and advisor conversations in PostgreSQL.
//! Every change is published in the transaction that makes it, like the chat's.

use super::events::{self, SupportEvent};
use super::{
    AdvisorRating, CannedResponse, QueuedRequest, Rating, RequestStatus, SupportConversation,
    TranscriptHit, TranscriptQuery,
};
use crate::{
    chat::server::store,
    error::{AppError, ErrorCode},
    protocol::chat::ChatMessage,
    realtime::presence::FRESH_SQL,
};
use chrono::{DateTime, FixedOffset};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use uuid::Uuid;

fn no_pending_request() -> AppError {
    AppError::new(ErrorCode::NotFound, "Cette demande n’est plus en attente.")
}

/// Records the advisor's choice. Only a connected advisor can make it (it arrives on
/// their socket), so "available" starts connected.
pub async fn set_available(pool: &PgPool, advisor: Uuid, available: bool) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "insert into advisor_status (user_id, available) values ($1, $2)
         on conflict (user_id) do update set available = $2, offline_since = null, changed_at = now()",
    )
    .bind(advisor)
    .bind(available)
    .execute(&mut *tx)
    .await?;
    events::publish(&mut tx, &SupportEvent::QueueChanged).await?;
    tx.commit().await.map_err(AppError::from)
}

/// The advisors who are available now.
pub async fn available_advisors(pool: &PgPool) -> Result<Vec<Uuid>, AppError> {
    sqlx::query_scalar("select user_id from advisor_status where available order by user_id")
        .fetch_all(pool)
        .await
        .map_err(AppError::from)
}

/// The available advisors and the pending requests, read together.
pub async fn queue_state(pool: &PgPool) -> Result<(Vec<Uuid>, Vec<QueuedRequest>), AppError> {
    tokio::try_join!(available_advisors(pool), queue(pool))
}

/// Marks unavailable every available advisor who has had no socket on any instance for
/// `grace`. Returns the advisors it marked.
pub async fn sweep_absent_advisors(pool: &PgPool, grace: Duration) -> Result<Vec<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let connected = format!(
        "exists(select 1 from presence p where p.user_id = s.user_id and p.seen_at > now() - {FRESH_SQL})"
    );
    sqlx::query(&format!(
        "update advisor_status s set offline_since = null where offline_since is not null and {connected}"
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "update advisor_status s set offline_since = now()
         where available and offline_since is null and not {connected}"
    ))
    .execute(&mut *tx)
    .await?;
    let gone: Vec<Uuid> = sqlx::query_scalar(
        "update advisor_status set available = false, offline_since = null, changed_at = now()
         where available and offline_since <= now() - make_interval(secs => $1)
         returning user_id",
    )
    .bind(grace.as_secs_f64())
    .fetch_all(&mut *tx)
    .await?;
    if !gone.is_empty() {
        events::publish(&mut tx, &SupportEvent::QueueChanged).await?;
    }
    tx.commit().await?;
    Ok(gone)
}

/// Files a customer's request, which expires after `expiry` if no advisor takes it.
/// While the desk is open, refused when no advisor is available; while it is closed
/// (`closed_until`), it waits for the opening and its `expiry` starts then. Refused
/// while the customer has another request pending.
pub async fn request(
    pool: &PgPool,
    customer: Uuid,
    topic: Option<&str>,
    expiry: Duration,
    closed_until: Option<DateTime<FixedOffset>>,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let inserted: Result<Option<Uuid>, sqlx::Error> = sqlx::query_scalar(
        "insert into support_requests (customer_id, topic, expires_at)
         select $1, $2, greatest(now(), $4) + make_interval(secs => $3)
         where $4 is not null or exists(select 1 from advisor_status where available)
         returning id",
    )
    .bind(customer)
    .bind(topic)
    .bind(expiry.as_secs_f64())
    .bind(closed_until)
    .fetch_optional(&mut *tx)
    .await;
    let id = match inserted {
        Ok(Some(id)) => id,
        Ok(None) => {
            return Err(AppError::new(
                ErrorCode::NoAdvisorAvailable,
                "Aucun conseiller n’est disponible pour le moment. Réessayez un peu plus tard.",
            ))
        }
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::new(
                ErrorCode::RequestPending,
                "Vous avez déjà une demande en attente : annulez-la pour en faire une autre.",
            ))
        }
        Err(e) => return Err(AppError::from(e)),
    };
    events::publish(&mut tx, &SupportEvent::QueueChanged).await?;
    tx.commit().await?;
    metrics::counter!("paddock_support_requests_total").increment(1);
    Ok(id)
}

/// Expires the pending requests past their time, at most 100 per call: each once,
/// whichever instance sweeps first. Returns the requests it expired.
pub async fn expire_requests(pool: &PgPool) -> Result<Vec<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let expired: Vec<Uuid> = sqlx::query_scalar(
        "update support_requests set status = 'expired', decided_at = now()
         where id in (select id from support_requests
                      where status = 'pending' and expires_at <= now()
                      order by expires_at limit 100 for update skip locked)
         returning id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for &request_id in &expired {
        events::publish(&mut tx, &SupportEvent::Decided { request_id }).await?;
    }
    if !expired.is_empty() {
        events::publish(&mut tx, &SupportEvent::QueueChanged).await?;
    }
    tx.commit().await?;
    metrics::counter!("paddock_support_expired_total").increment(expired.len() as u64);
    Ok(expired)
}

/// While the desk is closed, no request expires: a pending request that would expire
/// before `opening + expiry` (made before the closing) waits for the opening like the
/// requests made since. Returns how many it moved; idempotent, so every instance may run
/// it.
pub async fn hold_requests_until(
    pool: &PgPool,
    opening: DateTime<FixedOffset>,
    expiry: Duration,
) -> Result<u64, AppError> {
    let mut tx = pool.begin().await?;
    let held = sqlx::query(
        "update support_requests set expires_at = $1 + make_interval(secs => $2)
         where status = 'pending' and expires_at < $1 + make_interval(secs => $2)",
    )
    .bind(opening)
    .bind(expiry.as_secs_f64())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if held > 0 {
        // Customers and advisors see the new expiry.
        events::publish(&mut tx, &SupportEvent::QueueChanged).await?;
    }
    tx.commit().await?;
    Ok(held)
}

/// Withdraws the customer's pending request.
pub async fn cancel(pool: &PgPool, customer: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let cancelled = sqlx::query(
        "update support_requests set status = 'cancelled', decided_at = now()
         where customer_id = $1 and status = 'pending'",
    )
    .bind(customer)
    .execute(&mut *tx)
    .await?;
    if cancelled.rows_affected() == 0 {
        return Err(no_pending_request());
    }
    events::publish(&mut tx, &SupportEvent::QueueChanged).await?;
    tx.commit().await.map_err(AppError::from)
}

/// Why a request could not be decided: someone else did, or it is gone.
async fn undecidable(conn: &mut PgConnection, request_id: Uuid) -> AppError {
    let status: Option<RequestStatus> =
        sqlx::query_scalar("select status from support_requests where id = $1")
            .bind(request_id)
            .fetch_optional(conn)
            .await
            .unwrap_or(None);
    match status {
        Some(RequestStatus::Accepted | RequestStatus::Refused) => AppError::new(
            ErrorCode::AlreadyTaken,
            "Un autre conseiller a déjà traité cette demande.",
        ),
        Some(_) => no_pending_request(),
        None => AppError::new(ErrorCode::NotFound, "Cette demande n’existe pas."),
    }
}

/// Accepts a pending request and opens the conversation. The conditional update is
/// atomic: when two advisors accept at once, exactly one gets the request.
pub async fn accept(pool: &PgPool, advisor: Uuid, request_id: Uuid) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let customer: Option<Uuid> = sqlx::query_scalar(
        "update support_requests set status = 'accepted', advisor_id = $2, decided_at = now()
         where id = $1 and status = 'pending' returning customer_id",
    )
    .bind(request_id)
    .bind(advisor)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(customer) = customer else {
        return Err(undecidable(&mut tx, request_id).await);
    };
    let channel_id: Uuid =
        sqlx::query_scalar("insert into channels (kind) values ('support') returning id")
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("insert into channel_members (channel_id, user_id) values ($1, $2), ($1, $3)")
        .bind(channel_id)
        .bind(customer)
        .bind(advisor)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update support_requests set channel_id = $2 where id = $1")
        .bind(request_id)
        .bind(channel_id)
        .execute(&mut *tx)
        .await?;
    events::publish(&mut tx, &SupportEvent::Decided { request_id }).await?;
    events::publish(&mut tx, &SupportEvent::QueueChanged).await?;
    tx.commit().await?;
    metrics::counter!("paddock_support_accepted_total").increment(1);
    Ok(channel_id)
}

/// Refuses a pending request; the customer sees the reason, if any.
pub async fn refuse(
    pool: &PgPool,
    advisor: Uuid,
    request_id: Uuid,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let refused = sqlx::query(
        "update support_requests set status = 'refused', advisor_id = $2, reason = $3, decided_at = now()
         where id = $1 and status = 'pending'",
    )
    .bind(request_id)
    .bind(advisor)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    if refused.rows_affected() == 0 {
        return Err(undecidable(&mut tx, request_id).await);
    }
    events::publish(&mut tx, &SupportEvent::Decided { request_id }).await?;
    events::publish(&mut tx, &SupportEvent::QueueChanged).await?;
    tx.commit().await.map_err(AppError::from)
}

/// Ends a conversation; either participant may. Its history stays readable.
pub async fn end(pool: &PgPool, user: Uuid, channel_id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    // The channel's lock, taken by post batches too: no post is stored after the end.
    sqlx::query("select 1 from channels where id = $1 for update")
        .bind(channel_id)
        .execute(&mut *tx)
        .await?;
    let ended: Option<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "update support_requests set ended_at = now()
         where channel_id = $1 and ended_at is null and $2 in (customer_id, advisor_id)
         returning customer_id, advisor_id",
    )
    .bind(channel_id)
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((customer_id, advisor_id)) = ended else {
        let participant: Option<bool> = sqlx::query_scalar(
            "select ended_at is not null from support_requests
             where channel_id = $1 and $2 in (customer_id, advisor_id)",
        )
        .bind(channel_id)
        .bind(user)
        .fetch_optional(&mut *tx)
        .await?;
        return Err(match participant {
            Some(true) => store::conversation_ended(),
            _ => AppError::new(
                ErrorCode::NotMember,
                "Vous ne participez pas à cette conversation.",
            ),
        });
    };
    events::publish(
        &mut tx,
        &SupportEvent::ConversationEnded {
            channel_id,
            customer_id,
            advisor_id,
        },
    )
    .await?;
    tx.commit().await.map_err(AppError::from)
}

/// Hands an open conversation from its advisor to another available advisor: the
/// channel's membership changes with it, in one transaction under the channel's lock.
pub async fn transfer(
    pool: &PgPool,
    from: Uuid,
    channel_id: Uuid,
    to: Uuid,
    note: Option<&str>,
) -> Result<(), AppError> {
    if from == to {
        return Err(AppError::invalid_input(
            "Choisissez un autre conseiller que vous-même.",
        ));
    }
    let mut tx = pool.begin().await?;
    sqlx::query("select 1 from channels where id = $1 for update")
        .bind(channel_id)
        .execute(&mut *tx)
        .await?;
    let state: Option<(Option<Uuid>, bool)> = sqlx::query_as(
        "select advisor_id, ended_at is not null from support_requests where channel_id = $1",
    )
    .bind(channel_id)
    .fetch_optional(&mut *tx)
    .await?;
    match state {
        Some((Some(advisor), false)) if advisor == from => {}
        Some((Some(advisor), true)) if advisor == from => return Err(store::conversation_ended()),
        _ => {
            return Err(AppError::new(
                ErrorCode::NotMember,
                "Vous ne menez pas cette conversation.",
            ))
        }
    }
    let available: bool = sqlx::query_scalar(
        "select exists(select 1 from advisor_status s join users u on u.id = s.user_id
                       where s.user_id = $1 and s.available and u.role = 'admin')",
    )
    .bind(to)
    .fetch_one(&mut *tx)
    .await?;
    if !available {
        return Err(AppError::new(
            ErrorCode::NoAdvisorAvailable,
            "Ce conseiller n’est pas disponible : choisissez-en un autre.",
        ));
    }
    sqlx::query("update support_requests set advisor_id = $2 where channel_id = $1")
        .bind(channel_id)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from channel_members where channel_id = $1 and user_id = $2")
        .bind(channel_id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into channel_members (channel_id, user_id) values ($1, $2) on conflict do nothing",
    )
    .bind(channel_id)
    .bind(to)
    .execute(&mut *tx)
    .await?;
    events::publish(
        &mut tx,
        &SupportEvent::Transferred {
            channel_id,
            from,
            to,
            note: note.map(str::to_owned),
        },
    )
    .await?;
    tx.commit().await?;
    metrics::counter!("paddock_support_transfers_total").increment(1);
    Ok(())
}

/// The advisors available now, with their names, but `except`.
pub async fn available_colleagues(
    pool: &PgPool,
    except: Uuid,
) -> Result<Vec<(Uuid, String)>, AppError> {
    sqlx::query_as(
        "select u.id, u.display_name from advisor_status s join users u on u.id = s.user_id
         where s.available and u.id <> $1 order by u.display_name",
    )
    .bind(except)
    .fetch_all(pool)
    .await
    .map_err(AppError::from)
}

/// The pending requests, oldest first.
pub async fn queue(pool: &PgPool) -> Result<Vec<QueuedRequest>, AppError> {
    #[derive(sqlx::FromRow)]
    struct QueueRow {
        id: Uuid,
        customer_id: Uuid,
        customer_name: String,
        topic: Option<String>,
        requested_at: chrono::DateTime<chrono::Utc>,
        expires_at: chrono::DateTime<chrono::Utc>,
    }
    sqlx::query_as::<_, QueueRow>(
        "select r.id, r.customer_id, u.display_name as customer_name, r.topic,
                r.created_at as requested_at, r.expires_at
         from support_requests r join users u on u.id = r.customer_id
         where r.status = 'pending' order by r.created_at, r.id",
    )
    .fetch_all(pool)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|row| QueuedRequest {
                id: row.id,
                customer_id: row.customer_id,
                customer_name: row.customer_name,
                topic: row.topic,
                requested_at: row.requested_at.to_rfc3339(),
                expires_at: row.expires_at.to_rfc3339(),
            })
            .collect()
    })
    .map_err(AppError::from)
}

/// What a decided request became.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Decision {
    pub customer_id: Uuid,
    pub advisor_id: Option<Uuid>,
    pub status: RequestStatus,
    /// The advisor's reason for a refusal, if they gave one.
    pub reason: Option<String>,
    /// The conversation an accepted request opened.
    pub channel_id: Option<Uuid>,
}

/// What a decided request became.
pub async fn decision(pool: &PgPool, request_id: Uuid) -> Result<Option<Decision>, AppError> {
    sqlx::query_as(
        "select customer_id, advisor_id, status, reason, channel_id from support_requests where id = $1",
    )
    .bind(request_id)
    .fetch_optional(pool)
    .await
    .map_err(AppError::from)
}

/// A row of [`CONVERSATION_SQL`].
#[derive(sqlx::FromRow)]
struct ConversationRow {
    channel_id: Uuid,
    request_id: Uuid,
    customer_id: Uuid,
    customer_name: String,
    advisor_id: Option<Uuid>,
    /// None once the advisor's account is gone.
    advisor_name: Option<String>,
    topic: Option<String>,
    started_at: chrono::DateTime<chrono::Utc>,
    ended: bool,
    last_seq: i64,
    rating: Option<i16>,
    rating_comment: Option<String>,
}

/// The columns of a [`ConversationRow`], over [`conversation_tables!`].
macro_rules! conversation_columns {
    () => {
        "r.channel_id, r.id as request_id, r.customer_id,
        cu.display_name as customer_name, r.advisor_id, ad.display_name as advisor_name,
        r.topic, r.decided_at as started_at, r.ended_at is not null as ended, c.last_seq,
        r.rating, r.rating_comment"
    };
}

macro_rules! conversation_tables {
    () => {
        "support_requests r
    join channels c on c.id = r.channel_id
    join users cu on cu.id = r.customer_id
    left join users ad on ad.id = r.advisor_id"
    };
}

const CONVERSATION_SQL: &str = concat!(
    "select ",
    conversation_columns!(),
    " from ",
    conversation_tables!()
);

impl From<ConversationRow> for SupportConversation {
    fn from(row: ConversationRow) -> Self {
        SupportConversation {
            channel_id: row.channel_id,
            request_id: row.request_id,
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            advisor_id: row.advisor_id,
            advisor_name: row
                .advisor_name
                .unwrap_or_else(|| "Conseiller Paddock".into()),
            topic: row.topic,
            started_at: row.started_at.to_rfc3339(),
            ended: row.ended,
            last_seq: row.last_seq,
            rating: row.rating.map(|score| Rating {
                score: u8::try_from(score).unwrap_or(0),
                comment: row.rating_comment,
            }),
        }
    }
}

pub async fn conversation_of_channel(
    pool: &PgPool,
    channel_id: Uuid,
) -> Result<Option<SupportConversation>, AppError> {
    sqlx::query_as::<_, ConversationRow>(&format!("{CONVERSATION_SQL} where r.channel_id = $1"))
        .bind(channel_id)
        .fetch_optional(pool)
        .await
        .map(|row| row.map(SupportConversation::from))
        .map_err(AppError::from)
}

/// The conversations `user` takes part in that are still open.
pub async fn open_conversations_of(
    pool: &PgPool,
    user: Uuid,
) -> Result<Vec<SupportConversation>, AppError> {
    sqlx::query_as::<_, ConversationRow>(&format!(
        "{CONVERSATION_SQL} where r.ended_at is null and $1 in (r.customer_id, r.advisor_id)
         order by r.decided_at"
    ))
    .bind(user)
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(SupportConversation::from).collect())
    .map_err(AppError::from)
}

/// The customer's conversations other than `except`, most recent first (10).
pub async fn other_conversations_of(
    pool: &PgPool,
    customer: Uuid,
    except: Uuid,
) -> Result<Vec<SupportConversation>, AppError> {
    sqlx::query_as::<_, ConversationRow>(&format!(
        "{CONVERSATION_SQL} where r.customer_id = $1 and r.channel_id <> $2
         order by r.decided_at desc limit 10"
    ))
    .bind(customer)
    .bind(except)
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(SupportConversation::from).collect())
    .map_err(AppError::from)
}

/// Past and current conversations, most recent first: a customer's own, or every
/// conversation for an advisor (the team shares its transcripts).
pub async fn history(
    pool: &PgPool,
    user: Uuid,
    advisor: bool,
) -> Result<Vec<SupportConversation>, AppError> {
    sqlx::query_as::<_, ConversationRow>(&format!(
        "{CONVERSATION_SQL} where $2 or r.customer_id = $1 order by r.decided_at desc limit 100"
    ))
    .bind(user)
    .bind(advisor)
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(SupportConversation::from).collect())
    .map_err(AppError::from)
}

/// Every message of a conversation, for its participants and the advisors.
pub async fn transcript(
    pool: &PgPool,
    user: Uuid,
    advisor: bool,
    channel_id: Uuid,
) -> Result<(SupportConversation, Vec<ChatMessage>), AppError> {
    let conversation = conversation_of_channel(pool, channel_id)
        .await?
        .filter(|c| advisor || c.customer_id == user)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound, "Cette conversation n’existe pas."))?;
    let messages = store::messages_after(pool, channel_id, 0, 5_000).await?;
    Ok((conversation, messages))
}

/// Records the customer's rating of their ended conversation, once.
pub async fn rate(
    pool: &PgPool,
    customer: Uuid,
    channel_id: Uuid,
    rating: &Rating,
) -> Result<(), AppError> {
    let rated = sqlx::query(
        "update support_requests set rating = $3, rating_comment = $4, rated_at = now()
         where channel_id = $1 and customer_id = $2 and ended_at is not null and rating is null",
    )
    .bind(channel_id)
    .bind(customer)
    .bind(i16::from(rating.score))
    .bind(rating.comment.as_deref())
    .execute(pool)
    .await?;
    if rated.rows_affected() == 1 {
        metrics::counter!("paddock_support_ratings_total").increment(1);
        return Ok(());
    }
    let state: Option<(bool, bool)> = sqlx::query_as(
        "select ended_at is not null, rating is not null from support_requests
         where channel_id = $1 and customer_id = $2",
    )
    .bind(channel_id)
    .bind(customer)
    .fetch_optional(pool)
    .await?;
    Err(match state {
        Some((_, true)) => AppError::new(
            ErrorCode::AlreadyRated,
            "Vous avez déjà noté cette conversation.",
        ),
        Some((false, _)) => AppError::new(
            ErrorCode::ConversationOngoing,
            "La conversation est en cours : vous pourrez la noter une fois terminée.",
        ),
        Some((true, false)) | None => {
            AppError::new(ErrorCode::NotFound, "Cette conversation n’existe pas.")
        }
    })
}

/// Each advisor's average rating, for the dashboard.
pub async fn advisor_ratings(pool: &PgPool) -> Result<Vec<AdvisorRating>, AppError> {
    sqlx::query_as(
        "select r.advisor_id, u.display_name as advisor_name,
                avg(r.rating)::float8 as average, count(*) as ratings
         from support_requests r join users u on u.id = r.advisor_id
         where r.rating is not null
         group by r.advisor_id, u.display_name
         order by u.display_name",
    )
    .fetch_all(pool)
    .await
    .map_err(AppError::from)
}

/// A row of the transcript search: a conversation and, when text was searched, the
/// first message that matches, its matching words between `HIT_START` and `HIT_END`.
#[derive(sqlx::FromRow)]
struct HitRow {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    excerpt: Option<String>,
}

/// Advisors' search of the transcripts: by customer (name or email), by the day the
/// conversation started (the dealerships' time zone) and by text, in French (stemmed,
/// accents kept: « vidanges » finds « vidange »). The 50 most recent matches.
pub async fn search_transcripts(
    pool: &PgPool,
    query: &TranscriptQuery,
    time_zone: &str,
) -> Result<Vec<TranscriptHit>, AppError> {
    let customer = crate::text::contains_pattern(&query.customer);
    let highlight = format!(
        "StartSel={}, StopSel={}, MaxWords=18, MinWords=6, MaxFragments=1",
        super::HIT_START,
        super::HIT_END
    );
    // The matching messages come from the full-text index first (the first match of
    // each advisor conversation), then meet the conversations.
    let rows: Vec<HitRow> = sqlx::query_as(concat!(
        "with matched as (
             select distinct on (m.channel_id) m.channel_id, m.body
             from messages m join support_requests s on s.channel_id = m.channel_id
             where $4 <> '' and to_tsvector('french', m.body) @@ websearch_to_tsquery('french', $4)
             order by m.channel_id, m.seq)
         select ",
        conversation_columns!(),
        ", ts_headline('french', hit.body, websearch_to_tsquery('french', $4), $6) as excerpt from ",
        conversation_tables!(),
        "
         left join matched hit on hit.channel_id = r.channel_id
         where ($1 = '%%' or cu.display_name ilike $1 or cu.email ilike $1)
           and ($2::date is null or (r.decided_at at time zone $5)::date >= $2::date)
           and ($3::date is null or (r.decided_at at time zone $5)::date <= $3::date)
           and ($4 = '' or hit.channel_id is not null)
         order by r.decided_at desc limit 50"
    ))
    .bind(customer)
    .bind(query.from)
    .bind(query.to)
    .bind(&query.text)
    .bind(time_zone)
    .bind(highlight)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| TranscriptHit {
            conversation: row.conversation.into(),
            excerpt: row.excerpt,
        })
        .collect())
}

/// The advisors' canned responses, by title.
pub async fn canned_responses(pool: &PgPool) -> Result<Vec<CannedResponse>, AppError> {
    sqlx::query_as("select id, title, body from canned_responses order by lower(title)")
        .fetch_all(pool)
        .await
        .map_err(AppError::from)
}

fn title_taken(err: sqlx::Error) -> AppError {
    match &err {
        sqlx::Error::Database(e) if e.is_unique_violation() => AppError::new(
            ErrorCode::TitleTaken,
            "Une réponse type porte déjà ce titre.",
        ),
        _ => AppError::from(err),
    }
}

/// Creates a canned response, or changes the one `id` names. At most 200 exist.
pub async fn save_canned_response(
    pool: &PgPool,
    advisor: Uuid,
    id: Option<Uuid>,
    title: &str,
    body: &str,
) -> Result<Uuid, AppError> {
    match id {
        Some(id) => sqlx::query_scalar(
            "update canned_responses set title = $2, body = $3, updated_by = $4, updated_at = now()
             where id = $1 returning id",
        )
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(advisor)
        .fetch_optional(pool)
        .await
        .map_err(title_taken)?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound, "Cette réponse type n’existe plus.")),
        None => {
            let mut tx = pool.begin().await?;
            // Counted under a lock: two advisors adding at once stay within the cap.
            sqlx::query("lock table canned_responses in share row exclusive mode")
                .execute(&mut *tx)
                .await?;
            let id: Uuid = sqlx::query_scalar(
                "insert into canned_responses (title, body, updated_by)
                 select $1, $2, $3 where (select count(*) from canned_responses) < 200
                 returning id",
            )
            .bind(title)
            .bind(body)
            .bind(advisor)
            .fetch_optional(&mut *tx)
            .await
            .map_err(title_taken)?
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::OutOfRange,
                    "200 réponses types au plus : supprimez-en une avant d’en ajouter.",
                )
            })?;
            tx.commit().await?;
            Ok(id)
        }
    }
}

pub async fn delete_canned_response(pool: &PgPool, id: Uuid) -> Result<(), AppError> {
    let deleted = sqlx::query("delete from canned_responses where id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::new(
            ErrorCode::NotFound,
            "Cette réponse type n’existe plus.",
        ));
    }
    Ok(())
}
