//! This instance's live sockets: who they belong to, what they follow, and their send
//! queues. Delivering never waits: a frame goes into each socket's bounded queue, and a
//! socket whose queue is full is closed with 1013 rather than slowing everyone else.

use super::close::CloseReason;
use std::{
    collections::{HashMap, HashSet},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, RwLock,
    },
};
use tokio::sync::{mpsc, Notify};
use uuid::Uuid;

pub type ConnId = u64;

/// What a socket follows: one channel's messages, or a named group of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    Channel(Uuid),
    Group(&'static str),
}

/// Who holds a socket.
#[derive(Debug, Clone)]
pub struct Peer {
    pub user_id: Uuid,
    pub session_id: String,
    /// Staff (advisors) may receive other views of the same event than customers.
    pub staff: bool,
}

/// A channel message's sequence and its encoded frame.
pub type SequencedFrame = (i64, Arc<str>);

/// A frame waiting in a socket's send queue.
#[derive(Debug, Clone)]
pub enum Outbound {
    Frame(Arc<str>),
    /// Messages of one channel, in order, with their sequences: each sent only if it
    /// follows what this socket already sent of the channel, and only while the socket
    /// follows the channel. A burst takes one place in the queue, not one per message.
    Sequenced {
        channel: Uuid,
        frames: Arc<[SequencedFrame]>,
    },
    /// The socket starts following `channel`: live messages are held until its backlog
    /// is sent, so that the channel goes out in order, each message once.
    StartResume {
        channel: Uuid,
    },
    /// A page of the backlog, in order; `done` releases the live messages held meanwhile.
    Backlog {
        channel: Uuid,
        frames: Vec<SequencedFrame>,
        done: bool,
    },
    /// The socket stops following `channel`.
    Forget {
        channel: Uuid,
    },
    /// Close the socket after everything queued before.
    Close(CloseReason),
}

/// Tells a socket's writer to close now, skipping its queue.
#[derive(Default)]
pub struct Kick {
    reason: Mutex<Option<CloseReason>>,
    notify: Notify,
}

impl Kick {
    pub fn kick(&self, why: CloseReason) {
        self.reason
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(why);
        self.notify.notify_one();
    }

    /// Waits until the socket is kicked.
    pub async fn kicked(&self) -> CloseReason {
        loop {
            let notified = self.notify.notified();
            if let Some(why) = *self.reason.lock().unwrap_or_else(|e| e.into_inner()) {
                return why;
            }
            notified.await;
        }
    }
}

struct Conn {
    peer: Arc<Peer>,
    tx: mpsc::Sender<Outbound>,
    kick: Arc<Kick>,
}

#[derive(Default)]
struct Inner {
    conns: HashMap<ConnId, Conn>,
    topics: HashMap<Topic, HashSet<ConnId>>,
    by_user: HashMap<Uuid, Vec<ConnId>>,
    /// Places taken by sockets, open or being upgraded: in all and per user.
    slots: usize,
    slots_by_user: HashMap<Uuid, usize>,
}

/// How many sockets this instance holds at most: in all, and per user.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub total: usize,
    pub per_user: usize,
}

/// Why a new socket is refused before its upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The instance holds all the sockets it may (503).
    Instance,
    /// The user holds all the sockets they may on this instance (429).
    User,
}

pub struct Connections {
    next_id: AtomicU64,
    inner: RwLock<Inner>,
    /// Frames a socket may have waiting before it counts as too slow.
    send_queue: usize,
    caps: Caps,
    /// Told each time a socket leaves (shutdown waits for the last one).
    left: Notify,
}

/// A socket's place, taken before the upgrade so that the caps hold even while many
/// upgrades are under way; given back when dropped (the upgrade failed, or the socket
/// closed).
pub struct Slot {
    connections: Arc<Connections>,
    user: Uuid,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut inner = self.connections.write();
        inner.slots = inner.slots.saturating_sub(1);
        if let Some(count) = inner.slots_by_user.get_mut(&self.user) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                inner.slots_by_user.remove(&self.user);
            }
        }
    }
}

/// A registered socket; unregisters itself when dropped.
pub struct Registration {
    pub id: ConnId,
    pub peer: Arc<Peer>,
    pub kick: Arc<Kick>,
    connections: Arc<Connections>,
    queue: mpsc::Sender<Outbound>,
    /// Given back after the socket is unregistered.
    _slot: Slot,
}

impl Registration {
    /// Queues an answer to this socket's own frames. Waits while the queue is full: a
    /// client that sends faster than it reads is slowed down, not closed (its writer's
    /// time limit closes it if it stops reading). False once the socket is gone.
    pub async fn reply(&self, frame: Outbound) -> bool {
        self.queue.send(frame).await.is_ok()
    }

    pub fn connections(&self) -> &Arc<Connections> {
        &self.connections
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.connections.unregister(self.id);
    }
}

impl Connections {
    pub fn new(send_queue: usize, caps: Caps) -> Self {
        Self {
            next_id: AtomicU64::new(1),
            inner: RwLock::default(),
            send_queue: send_queue.max(1),
            caps,
            left: Notify::new(),
        }
    }

    /// Whether the instance holds all the sockets it may: checked before any other
    /// work on an upgrade (the reservation checks again).
    pub fn is_full(&self) -> bool {
        self.read().slots >= self.caps.total
    }

    /// Takes a place for a socket of `user`, unless the instance or the user is at
    /// their cap.
    pub fn reserve(self: &Arc<Self>, user: Uuid) -> Result<Slot, Full> {
        let mut inner = self.write();
        if inner.slots >= self.caps.total {
            return Err(Full::Instance);
        }
        let held = inner.slots_by_user.get(&user).copied().unwrap_or(0);
        if held >= self.caps.per_user {
            return Err(Full::User);
        }
        inner.slots += 1;
        inner.slots_by_user.insert(user, held + 1);
        Ok(Slot {
            connections: self.clone(),
            user,
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers the socket that took `slot`.
    pub fn register(
        self: &Arc<Self>,
        slot: Slot,
        peer: Peer,
    ) -> (Registration, mpsc::Receiver<Outbound>) {
        debug_assert_eq!(slot.user, peer.user_id);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(self.send_queue);
        let kick = Arc::new(Kick::default());
        let peer = Arc::new(peer);
        let mut inner = self.write();
        inner.by_user.entry(peer.user_id).or_default().push(id);
        inner.conns.insert(
            id,
            Conn {
                peer: peer.clone(),
                tx: tx.clone(),
                kick: kick.clone(),
            },
        );
        drop(inner);
        metrics::gauge!("paddock_ws_connections").increment(1.0);
        let registration = Registration {
            id,
            peer,
            kick,
            connections: self.clone(),
            queue: tx,
            _slot: slot,
        };
        (registration, rx)
    }

    fn unregister(&self, id: ConnId) {
        let mut inner = self.write();
        if let Some(conn) = inner.conns.remove(&id) {
            let user = conn.peer.user_id;
            if let Some(ids) = inner.by_user.get_mut(&user) {
                ids.retain(|other| *other != id);
                if ids.is_empty() {
                    inner.by_user.remove(&user);
                }
            }
            inner.topics.retain(|_, ids| {
                ids.remove(&id);
                !ids.is_empty()
            });
            metrics::gauge!("paddock_ws_connections").decrement(1.0);
        }
        drop(inner);
        self.left.notify_waiters();
    }

    pub fn subscribe(&self, id: ConnId, topic: Topic) {
        let mut inner = self.write();
        if inner.conns.contains_key(&id) {
            inner.topics.entry(topic).or_default().insert(id);
        }
    }

    pub fn unsubscribe(&self, id: ConnId, topic: Topic) {
        let mut inner = self.write();
        if let Some(ids) = inner.topics.get_mut(&topic) {
            ids.remove(&id);
            if ids.is_empty() {
                inner.topics.remove(&topic);
            }
        }
    }

    /// Stops every socket of `user` following `topic`, and queues `frames` on each of
    /// them (in one step, so that no message of the topic goes out in between).
    pub fn unfollow_for_user(&self, user: Uuid, topic: Topic, frames: &[Outbound]) {
        let mut inner = self.write();
        let ids: Vec<ConnId> = inner.by_user.get(&user).cloned().unwrap_or_default();
        if let Some(following) = inner.topics.get_mut(&topic) {
            for id in &ids {
                following.remove(id);
            }
            if following.is_empty() {
                inner.topics.remove(&topic);
            }
        }
        for id in &ids {
            if let Some(conn) = inner.conns.get(id) {
                for frame in frames {
                    Self::queue(conn, frame.clone());
                }
            }
        }
    }

    /// Whether socket `id` follows `topic`.
    pub fn follows(&self, id: ConnId, topic: Topic) -> bool {
        self.read()
            .topics
            .get(&topic)
            .is_some_and(|ids| ids.contains(&id))
    }

    pub fn has_subscribers(&self, topic: Topic) -> bool {
        self.read().topics.contains_key(&topic)
    }

    /// Queues `frame` on a socket. A full queue closes the socket with 1013 (it resumes
    /// from its last sequence when it reconnects).
    fn queue(conn: &Conn, frame: Outbound) -> bool {
        match conn.tx.try_send(frame) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                metrics::counter!("paddock_ws_slow_consumers_total").increment(1);
                conn.kick.kick(CloseReason::TooSlow);
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    /// Queues `frame` on every socket following `topic`, but those of `except_user`.
    pub fn to_topic(&self, topic: Topic, frame: Outbound, except_user: Option<Uuid>) {
        let inner = self.read();
        let Some(ids) = inner.topics.get(&topic) else {
            return;
        };
        for id in ids {
            if let Some(conn) = inner.conns.get(id) {
                if except_user != Some(conn.peer.user_id) {
                    Self::queue(conn, frame.clone());
                }
            }
        }
    }

    /// Queues `frame` once on every socket that follows any of `topics`.
    pub fn to_topics(&self, topics: &[Topic], frame: Outbound) {
        let inner = self.read();
        let ids: HashSet<ConnId> = topics
            .iter()
            .filter_map(|topic| inner.topics.get(topic))
            .flatten()
            .copied()
            .collect();
        for id in ids {
            if let Some(conn) = inner.conns.get(&id) {
                Self::queue(conn, frame.clone());
            }
        }
    }

    /// Queues on every socket following `topic` the frame `view` makes for its peer
    /// (none: nothing for that socket).
    pub fn to_topic_each(&self, topic: Topic, mut view: impl FnMut(&Peer) -> Option<Outbound>) {
        let inner = self.read();
        let Some(ids) = inner.topics.get(&topic) else {
            return;
        };
        for id in ids {
            if let Some(conn) = inner.conns.get(id) {
                if let Some(frame) = view(&conn.peer) {
                    Self::queue(conn, frame);
                }
            }
        }
    }

    /// Queues `frame` on every socket of `user` on this instance.
    pub fn to_user(&self, user: Uuid, frame: Outbound) {
        let inner = self.read();
        for id in inner.by_user.get(&user).into_iter().flatten() {
            if let Some(conn) = inner.conns.get(id) {
                Self::queue(conn, frame.clone());
            }
        }
    }

    /// Whether `user` has a socket on this instance.
    pub fn is_online(&self, user: Uuid) -> bool {
        self.read().by_user.contains_key(&user)
    }

    /// The users with a socket on this instance.
    pub fn users(&self) -> Vec<Uuid> {
        self.read().by_user.keys().copied().collect()
    }

    /// The sessions behind this instance's sockets.
    pub fn sessions(&self) -> Vec<String> {
        let inner = self.read();
        let sessions: HashSet<&str> = inner
            .conns
            .values()
            .map(|c| c.peer.session_id.as_str())
            .collect();
        sessions.into_iter().map(str::to_owned).collect()
    }

    /// Closes every socket of the given sessions.
    pub fn kick_sessions(&self, sessions: &HashSet<String>, why: CloseReason) {
        let inner = self.read();
        for conn in inner.conns.values() {
            if sessions.contains(&conn.peer.session_id) {
                conn.kick.kick(why);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.read().conns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits until no socket is left.
    pub async fn all_gone(&self) {
        loop {
            let left = self.left.notified();
            if self.is_empty() {
                return;
            }
            left.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(user_id: Uuid) -> Peer {
        Peer {
            user_id,
            session_id: format!("s-{user_id}"),
            staff: false,
        }
    }

    const CAPS: Caps = Caps {
        total: 100,
        per_user: 10,
    };

    fn open(
        connections: &Arc<Connections>,
        user: Uuid,
    ) -> (Registration, mpsc::Receiver<Outbound>) {
        let slot = connections.reserve(user).expect("under the caps");
        connections.register(slot, peer(user))
    }

    #[tokio::test]
    async fn a_full_queue_kicks_the_socket_as_too_slow_and_others_still_receive() {
        let connections = Arc::new(Connections::new(2, CAPS));
        let (slow, _slow_rx) = open(&connections, Uuid::new_v4());
        let (fast, mut fast_rx) = open(&connections, Uuid::new_v4());
        let room = Topic::Channel(Uuid::new_v4());
        connections.subscribe(slow.id, room);
        connections.subscribe(fast.id, room);
        for _ in 0..3 {
            connections.to_topic(room, Outbound::Frame("x".into()), None);
            assert!(fast_rx.try_recv().is_ok());
        }
        assert_eq!(slow.kick.kicked().await, CloseReason::TooSlow);
    }

    #[tokio::test]
    async fn leaving_removes_the_socket_from_every_topic_and_user() {
        let connections = Arc::new(Connections::new(4, CAPS));
        let user = Uuid::new_v4();
        let (registration, _rx) = open(&connections, user);
        connections.subscribe(registration.id, Topic::Group("rooms"));
        assert!(connections.is_online(user));
        drop(registration);
        assert!(!connections.is_online(user));
        assert!(!connections.has_subscribers(Topic::Group("rooms")));
        connections.all_gone().await;
    }

    #[test]
    fn places_are_capped_per_user_and_per_instance_and_given_back() {
        let connections = Arc::new(Connections::new(
            4,
            Caps {
                total: 3,
                per_user: 2,
            },
        ));
        let (julie, thomas, emma) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let first = connections.reserve(julie).unwrap();
        let _second = connections.reserve(julie).unwrap();
        assert_eq!(connections.reserve(julie).err(), Some(Full::User));
        let _third = connections.reserve(thomas).unwrap();
        assert!(connections.is_full());
        assert_eq!(connections.reserve(emma).err(), Some(Full::Instance));
        // A socket that closes (or an upgrade that fails) gives its place back.
        let (registration, _rx) = connections.register(first, peer(julie));
        drop(registration);
        assert!(!connections.is_full());
        assert!(connections.reserve(julie).is_ok());
    }

    #[tokio::test]
    async fn unfollowing_for_a_user_reaches_every_socket_of_that_user_only() {
        let connections = Arc::new(Connections::new(8, CAPS));
        let (julie, thomas) = (Uuid::new_v4(), Uuid::new_v4());
        let room = Topic::Channel(Uuid::new_v4());
        let (tab_a, mut rx_a) = open(&connections, julie);
        let (tab_b, mut rx_b) = open(&connections, julie);
        let (other, mut rx_other) = open(&connections, thomas);
        for id in [tab_a.id, tab_b.id, other.id] {
            connections.subscribe(id, room);
        }
        connections.unfollow_for_user(julie, room, &[Outbound::Frame("left".into())]);
        assert!(!connections.follows(tab_a.id, room));
        assert!(!connections.follows(tab_b.id, room));
        assert!(connections.follows(other.id, room));
        assert!(matches!(rx_a.try_recv(), Ok(Outbound::Frame(f)) if &*f == "left"));
        assert!(matches!(rx_b.try_recv(), Ok(Outbound::Frame(f)) if &*f == "left"));
        assert!(rx_other.try_recv().is_err());
    }
}
