//! The event bus between instances: PostgreSQL `NOTIFY` inside the transaction that
//! makes a change, `LISTEN` on every instance. Each feature publishes its own events
//! under its own topic and registers the subscriber that delivers them; the bus reads
//! only the topic.

use crate::error::AppError;
use serde::{Deserialize, Serialize};
use sqlx::{postgres::PgListener, PgConnection, PgPool};
use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc, time::Duration};

/// The PostgreSQL notification channel every Paddock instance listens to.
pub const EVENTS_CHANNEL: &str = "paddock_events";
/// PostgreSQL refuses payloads of 8,000 bytes and more.
pub const MAX_PAYLOAD_BYTES: usize = 7_900;

#[derive(Serialize)]
struct Outgoing<'a, T> {
    topic: &'a str,
    event: &'a T,
}

#[derive(Deserialize)]
struct Incoming {
    topic: String,
    event: serde_json::Value,
}

/// The payload that carries `event` under `topic`.
pub fn payload(topic: &str, event: &impl Serialize) -> Result<String, AppError> {
    serde_json::to_string(&Outgoing { topic, event }).map_err(|err| {
        tracing::error!(%err, topic, "unserialisable event");
        AppError::internal()
    })
}

/// Announces `event` when the transaction of `conn` commits (at once outside one).
pub async fn publish(
    conn: &mut PgConnection,
    topic: &str,
    event: &impl Serialize,
) -> Result<(), AppError> {
    let payload = payload(topic, event)?;
    sqlx::query("select pg_notify($1, $2)")
        .bind(EVENTS_CHANNEL)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(())
}

/// Work that must finish before the next event is delivered (a database read).
pub type Work = Pin<Box<dyn Future<Output = ()> + Send>>;

/// What a feature does with the events of its topic, on every instance. Events come in
/// the order of their commits, and the work an event returns is done before the next
/// one, so that each channel's messages reach sockets in order. A topic may have several
/// subscribers (another feature watching it), each given the event in turn.
pub trait Subscriber: Send + Sync + 'static {
    fn on_event(self: Arc<Self>, event: &serde_json::Value) -> Option<Work>;
}

/// The subscribers of this instance, by topic, each in the order it was added.
#[derive(Default)]
pub struct Bus {
    subscribers: HashMap<&'static str, Vec<Arc<dyn Subscriber>>>,
}

impl Bus {
    pub fn on(mut self, topic: &'static str, subscriber: Arc<dyn Subscriber>) -> Self {
        self.subscribers.entry(topic).or_default().push(subscriber);
        self
    }

    async fn dispatch(&self, payload: &str) {
        match serde_json::from_str::<Incoming>(payload) {
            Ok(incoming) => match self.subscribers.get(incoming.topic.as_str()) {
                Some(subscribers) => {
                    for subscriber in subscribers {
                        if let Some(work) = subscriber.clone().on_event(&incoming.event) {
                            work.await;
                        }
                    }
                }
                None => tracing::warn!(topic = incoming.topic, "event of an unknown topic"),
            },
            Err(err) => tracing::warn!(%err, "unreadable event"),
        }
    }

    /// Listens to the events of every instance. Returns once `LISTEN` is in place, so
    /// nothing committed afterwards is missed; the loop then runs in the background and
    /// reconnects by itself.
    pub async fn listen(self, pool: &PgPool) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(EVENTS_CHANNEL).await?;
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => self.dispatch(notification.payload()).await,
                    // The pool is shutting down: release the connection and stop.
                    Err(sqlx::Error::PoolClosed) => break,
                    Err(err) => {
                        // PgListener reconnects on the next recv; missed live events are
                        // recovered by clients resuming from their last sequence.
                        tracing::warn!(%err, "event listener interrupted");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(())
    }
}
