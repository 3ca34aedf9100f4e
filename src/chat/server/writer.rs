//! Store first, with group commit: posts that arrive within a short window are written
//! in one transaction, with their sequence numbers, and each is acknowledged only after
//! that commit. One `NOTIFY` per batch carries the messages to every instance.

use super::{events, store};
use crate::{
    error::{AppError, ErrorCode},
    protocol::chat::ChatMessage,
    realtime::bus,
};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::{collections::HashMap, time::Duration};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Under load, how long the writer waits for more posts once one arrived.
pub const COMMIT_WINDOW: Duration = Duration::from_millis(1);
/// Posts written at most in one transaction.
pub const MAX_BATCH: usize = 512;
/// Seconds a client is told to wait when the writer is saturated.
const RETRY_AFTER_SECS: u64 = 1;

/// A post to store.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub channel_id: Uuid,
    pub client_id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
}

type Reply = oneshot::Sender<Result<i64, AppError>>;

/// The handle of this instance's writer.
#[derive(Clone)]
pub struct PostWriter {
    queue: mpsc::Sender<(NewPost, Reply)>,
}

pub fn overloaded() -> AppError {
    AppError {
        retry_after_secs: Some(RETRY_AFTER_SECS),
        ..AppError::new(
            ErrorCode::Overloaded,
            "Le serveur est très sollicité : votre message sera renvoyé dans un instant.",
        )
    }
}

impl PostWriter {
    /// Starts the writer; at most `queue` posts wait for it.
    pub fn start(pool: PgPool, queue: usize) -> Self {
        let (tx, rx) = mpsc::channel(queue.max(1));
        tokio::spawn(write_batches(pool, rx));
        Self { queue: tx }
    }

    /// Hands a post to the writer. Refused at once with `overloaded` when the writer
    /// already has all it can hold; the answer is its sequence once committed.
    pub fn submit(
        &self,
        post: NewPost,
    ) -> Result<oneshot::Receiver<Result<i64, AppError>>, AppError> {
        let (reply, answer) = oneshot::channel();
        match self.queue.try_send((post, reply)) {
            Ok(()) => Ok(answer),
            Err(mpsc::error::TrySendError::Full(_)) => {
                metrics::counter!("paddock_chat_posts_overloaded_total").increment(1);
                Err(overloaded())
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(AppError::new(
                ErrorCode::Unavailable,
                "Le serveur redémarre : votre message sera renvoyé.",
            )),
        }
    }
}

async fn write_batches(pool: PgPool, mut queue: mpsc::Receiver<(NewPost, Reply)>) {
    let mut busy = false;
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        // Under load (the last batch had company), wait a moment for more posts; alone,
        // a post goes at once. Posts arriving during a commit form the next batch.
        let window = busy.then(|| tokio::time::Instant::now() + COMMIT_WINDOW);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(post) => batch.push(post),
                Err(_) => match window {
                    Some(window) => match tokio::time::timeout_at(window, queue.recv()).await {
                        Ok(Some(post)) => batch.push(post),
                        _ => break,
                    },
                    None => break,
                },
            }
        }
        busy = batch.len() > 1;
        let (posts, replies): (Vec<NewPost>, Vec<Reply>) = batch.into_iter().unzip();
        let started = std::time::Instant::now();
        let outcomes = commit_with_retry(&pool, &posts).await;
        metrics::histogram!("paddock_chat_commit_seconds").record(started.elapsed().as_secs_f64());
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            let _ = reply.send(outcome);
        }
    }
}

/// Commits a batch; a batch that lost a race on a retried post is written again (the
/// second time finds the post stored and acknowledges it).
async fn commit_with_retry(pool: &PgPool, posts: &[NewPost]) -> Vec<Result<i64, AppError>> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match commit(pool, posts).await {
            Ok(outcomes) => return outcomes,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() && attempt < 3 => continue,
            Err(err) => {
                let error = AppError::from(err);
                return posts.iter().map(|_| Err(error.clone())).collect();
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct ChannelState {
    id: Uuid,
    last_seq: i64,
    /// The transaction's time: every message of the batch is sent at it.
    now: DateTime<Utc>,
}

/// Per post of the batch, in order: whether its author is a member of its channel, its
/// sequence if it is stored already, and whether its channel is closed.
#[derive(sqlx::FromRow)]
struct PostState {
    member: bool,
    stored_seq: Option<i64>,
    room_closed: bool,
    conversation_ended: bool,
}

type PostKey = (Uuid, Uuid, Uuid);

fn key(post: &NewPost) -> PostKey {
    (post.channel_id, post.author_id, post.client_id)
}

/// Writes the batch in one transaction, in four round trips. Each post gets its
/// outcome: its sequence (new, or the one it already had), or why it was refused.
async fn commit(
    pool: &PgPool,
    posts: &[NewPost],
) -> Result<Vec<Result<i64, AppError>>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut channel_ids: Vec<Uuid> = posts.iter().map(|p| p.channel_id).collect();
    channel_ids.sort_unstable();
    channel_ids.dedup();
    // Channel rows are locked in one order, so batches of several instances never
    // deadlock; a room deletion or the end of a conversation takes the same lock, so it
    // waits for this commit, or this batch waits for it. (`last_seq` is read from the
    // locked row itself: its latest version.)
    let channels: HashMap<Uuid, ChannelState> = sqlx::query_as::<_, ChannelState>(
        "select c.id, c.last_seq, now() as now
         from channels c where c.id = any($1) order by c.id for update of c",
    )
    .bind(&channel_ids)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|c| (c.id, c))
    .collect();
    let Some(now) = channels.values().next().map(|c| c.now) else {
        return Ok(posts.iter().map(|_| Err(store::not_member())).collect());
    };
    let channels_of: Vec<Uuid> = posts.iter().map(|p| p.channel_id).collect();
    let authors: Vec<Uuid> = posts.iter().map(|p| p.author_id).collect();
    let client_ids: Vec<Uuid> = posts.iter().map(|p| p.client_id).collect();
    // A statement of its own, begun once the locks are held: a statement sees what was
    // committed before it began, so a deletion, an end or a leave committed while this
    // batch waited for a lock is seen here. (Read by the locking statement, it would
    // not be, and the posts would be stored after it.)
    let states: Vec<PostState> = sqlx::query_as(
        "with closed as (
            select c.id,
                   exists(select 1 from rooms r where r.id = c.id and r.deleted_at is not null) as room_closed,
                   exists(select 1 from support_requests s where s.channel_id = c.id and s.ended_at is not null) as conversation_ended
            from unnest($4::uuid[]) as c (id)
         )
         select exists(select 1 from channel_members m
                       where m.channel_id = k.channel_id and m.user_id = k.author_id) as member,
                (select m.seq from messages m
                 where m.channel_id = k.channel_id and m.author_id = k.author_id
                   and m.client_id = k.client_id) as stored_seq,
                closed.room_closed, closed.conversation_ended
         from unnest($1::uuid[], $2::uuid[], $3::uuid[]) with ordinality
           as k (channel_id, author_id, client_id, n)
         join closed on closed.id = k.channel_id
         order by k.n",
    )
    .bind(&channels_of)
    .bind(&authors)
    .bind(&client_ids)
    .bind(&channel_ids)
    .fetch_all(&mut *tx)
    .await?;

    let mut last_seqs: HashMap<Uuid, i64> = channels.values().map(|c| (c.id, c.last_seq)).collect();
    let mut known: HashMap<PostKey, i64> = HashMap::new();
    let mut stored: Vec<ChatMessage> = Vec::new();
    let mut outcomes = Vec::with_capacity(posts.len());
    for (post, state) in posts.iter().zip(&states) {
        // Stored before (or earlier in this batch): the same sequence again.
        if let Some(seq) = state.stored_seq.or_else(|| known.get(&key(post)).copied()) {
            outcomes.push(Ok(seq));
            continue;
        }
        let outcome = match channels.get(&post.channel_id) {
            None => Err(store::not_member()),
            Some(_) if !state.member => Err(store::not_member()),
            Some(_) if state.room_closed => Err(store::room_closed()),
            Some(_) if state.conversation_ended => Err(store::conversation_ended()),
            Some(_) => {
                let last = last_seqs.entry(post.channel_id).or_default();
                *last += 1;
                known.insert(key(post), *last);
                stored.push(ChatMessage {
                    channel_id: post.channel_id,
                    seq: *last,
                    client_id: post.client_id,
                    author_id: post.author_id,
                    author_name: post.author_name.clone(),
                    body: post.body.clone(),
                    sent_at: now.to_rfc3339(),
                });
                Ok(*last)
            }
        };
        outcomes.push(outcome);
    }
    if !stored.is_empty() {
        insert_and_announce(&mut tx, &stored).await?;
    }
    tx.commit().await?;
    metrics::counter!("paddock_chat_messages_total").increment(stored.len() as u64);
    metrics::histogram!("paddock_chat_commit_batch_size").record(posts.len() as f64);
    Ok(outcomes)
}

/// In one statement: inserts the messages, moves each channel's sequence and the
/// authors' read markers (what one writes, one has read), and announces the batch.
async fn insert_and_announce(
    tx: &mut PgConnection,
    stored: &[ChatMessage],
) -> Result<(), sqlx::Error> {
    let channel_ids: Vec<Uuid> = stored.iter().map(|m| m.channel_id).collect();
    let seqs: Vec<i64> = stored.iter().map(|m| m.seq).collect();
    let authors: Vec<Uuid> = stored.iter().map(|m| m.author_id).collect();
    let client_ids: Vec<Uuid> = stored.iter().map(|m| m.client_id).collect();
    let bodies: Vec<&str> = stored.iter().map(|m| m.body.as_str()).collect();
    let payloads = events::stored_payloads(stored);
    sqlx::query(
        "with batch as (
            select * from unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::uuid[], $5::text[])
              as k (channel_id, seq, author_id, client_id, body)
         ), inserted as (
            insert into messages (channel_id, seq, author_id, client_id, body)
            select channel_id, seq, author_id, client_id, body from batch
         ), sequences as (
            update channels c set last_seq = b.last_seq
            from (select channel_id, max(seq) as last_seq from batch group by channel_id) b
            where c.id = b.channel_id
         ), read_markers as (
            update channel_members m set last_read_seq = greatest(m.last_read_seq, b.seq)
            from (select channel_id, author_id, max(seq) as seq from batch
                  group by channel_id, author_id) b
            where m.channel_id = b.channel_id and m.user_id = b.author_id
         )
         select pg_notify($6, payload) from unnest($7::text[]) as payload",
    )
    .bind(&channel_ids)
    .bind(&seqs)
    .bind(&authors)
    .bind(&client_ids)
    .bind(&bodies)
    .bind(bus::EVENTS_CHANNEL)
    .bind(&payloads)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
