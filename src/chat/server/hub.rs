//! This instance's registry of live sockets and the fan-out of events.
//!
//! Changes are published with PostgreSQL `NOTIFY` inside the transaction that makes them;
//! every instance `LISTEN`s and delivers each event to its own sockets. A message is
//! serialised once per instance, then shared by every socket that receives it.

use super::store::{self, EVENTS_CHANNEL};
use crate::chat::protocol::ServerMessage;
use crate::support::server as support;
use serde::{Deserialize, Serialize};
use sqlx::{postgres::PgListener, PgPool};
use std::{
    collections::{HashMap, HashSet},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, RwLock,
    },
    time::Duration,
};
use tokio::sync::{mpsc, Notify};
use uuid::Uuid;

/// How often an instance refreshes its presence rows; readers trust rows for 3 beats.
const PRESENCE_HEARTBEAT: Duration = Duration::from_secs(30);

/// What one instance tells the others (and itself) through PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Message {
        channel_id: Uuid,
        seq: i64,
    },
    RoomUpdated {
        room_id: Uuid,
    },
    RoomClosed {
        room_id: Uuid,
    },
    Occupancy {
        room_id: Uuid,
        members: i64,
    },
    Typing {
        channel_id: Uuid,
        user_id: Uuid,
        name: String,
    },
    /// The session ended (logout): its sockets close with 1008.
    SessionEnded {
        session_id: String,
    },
    /// `from` opened a direct conversation with `to`.
    DirectOpened {
        channel_id: Uuid,
        from: Uuid,
        to: Uuid,
    },
    /// The advisor queue or availability changed.
    SupportQueueChanged,
    /// A request was accepted or refused.
    SupportDecided {
        request_id: Uuid,
    },
    /// An advisor conversation ended.
    ConversationEnded {
        channel_id: Uuid,
        customer_id: Uuid,
        advisor_id: Option<Uuid>,
    },
    /// A commercial notification was sent to every customer.
    NotificationSent {
        id: i64,
    },
}

/// A frame waiting in a socket's send queue.
#[derive(Debug, Clone)]
pub enum Outbound {
    /// A channel message: sent only if it follows what this socket already received.
    Message {
        channel_id: Uuid,
        seq: i64,
        json: Arc<str>,
    },
    Other(Arc<str>),
}

/// Why the hub closes a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kick {
    /// Logged out or session expired (1008, policy violation).
    SessionEnded,
    /// Its send queue is full: it cannot keep up (1013, try again later).
    TooSlow,
}

struct Conn {
    user_id: Uuid,
    /// An advisor (admin): receives the request queue rather than a customer's status.
    advisor: bool,
    session_id: String,
    tx: mpsc::Sender<Outbound>,
    kick: Arc<KickSignal>,
}

#[derive(Default)]
pub struct KickSignal {
    reason: Mutex<Option<Kick>>,
    notify: Notify,
}

impl KickSignal {
    fn kick(&self, why: Kick) {
        let mut reason = self.reason.lock().unwrap_or_else(|e| e.into_inner());
        reason.get_or_insert(why);
        self.notify.notify_one();
    }

    /// Waits until the hub kicks this socket.
    pub async fn kicked(&self) -> Kick {
        loop {
            if let Some(why) = *self.reason.lock().unwrap_or_else(|e| e.into_inner()) {
                return why;
            }
            self.notify.notified().await;
        }
    }
}

#[derive(Default)]
struct Registry {
    conns: HashMap<u64, Conn>,
    channels: HashMap<Uuid, HashSet<u64>>,
    lobby: HashSet<u64>,
    /// Sockets following the advisor chat (queue, availability, own request).
    support: HashSet<u64>,
}

pub struct Hub {
    pool: PgPool,
    /// This instance, in the shared `presence` table.
    instance_id: Uuid,
    next_id: AtomicU64,
    registry: RwLock<Registry>,
    /// Frames a socket may have waiting before it counts as too slow.
    pub send_queue: usize,
    /// How long an available advisor may have no socket before becoming unavailable.
    advisor_grace: Duration,
    /// This instance's commercial notification streams (SSE).
    pub notifications: Arc<crate::promo::server::Subscribers>,
}

/// A registered socket; unregisters itself when dropped.
pub struct Registration {
    pub id: u64,
    pub kick: Arc<KickSignal>,
    hub: Arc<Hub>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.unregister(self.id);
    }
}

impl Hub {
    pub fn new(pool: PgPool, send_queue: usize, advisor_grace: Duration) -> Arc<Self> {
        Arc::new(Self {
            pool,
            instance_id: Uuid::new_v4(),
            next_id: AtomicU64::new(1),
            registry: RwLock::new(Registry::default()),
            send_queue,
            advisor_grace,
            notifications: Arc::default(),
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Registry> {
        self.registry.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn register(
        self: &Arc<Self>,
        user_id: Uuid,
        advisor: bool,
        session_id: String,
        tx: mpsc::Sender<Outbound>,
    ) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let kick = Arc::new(KickSignal::default());
        self.write().conns.insert(
            id,
            Conn {
                user_id,
                advisor,
                session_id,
                tx,
                kick: kick.clone(),
            },
        );
        metrics::gauge!("paddock_ws_connections").increment(1.0);
        Registration {
            id,
            kick,
            hub: self.clone(),
        }
    }

    /// Records in the shared table that `user_id` is online on this instance, before the
    /// socket is announced, so that every instance sees it at once.
    pub async fn mark_online(&self, user_id: Uuid) {
        let recorded = sqlx::query(
            "insert into presence (instance_id, user_id) values ($1, $2)
             on conflict (instance_id, user_id) do update set seen_at = now()",
        )
        .bind(self.instance_id)
        .bind(user_id)
        .execute(&self.pool)
        .await;
        if let Err(err) = recorded {
            tracing::warn!(%err, "cannot record presence");
        }
    }

    /// The users with a socket on this instance.
    fn local_users(&self) -> Vec<Uuid> {
        let registry = self.read();
        let users: HashSet<Uuid> = registry.conns.values().map(|c| c.user_id).collect();
        users.into_iter().collect()
    }

    /// Rewrites this instance's presence rows: a missed update (a socket gone while the
    /// database was busy) is corrected within one heartbeat.
    async fn heartbeat(&self) -> Result<(), sqlx::Error> {
        let users = self.local_users();
        let mut tx = self.pool.begin().await?;
        sqlx::query("delete from presence where instance_id = $1 and not (user_id = any($2))")
            .bind(self.instance_id)
            .bind(&users)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into presence (instance_id, user_id) select $1, unnest($2::uuid[])
             on conflict (instance_id, user_id) do update set seen_at = now()",
        )
        .bind(self.instance_id)
        .bind(&users)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    fn unregister(&self, id: u64) {
        let mut registry = self.write();
        let gone = registry.conns.remove(&id).map(|c| c.user_id);
        // The user's last socket here: they are no longer online on this instance.
        if let Some(user_id) = gone.filter(|u| !registry.conns.values().any(|c| c.user_id == *u)) {
            let (pool, instance_id) = (self.pool.clone(), self.instance_id);
            tokio::spawn(async move {
                let _ = sqlx::query("delete from presence where instance_id = $1 and user_id = $2")
                    .bind(instance_id)
                    .bind(user_id)
                    .execute(&pool)
                    .await;
            });
        }
        registry.lobby.remove(&id);
        registry.support.remove(&id);
        registry.channels.retain(|_, subscribers| {
            subscribers.remove(&id);
            !subscribers.is_empty()
        });
        metrics::gauge!("paddock_ws_connections").decrement(1.0);
    }

    pub fn subscribe(&self, id: u64, channel_id: Uuid) {
        self.write()
            .channels
            .entry(channel_id)
            .or_default()
            .insert(id);
    }

    pub fn unsubscribe(&self, id: u64, channel_id: Uuid) {
        let mut registry = self.write();
        if let Some(subscribers) = registry.channels.get_mut(&channel_id) {
            subscribers.remove(&id);
            if subscribers.is_empty() {
                registry.channels.remove(&channel_id);
            }
        }
    }

    pub fn watch_rooms(&self, id: u64) {
        self.write().lobby.insert(id);
    }

    pub fn watch_support(&self, id: u64) {
        self.write().support.insert(id);
    }

    /// Sends every advisor following the chat the queue, and every customer following
    /// it their own place in it, from one read of the queue.
    async fn send_support_state(&self) {
        if self.read().support.is_empty() {
            return;
        }
        let (available, requests) = match support::queue_state(&self.pool).await {
            Ok(state) => state,
            Err(err) => {
                tracing::warn!(?err, "cannot load the advisor queue");
                return;
            }
        };
        let view = |advisor, user| {
            Outbound::Other(encode(&crate::support::queue_view(
                advisor, user, &available, &requests,
            )))
        };
        // Every advisor sees the same queue: encoded once.
        let for_advisors = view(true, Uuid::nil());
        let registry = self.read();
        for id in &registry.support {
            let Some(conn) = registry.conns.get(id) else {
                continue;
            };
            let frame = if conn.advisor {
                for_advisors.clone()
            } else {
                view(false, conn.user_id)
            };
            self.deliver(std::iter::once(id), &frame, &registry);
        }
    }

    /// Queues `frame` for each socket; a socket whose queue is full is disconnected
    /// rather than slowing everyone else (it resumes from its last sequence).
    fn deliver<'a>(
        &self,
        ids: impl Iterator<Item = &'a u64>,
        frame: &Outbound,
        registry: &Registry,
    ) {
        for id in ids {
            if let Some(conn) = registry.conns.get(id) {
                if let Err(mpsc::error::TrySendError::Full(_)) = conn.tx.try_send(frame.clone()) {
                    metrics::counter!("paddock_ws_slow_consumers_total").increment(1);
                    conn.kick.kick(Kick::TooSlow);
                }
            }
        }
    }

    fn to_channel(&self, channel_id: Uuid, frame: Outbound, except_user: Option<Uuid>) {
        let registry = self.read();
        if let Some(subscribers) = registry.channels.get(&channel_id) {
            let ids = subscribers.iter().filter(|id| {
                except_user
                    .is_none_or(|user| registry.conns.get(id).is_some_and(|c| c.user_id != user))
            });
            self.deliver(ids, &frame, &registry);
        }
    }

    /// Whether `user_id` has a socket on this instance.
    pub fn is_online(&self, user_id: Uuid) -> bool {
        self.read().conns.values().any(|c| c.user_id == user_id)
    }

    fn to_user(&self, user_id: Uuid, frame: Outbound) {
        let registry = self.read();
        let ids = registry
            .conns
            .iter()
            .filter(|(_, c)| c.user_id == user_id)
            .map(|(id, _)| id);
        self.deliver(ids, &frame, &registry);
    }

    fn to_lobby(&self, frame: Outbound) {
        let registry = self.read();
        self.deliver(registry.lobby.iter(), &frame, &registry);
    }

    /// Delivers one event to this instance's sockets.
    pub async fn dispatch(&self, event: Event) {
        match event {
            Event::Message { channel_id, seq } => {
                if !self.read().channels.contains_key(&channel_id) {
                    return;
                }
                match store::message_at(&self.pool, channel_id, seq).await {
                    Ok(Some(message)) => {
                        let json = encode(&ServerMessage::Message(message));
                        self.to_channel(
                            channel_id,
                            Outbound::Message {
                                channel_id,
                                seq,
                                json,
                            },
                            None,
                        );
                    }
                    Ok(None) => tracing::warn!(%channel_id, seq, "notified message not found"),
                    Err(err) => tracing::warn!(?err, "cannot load a notified message"),
                }
            }
            Event::RoomUpdated { room_id } => {
                if let Ok(Some(room)) = store::room_summary(&self.pool, room_id).await {
                    self.to_lobby(Outbound::Other(encode(&ServerMessage::RoomUpdated {
                        room,
                    })));
                }
            }
            Event::RoomClosed { room_id } => {
                let frame = Outbound::Other(encode(&ServerMessage::RoomClosed { room_id }));
                self.to_lobby(frame.clone());
                let registry = self.read();
                // Members looking at the room, not already told through the lobby.
                if let Some(subscribers) = registry.channels.get(&room_id) {
                    let ids = subscribers.iter().filter(|id| !registry.lobby.contains(id));
                    self.deliver(ids, &frame, &registry);
                }
            }
            Event::Occupancy { room_id, members } => {
                self.to_lobby(Outbound::Other(encode(&ServerMessage::Occupancy {
                    room_id,
                    members,
                })));
            }
            Event::Typing {
                channel_id,
                user_id,
                name,
            } => {
                let frame = Outbound::Other(encode(&ServerMessage::Typing {
                    channel_id,
                    user_id,
                    name,
                }));
                self.to_channel(channel_id, frame, Some(user_id));
            }
            Event::DirectOpened {
                channel_id,
                from,
                to,
            } => {
                if !self.is_online(to) {
                    return;
                }
                let name: Result<String, _> =
                    sqlx::query_scalar("select display_name from users where id = $1")
                        .bind(from)
                        .fetch_one(&self.pool)
                        .await;
                if let Ok(other_name) = name {
                    let direct = crate::chat::protocol::DirectSummary {
                        channel_id,
                        other_id: from,
                        other_name,
                        last_seq: 0,
                    };
                    let frame = encode(&ServerMessage::DirectOpened {
                        direct,
                        last_seq: 0,
                    });
                    self.to_user(to, Outbound::Other(frame));
                }
            }
            Event::SupportQueueChanged => self.send_support_state().await,
            Event::SupportDecided { request_id } => {
                let decision = match support::decision(&self.pool, request_id).await {
                    Ok(Some(decision)) => decision,
                    Ok(None) => return,
                    Err(err) => {
                        tracing::warn!(?err, "cannot load a decided request");
                        return;
                    }
                };
                let (customer, advisor, status, reason, channel) = decision;
                match (status.as_str(), channel) {
                    ("accepted", Some(channel_id)) => {
                        if let Ok(Some(conversation)) =
                            support::conversation_of_channel(&self.pool, channel_id).await
                        {
                            let frame = Outbound::Other(encode(&ServerMessage::SupportOpened {
                                conversation,
                            }));
                            self.to_user(customer, frame.clone());
                            if let Some(advisor) = advisor {
                                self.to_user(advisor, frame);
                            }
                        }
                    }
                    ("refused", _) => {
                        let frame = encode(&ServerMessage::SupportRefused { request_id, reason });
                        self.to_user(customer, Outbound::Other(frame));
                    }
                    _ => {}
                }
            }
            Event::ConversationEnded {
                channel_id,
                customer_id,
                advisor_id,
            } => {
                let frame =
                    Outbound::Other(encode(&ServerMessage::ConversationEnded { channel_id }));
                self.to_user(customer_id, frame.clone());
                if let Some(advisor) = advisor_id {
                    self.to_user(advisor, frame);
                }
            }
            Event::NotificationSent { id } => {
                crate::promo::server::dispatch(&self.pool, &self.notifications, id).await;
            }
            Event::SessionEnded { session_id } => {
                self.notifications.end_session(&session_id);
                let registry = self.read();
                for conn in registry
                    .conns
                    .values()
                    .filter(|c| c.session_id == session_id)
                {
                    conn.kick.kick(Kick::SessionEnded);
                }
            }
        }
    }

    /// Listens to the events of every instance. Returns once `LISTEN` is in place, so
    /// nothing committed afterwards is missed; the loop then runs in the background and
    /// reconnects by itself.
    pub async fn start_listener(self: &Arc<Self>) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(EVENTS_CHANNEL).await?;
        let beating = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PRESENCE_HEARTBEAT);
            loop {
                every.tick().await;
                match beating.heartbeat().await {
                    Err(sqlx::Error::PoolClosed) => break,
                    Err(err) => tracing::warn!(%err, "presence heartbeat failed"),
                    Ok(()) => {}
                }
            }
        });
        // Every instance sweeps; the updates are idempotent and announce only changes.
        let sweeping = self.clone();
        tokio::spawn(async move {
            let period = (sweeping.advisor_grace / 6)
                .clamp(Duration::from_millis(100), Duration::from_secs(5));
            let mut every = tokio::time::interval(period);
            loop {
                every.tick().await;
                match support::sweep_absent_advisors(&sweeping.pool, sweeping.advisor_grace).await {
                    Ok(gone) if !gone.is_empty() => {
                        tracing::info!(advisors = gone.len(), "absent advisors marked unavailable");
                    }
                    Ok(_) => {}
                    Err(_) if sweeping.pool.is_closed() => break,
                    Err(err) => tracing::warn!(?err, "advisor sweep failed"),
                }
            }
        });
        let hub = self.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => match serde_json::from_str::<Event>(notification.payload())
                    {
                        Ok(event) => hub.dispatch(event).await,
                        Err(err) => tracing::warn!(%err, "unreadable event"),
                    },
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

pub fn encode(message: &ServerMessage) -> Arc<str> {
    serde_json::to_string(message)
        .expect("server messages always serialise")
        .into()
}
