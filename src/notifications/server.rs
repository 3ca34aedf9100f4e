//! Notifications in PostgreSQL, their events on the bus (topic `notifications`), and
//! the SSE stream itself.

use super::{Draft, Notification, SentNotification, StreamEvent, SSE_EVENT};
use crate::{
    error::{AppError, ErrorCode},
    realtime::{
        bus::{self, Subscriber, Work},
        streams::{StreamItem, StreamRefused, StreamRegistration, Streams},
    },
    server::{
        context::{connection_refused, connection_user, shutting_down},
        AppState,
    },
};
use axum::{
    extract::{Query, State},
    http::{HeaderMap, HeaderValue},
    response::{
        sse::{self, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures_util::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::{convert::Infallible, sync::Arc, time::Duration};
use tokio::sync::mpsc;
use tower_sessions::Session;
use uuid::Uuid;

pub const TOPIC: &str = "notifications";
/// Notifications replayed at most on one (re)connection.
const REPLAY_LIMIT: i64 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum NotificationEvent {
    /// A notification was sent to every customer.
    Sent { id: i64 },
}

/// A notification encoded once per instance, shared by every stream that sends it.
fn item_of(notification: Notification) -> StreamItem {
    let id = notification.id;
    let json = serde_json::to_string(&StreamEvent::Notification(notification))
        .expect("notifications always serialise");
    StreamItem {
        id: Some(id),
        event: SSE_EVENT,
        json: json.into(),
    }
}

/// Delivers sent notifications to this instance's streams.
pub struct NotificationEvents {
    pub pool: PgPool,
    pub streams: Arc<Streams>,
}

impl Subscriber for NotificationEvents {
    fn on_event(self: Arc<Self>, event: &serde_json::Value) -> Option<Work> {
        match <NotificationEvent as serde::Deserialize>::deserialize(event) {
            Ok(NotificationEvent::Sent { id }) => Some(Box::pin(async move {
                dispatch(&self.pool, &self.streams, id).await
            })),
            Err(err) => {
                tracing::warn!(%err, "unreadable notification event");
                None
            }
        }
    }
}

/// Stores a notification and announces it to every instance.
pub async fn send(pool: &PgPool, admin: Uuid, draft: &Draft) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into notifications (title, body, link, sent_by) values ($1, $2, $3, $4) returning id",
    )
    .bind(&draft.title)
    .bind(&draft.body)
    .bind(&draft.link)
    .bind(admin)
    .fetch_one(&mut *tx)
    .await?;
    bus::publish(&mut tx, TOPIC, &NotificationEvent::Sent { id }).await?;
    tx.commit().await?;
    metrics::counter!("paddock_notifications_sent_total").increment(1);
    Ok(id)
}

/// A notification as stored, with whether its reader has read it.
#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    title: String,
    body: String,
    link: Option<String>,
    sent_at: chrono::DateTime<chrono::Utc>,
    read: bool,
}

impl From<NotificationRow> for Notification {
    fn from(row: NotificationRow) -> Self {
        Notification {
            id: row.id,
            title: row.title,
            body: row.body,
            link: row.link,
            sent_at: row.sent_at.to_rfc3339(),
            read: row.read,
        }
    }
}

/// Notifications addressed to `user` (sent since they registered), with their read state.
const FOR_USER_SQL: &str = "select n.id, n.title, n.body, n.link, n.sent_at,
        exists(select 1 from notification_reads r where r.notification_id = n.id and r.user_id = u.id) as read
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
    .map(|rows| rows.into_iter().map(Notification::from).collect())
    .map_err(AppError::from)
}

/// The latest notifications of `user`, newest first.
pub async fn recent(pool: &PgPool, user: Uuid, limit: i64) -> Result<Vec<Notification>, AppError> {
    sqlx::query_as::<_, NotificationRow>(&format!("{FOR_USER_SQL} order by n.id desc limit $2"))
        .bind(user)
        .bind(limit)
        .fetch_all(pool)
        .await
        .map(|rows| rows.into_iter().map(Notification::from).collect())
        .map_err(AppError::from)
}

pub async fn latest_id(pool: &PgPool) -> Result<i64, AppError> {
    sqlx::query_scalar("select coalesce(max(id), 0) from notifications")
        .fetch_one(pool)
        .await
        .map_err(AppError::from)
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
    .map_err(AppError::from)
}

/// Sent notifications, newest first, with live deliveries and reads.
pub async fn sent(pool: &PgPool) -> Result<Vec<SentNotification>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        title: String,
        body: String,
        link: Option<String>,
        sent_at: chrono::DateTime<chrono::Utc>,
        /// None once the sender's account is gone.
        sent_by: Option<String>,
        delivered_live: i64,
        read_by: i64,
    }
    sqlx::query_as::<_, Row>(
        "select n.id, n.title, n.body, n.link, n.sent_at, u.display_name as sent_by,
                (select count(*) from notification_deliveries d where d.notification_id = n.id) as delivered_live,
                (select count(*) from notification_reads r where r.notification_id = n.id) as read_by
         from notifications n left join users u on u.id = n.sent_by
         order by n.id desc limit 100",
    )
    .fetch_all(pool)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|row| SentNotification {
                id: row.id,
                title: row.title,
                body: row.body,
                link: row.link,
                sent_at: row.sent_at.to_rfc3339(),
                sent_by: row
                    .sent_by
                    .unwrap_or_else(|| "Conseiller Paddock".into()),
                delivered_live: row.delivered_live,
                read_by: row.read_by,
            })
            .collect()
    })
    .map_err(AppError::from)
}

/// Delivers a notification to this instance's streams and records who received it.
async fn dispatch(pool: &PgPool, streams: &Streams, id: i64) {
    if streams.is_empty() {
        return;
    }
    let row = sqlx::query_as::<_, NotificationRow>(
        "select id, title, body, link, sent_at, false as read from notifications where id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await;
    let item = match row {
        Ok(Some(row)) => Notification::from(row),
        Ok(None) => return,
        Err(err) => {
            tracing::warn!(%err, "cannot load a notified notification");
            return;
        }
    };
    let reached = streams.deliver(&Arc::new(item_of(item)));
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

fn sse_event(item: &StreamItem) -> Result<sse::Event, Infallible> {
    let event = sse::Event::default().event(item.event).data(&*item.json);
    // A live hint carries no id: the browser's `Last-Event-ID` stays its last
    // notification's.
    Ok(match item.id {
        Some(id) => event.id(id.to_string()),
        None => event,
    })
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
    let (user, session_id) = match connection_user(&session, &state).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    if user.is_admin() {
        return connection_refused(AppError::new(
            ErrorCode::Forbidden,
            "Les notifications commerciales sont réservées aux clients.",
        ));
    }
    if !state.realtime.accepting() {
        return shutting_down();
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
            Err(_) => return connection_refused(AppError::unavailable()),
        },
    };
    // Registered before reading what was missed: a notification sent meanwhile is both
    // queued and read, and the stream skips the copy it already sent.
    let (registration, rx) = match state.realtime.streams.open(user.id, session_id).await {
        Ok(opened) => opened,
        Err(StreamRefused::TooMany) => {
            return connection_refused(AppError::new(
                ErrorCode::TooManyConnections,
                "Trop de flux de notifications ouverts : fermez un onglet de Paddock pour en ouvrir un autre.",
            ))
        }
        Err(StreamRefused::Unavailable) => return connection_refused(AppError::unavailable()),
    };
    let Ok(missed) = since(&state.pool, user.id, after).await else {
        return connection_refused(AppError::unavailable());
    };
    let last_sent = missed.last().map_or(after, |n| n.id);
    let replay = stream::iter(missed.into_iter().map(|n| {
        let item = item_of(n);
        sse_event(&item)
    }));
    let live = live_events(rx, last_sent, registration);
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
    rx: mpsc::Receiver<Arc<StreamItem>>,
    last_sent: i64,
    registration: StreamRegistration,
) -> impl Stream<Item = Result<sse::Event, Infallible>> {
    stream::unfold(
        (rx, last_sent, registration),
        |(mut rx, mut last_sent, registration)| async move {
            loop {
                let item = rx.recv().await?;
                if let Some(id) = item.id {
                    if id <= last_sent {
                        continue;
                    }
                    last_sent = id;
                }
                return Some((sse_event(&item), (rx, last_sent, registration)));
            }
        },
    )
}
