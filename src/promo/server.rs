//! Notifications in PostgreSQL, this instance's SSE subscribers, and the stream itself.

use super::{Draft, Notification, SentNotification, StreamEvent, SSE_EVENT};
use crate::{
    auth::server::db_error,
    chat::server::{hub::Event, store},
    error::AppError,
    server::{context::connection_user, AppState},
};
use axum::{
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{
        sse::{self, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use sqlx::PgPool;
use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, RwLock,
    },
    time::Duration,
};
use tokio::sync::mpsc;
use tower_sessions::Session;
use uuid::Uuid;

/// Notifications replayed at most on one (re)connection.
const REPLAY_LIMIT: i64 = 500;
/// Streams one customer may hold at once (tabs and devices).
const STREAMS_PER_USER: usize = 10;
/// Notifications a stream may have waiting; a stream further behind is closed, and the
/// browser reconnects and catches up from its last event id.
const STREAM_QUEUE: usize = 32;

/// A notification encoded once per instance, shared by every stream that sends it.
#[derive(Debug)]
pub struct Outgoing {
    pub id: i64,
    pub json: Arc<str>,
}

impl Outgoing {
    fn of(notification: Notification) -> Self {
        let id = notification.id;
        let json = serde_json::to_string(&StreamEvent::Notification(notification))
            .expect("notifications always serialise");
        Self {
            id,
            json: json.into(),
        }
    }
}

struct Subscriber {
    user_id: Uuid,
    session_id: String,
    tx: mpsc::Sender<Arc<Outgoing>>,
}

/// This instance's open notification streams.
#[derive(Default)]
pub struct Subscribers {
    next_id: AtomicU64,
    streams: RwLock<HashMap<u64, Subscriber>>,
}

/// An open stream; unregisters itself when the stream is dropped.
pub struct Subscription {
    id: u64,
    subscribers: Arc<Subscribers>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.subscribers.write().remove(&self.id);
        metrics::gauge!("paddock_sse_streams").decrement(1.0);
    }
}

impl Subscribers {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<u64, Subscriber>> {
        self.streams.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<u64, Subscriber>> {
        self.streams.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Registers a stream, unless the user already holds too many.
    fn register(
        self: &Arc<Self>,
        user_id: Uuid,
        session_id: String,
        tx: mpsc::Sender<Arc<Outgoing>>,
    ) -> Option<Subscription> {
        let mut streams = self.write();
        if streams.values().filter(|s| s.user_id == user_id).count() >= STREAMS_PER_USER {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        streams.insert(
            id,
            Subscriber {
                user_id,
                session_id,
                tx,
            },
        );
        metrics::gauge!("paddock_sse_streams").increment(1.0);
        Some(Subscription {
            id,
            subscribers: self.clone(),
        })
    }

    /// Queues `item` on every stream; returns the customers it reached. A stream whose
    /// queue is full loses its sender and ends; its browser reconnects and catches up.
    pub fn deliver(&self, item: &Arc<Outgoing>) -> Vec<Uuid> {
        let mut reached = Vec::new();
        let mut too_slow = Vec::new();
        for (id, subscriber) in self.read().iter() {
            match subscriber.tx.try_send(item.clone()) {
                Ok(()) => reached.push(subscriber.user_id),
                Err(mpsc::error::TrySendError::Full(_)) => too_slow.push(*id),
                Err(mpsc::error::TrySendError::Closed(_)) => {}
            }
        }
        if !too_slow.is_empty() {
            // Dropping a stream's sender ends it.
            let mut streams = self.write();
            for id in too_slow {
                streams.remove(&id);
            }
        }
        reached.sort_unstable();
        reached.dedup();
        reached
    }

    /// Ends the streams of a session (logout).
    pub fn end_session(&self, session_id: &str) {
        self.write().retain(|_, s| s.session_id != session_id);
    }
}

/// Stores a notification and announces it to every instance.
pub async fn send(pool: &PgPool, admin: Uuid, draft: &Draft) -> Result<i64, AppError> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let id: i64 = sqlx::query_scalar(
        "insert into notifications (title, body, link, sent_by) values ($1, $2, $3, $4) returning id",
    )
    .bind(&draft.title)
    .bind(&draft.body)
    .bind(&draft.link)
    .bind(admin)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    store::publish(&mut tx, &Event::NotificationSent { id }).await?;
    tx.commit().await.map_err(db_error)?;
    metrics::counter!("paddock_notifications_sent_total").increment(1);
    Ok(id)
}

type NotificationRow = (
    i64,
    String,
    String,
    Option<String>,
    chrono::DateTime<chrono::Utc>,
    bool,
);

fn notification((id, title, body, link, sent_at, read): NotificationRow) -> Notification {
    Notification {
        id,
        title,
        body,
        link,
        sent_at: sent_at.to_rfc3339(),
        read,
    }
}

/// Notifications addressed to `user` (sent since they registered), with their read state.
const FOR_USER_SQL: &str = "select n.id, n.title, n.body, n.link, n.sent_at,
        exists(select 1 from notification_reads r where r.notification_id = n.id and r.user_id = u.id)
    from notifications n join users u on u.id = $1 and n.sent_at >= u.created_at";

/// What `user` missed after `after_id`, oldest first.
pub async fn since(
    pool: &PgPool,
    user: Uuid,
    after_id: i64,
) -> Result<Vec<Notification>, AppError> {
    sqlx::query_as::<_, NotificationRow>(&format!(
        "{FOR_USER_SQL} where n.id > $2 order by n.id limit $3"
    ))
    .bind(user)
    .bind(after_id)
    .bind(REPLAY_LIMIT)
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(notification).collect())
    .map_err(db_error)
}

/// The latest notifications of `user`, newest first.
pub async fn recent(pool: &PgPool, user: Uuid, limit: i64) -> Result<Vec<Notification>, AppError> {
    sqlx::query_as::<_, NotificationRow>(&format!("{FOR_USER_SQL} order by n.id desc limit $2"))
        .bind(user)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map(|rows| rows.into_iter().map(notification).collect())
        .map_err(db_error)
}

pub async fn latest_id(pool: &PgPool) -> Result<i64, AppError> {
    sqlx::query_scalar("select coalesce(max(id), 0) from notifications")
        .fetch_one(pool)
        .await
        .map_err(db_error)
}

/// Marks one notification (or all, with `None`) read for `user`.
pub async fn mark_read(pool: &PgPool, user: Uuid, id: Option<i64>) -> Result<(), AppError> {
    sqlx::query(&format!(
        "insert into notification_reads (notification_id, user_id)
         select n.id, $1 from ({FOR_USER_SQL} where $2::bigint is null or n.id = $2) as n (id, title, body, link, sent_at, read)
         on conflict do nothing"
    ))
    .bind(user)
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ())
    .map_err(db_error)
}

/// Sent notifications, newest first, with live deliveries and reads.
pub async fn sent(pool: &PgPool) -> Result<Vec<SentNotification>, AppError> {
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        chrono::DateTime<chrono::Utc>,
        Option<String>,
        i64,
        i64,
    );
    sqlx::query_as::<_, Row>(
        "select n.id, n.title, n.body, n.link, n.sent_at, u.display_name,
                (select count(*) from notification_deliveries d where d.notification_id = n.id),
                (select count(*) from notification_reads r where r.notification_id = n.id)
         from notifications n left join users u on u.id = n.sent_by
         order by n.id desc limit 100",
    )
    .fetch_all(pool)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(
                |(id, title, body, link, sent_at, sent_by, delivered_live, read_by)| {
                    SentNotification {
                        id,
                        title,
                        body,
                        link,
                        sent_at: sent_at.to_rfc3339(),
                        sent_by: sent_by.unwrap_or_else(|| "Conseiller Paddock".into()),
                        delivered_live,
                        read_by,
                    }
                },
            )
            .collect()
    })
    .map_err(db_error)
}

/// Delivers a notification to this instance's streams and records who received it.
pub async fn dispatch(pool: &PgPool, subscribers: &Subscribers, id: i64) {
    if subscribers.is_empty() {
        return;
    }
    let row = sqlx::query_as::<_, NotificationRow>(
        "select id, title, body, link, sent_at, false from notifications where id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await;
    let item = match row {
        Ok(Some(row)) => notification(row),
        Ok(None) => return,
        Err(err) => {
            tracing::warn!(%err, "cannot load a notified notification");
            return;
        }
    };
    let reached = subscribers.deliver(&Arc::new(Outgoing::of(item)));
    metrics::counter!("paddock_notifications_delivered_total").increment(reached.len() as u64);
    let recorded = sqlx::query(
        "insert into notification_deliveries (notification_id, user_id)
         select $1, unnest($2::uuid[]) on conflict do nothing",
    )
    .bind(id)
    .bind(&reached)
    .execute(pool)
    .await;
    if let Err(err) = recorded {
        tracing::warn!(%err, "cannot record live deliveries");
    }
}

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    /// The last notification id the page already holds (first connection).
    after: Option<i64>,
}

fn sse_event(id: i64, json: &str) -> Result<sse::Event, Infallible> {
    Ok(sse::Event::default()
        .id(id.to_string())
        .event(SSE_EVENT)
        .data(json))
}

/// `GET /api/notifications/stream`: the customer's notifications as Server-Sent Events.
/// Replays what followed `Last-Event-ID` (or `?after=`), then sends new ones live, each
/// once, in order, with a keep-alive comment in between.
pub async fn stream(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(query): Query<StreamQuery>,
) -> Response {
    let (user, session_id) = match connection_user(&session, &state.pool).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    if user.is_admin() {
        return (StatusCode::FORBIDDEN, "réservé aux clients").into_response();
    }
    let resume_from = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(query.after);
    // Without a resume point, the stream starts after the latest notification.
    let after = match resume_from {
        Some(after) => after,
        None => match latest_id(&state.pool).await {
            Ok(latest) => latest,
            Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        },
    };
    let subscribers = state.chat.hub.notifications.clone();
    let (tx, rx) = mpsc::channel(STREAM_QUEUE);
    // Registered before reading what was missed: a notification sent meanwhile is both
    // queued and read, and the stream skips the copy it already sent.
    let Some(subscription) = subscribers.register(user.id, session_id, tx) else {
        return (StatusCode::TOO_MANY_REQUESTS, "trop de flux ouverts").into_response();
    };
    let Ok(missed) = since(&state.pool, user.id, after).await else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let last_sent = missed.last().map_or(after, |n| n.id);
    let replay = stream::iter(missed.into_iter().map(|n| {
        let event = Outgoing::of(n);
        sse_event(event.id, &event.json)
    }));
    let live = live_events(rx, last_sent, subscription);
    let keep_alive = Duration::from_secs(state.settings.sse_keep_alive_seconds.clamp(1, 25));
    let mut response = Sse::new(replay.chain(live))
        .keep_alive(KeepAlive::new().interval(keep_alive).text("keep-alive"))
        .into_response();
    // Reverse proxies must pass events through at once.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// New notifications after `last_sent`, until the stream is closed or dropped.
fn live_events(
    rx: mpsc::Receiver<Arc<Outgoing>>,
    last_sent: i64,
    subscription: Subscription,
) -> impl Stream<Item = Result<sse::Event, Infallible>> {
    stream::unfold(
        (rx, last_sent, subscription),
        |(mut rx, mut last_sent, subscription)| async move {
            loop {
                let item = rx.recv().await?;
                if item.id <= last_sent {
                    continue;
                }
                last_sent = item.id;
                return Some((
                    sse_event(item.id, &item.json),
                    (rx, last_sent, subscription),
                ));
            }
        },
    )
}
