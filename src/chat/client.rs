//! The browser's WebSocket client: connects to `/ws`, reconnects by itself with
//! exponential backoff and jitter, resumes every channel from the last sequence it saw,
//! and feeds [`ChatState`]. On the server it renders nothing and sends nothing.

use super::state::{ChatState, Outgoing};
use crate::protocol::{chat::ChatRequest, support::SupportRequest, ClientMessage};
use leptos::prelude::*;
use uuid::Uuid;

/// How many recent messages a channel shows when first opened.
#[cfg(feature = "hydrate")]
const RECENT: i64 = 50;
/// Read markers go out at most this often (the server's reads budget is per user).
#[cfg(feature = "hydrate")]
const READ_MARKS_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The read markers of this page: the last one wanted and the last one sent, per
/// channel. Only a marker that moves forward is sent, and at most once per period, so
/// that a busy room does not spend the user's reads budget.
#[derive(Debug, Default, Clone)]
pub struct ReadMarks {
    wanted: std::collections::HashMap<Uuid, i64>,
    sent: std::collections::HashMap<Uuid, i64>,
    /// A send is planned: markers wanted meanwhile wait for it.
    pub waiting: bool,
}

impl ReadMarks {
    /// Records that `channel` is read up to `seq`; true if that moves its marker forward.
    pub fn want(&mut self, channel: Uuid, seq: i64) -> bool {
        let wanted = self.wanted.entry(channel).or_default();
        if seq > *wanted {
            *wanted = seq;
            true
        } else {
            false
        }
    }

    /// The markers to send: those wanted past what was sent.
    pub fn due(&self) -> Vec<(Uuid, i64)> {
        self.wanted
            .iter()
            .filter(|(channel, seq)| self.sent.get(channel).is_none_or(|sent| sent < seq))
            .map(|(channel, seq)| (*channel, *seq))
            .collect()
    }

    pub fn sent(&mut self, channel: Uuid, seq: i64) {
        self.sent.insert(channel, seq);
    }
}

#[derive(Clone, Copy)]
pub struct ChatClient {
    pub state: RwSignal<ChatState>,
    #[cfg(feature = "hydrate")]
    socket: StoredValue<Option<web_sys::WebSocket>, LocalStorage>,
    #[cfg(feature = "hydrate")]
    attempt: StoredValue<u32>,
    /// Frames sent again on every (re)connection, such as following the advisor chat.
    on_connect: StoredValue<Vec<ClientMessage>>,
    /// Other parts of the page that read the frames too (the advisor chat's state).
    #[cfg(feature = "hydrate")]
    listeners: StoredValue<Vec<FrameListener>, LocalStorage>,
    /// The current socket's event handlers, released when it is replaced.
    #[cfg(feature = "hydrate")]
    handlers: StoredValue<Option<Handlers>, LocalStorage>,
    /// Opens the login page when the server ends the session (1008).
    #[cfg(feature = "hydrate")]
    session_end: crate::auth::context::SessionEndWatch,
    /// Channels the current socket already follows: each is subscribed once per
    /// connection (a reconnect resubscribes every channel, within the reads budget).
    #[cfg(feature = "hydrate")]
    following: StoredValue<std::collections::HashSet<Uuid>>,
    #[cfg(feature = "hydrate")]
    read_marks: StoredValue<ReadMarks>,
}

#[cfg(feature = "hydrate")]
type FrameListener = std::rc::Rc<dyn Fn(&crate::protocol::ServerMessage)>;

#[cfg(feature = "hydrate")]
struct Handlers {
    _open: wasm_bindgen::closure::Closure<dyn FnMut()>,
    _message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    _close: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::CloseEvent)>,
}

impl ChatClient {
    /// Creates the client; in the browser it connects at once.
    pub fn start() -> Self {
        let client = Self {
            state: RwSignal::new(ChatState::default()),
            #[cfg(feature = "hydrate")]
            socket: StoredValue::new_local(None),
            #[cfg(feature = "hydrate")]
            attempt: StoredValue::new(0),
            on_connect: StoredValue::new(Vec::new()),
            #[cfg(feature = "hydrate")]
            listeners: StoredValue::new_local(Vec::new()),
            #[cfg(feature = "hydrate")]
            handlers: StoredValue::new_local(None),
            #[cfg(feature = "hydrate")]
            session_end: crate::auth::context::SessionEndWatch::new(),
            #[cfg(feature = "hydrate")]
            following: StoredValue::new(Default::default()),
            #[cfg(feature = "hydrate")]
            read_marks: StoredValue::new(ReadMarks::default()),
        };
        #[cfg(feature = "hydrate")]
        {
            client.connect();
            on_cleanup(move || client.shut());
        }
        client
    }

    /// Sends a frame if the socket is open; false otherwise.
    pub fn send(&self, message: impl Into<ClientMessage>) -> bool {
        #[cfg(feature = "hydrate")]
        {
            let Ok(json) = serde_json::to_string(&message.into()) else {
                return false;
            };
            self.socket.with_value(|socket| {
                socket.as_ref().is_some_and(|s| {
                    s.ready_state() == web_sys::WebSocket::OPEN && s.send_with_str(&json).is_ok()
                })
            })
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = message;
            false
        }
    }

    /// Sends `message` now and again after every reconnection.
    pub fn on_each_connect(&self, message: impl Into<ClientMessage>) {
        let message = message.into();
        self.on_connect
            .update_value(|frames| frames.push(message.clone()));
        self.send(message);
    }

    /// Lets `listener` read every frame the server sends, before the chat applies it.
    /// (The server renders the page once and receives no frame.)
    pub fn listen(&self, listener: impl Fn(&crate::protocol::ServerMessage) + 'static) {
        #[cfg(feature = "hydrate")]
        self.listeners
            .update_value(|listeners| listeners.push(std::rc::Rc::new(listener)));
        #[cfg(not(feature = "hydrate"))]
        let _ = listener;
    }

    /// Ends an advisor conversation (either participant).
    pub fn end_conversation(&self, channel_id: Uuid) {
        self.send(SupportRequest::EndConversation { channel_id });
    }

    pub fn join(&self, room_id: Uuid) {
        self.send(ChatRequest::Join { room_id });
    }

    pub fn leave(&self, room_id: Uuid) {
        self.send(ChatRequest::Leave { room_id });
    }

    /// Asks for the members of a room.
    pub fn members(&self, room_id: Uuid) {
        self.send(ChatRequest::Members { room_id });
    }

    /// Opens (or reopens) the conversation with another customer, and shows it.
    pub fn open_direct(&self, user_id: Uuid) {
        self.state.update(|s| s.requested_direct = Some(user_id));
        self.send(ChatRequest::OpenDirect { user_id });
    }

    /// Asks for the page of messages before the oldest one held.
    pub fn older(&self, channel_id: Uuid) {
        let before_seq = self
            .state
            .with_untracked(|s| s.channels.get(&channel_id).and_then(|c| c.first_seq()))
            .unwrap_or(i64::MAX);
        self.send(ChatRequest::History {
            channel_id,
            before_seq,
            limit: 50,
        });
    }

    /// Puts `channel` on screen.
    pub fn view(&self, channel: Option<Uuid>) {
        self.state.update(|s| s.view(channel));
    }

    /// Posts `body` to `channel_id`: pending until acknowledged, failed if it cannot go.
    pub fn post(&self, channel_id: Uuid, body: String) {
        let client_id = Uuid::new_v4();
        self.state
            .update(|s| s.post(channel_id, client_id, body.clone()));
        self.send_post(Outgoing {
            channel_id,
            client_id,
            body,
            delivery: super::state::Delivery::Pending,
            error: None,
            resend: false,
        });
    }

    /// Sends a post; without an open socket it fails, to go again after the reconnect.
    fn send_post(&self, post: Outgoing) {
        let sent = self.send(ChatRequest::Post {
            channel_id: post.channel_id,
            client_id: post.client_id,
            body: post.body,
        });
        if !sent {
            self.state.update(|s| s.disconnected(s.connection));
        }
    }

    /// Sends again, with their ids, the posts lost with the connection or refused
    /// because the server was saturated.
    #[cfg(feature = "hydrate")]
    fn resend(&self) {
        let posts = self
            .state
            .try_update(|s| s.take_resends())
            .unwrap_or_default();
        for post in posts {
            self.send_post(post);
        }
    }

    /// Sends a failed post again with the same client id: never stored twice.
    pub fn retry(&self, client_id: Uuid) {
        if let Some(post) = self.state.try_update(|s| s.retry(client_id)).flatten() {
            self.send_post(post);
        }
    }

    pub fn typing(&self, channel_id: Uuid) {
        self.send(ChatRequest::Typing { channel_id });
    }

    /// Records that `channel_id` is read up to `seq`; sent if it moves the marker
    /// forward, at most once per second.
    pub fn mark_read(&self, channel_id: Uuid, seq: i64) {
        #[cfg(feature = "hydrate")]
        if self
            .read_marks
            .try_update_value(|marks| marks.want(channel_id, seq))
            .unwrap_or(false)
        {
            self.send_read_marks();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (channel_id, seq);
    }

    /// Sends the markers due now, unless a send is planned; then plans the next one.
    #[cfg(feature = "hydrate")]
    fn send_read_marks(&self) {
        if self.read_marks.with_value(|marks| marks.waiting) {
            return;
        }
        let due = self.read_marks.with_value(ReadMarks::due);
        if due.is_empty() {
            return;
        }
        for (channel_id, seq) in due {
            if self.send(ChatRequest::MarkRead { channel_id, seq }) {
                self.read_marks
                    .update_value(|marks| marks.sent(channel_id, seq));
            }
        }
        self.read_marks.update_value(|marks| marks.waiting = true);
        let client = *self;
        set_timeout(
            move || {
                client
                    .read_marks
                    .update_value(|marks| marks.waiting = false);
                client.send_read_marks();
            },
            READ_MARKS_EVERY,
        );
    }

    /// Follows a channel: from the last message seen, or its recent messages. Once per
    /// connection: the socket already sends it live.
    #[cfg(feature = "hydrate")]
    fn subscribe(&self, channel_id: Uuid, last_seq: i64) {
        if !self
            .following
            .try_update_value(|following| following.insert(channel_id))
            .unwrap_or(true)
        {
            return;
        }
        let seen = self
            .state
            .with_untracked(|s| s.channels.get(&channel_id).map(|c| c.last_seq()))
            .filter(|seq| *seq > 0);
        let after_seq = seen.unwrap_or((last_seq - RECENT).max(0));
        self.state.update(|s| {
            let known = s.live_from.entry(channel_id).or_default();
            *known = (*known).max(last_seq);
        });
        self.send(ChatRequest::Subscribe {
            channel_id,
            after_seq,
        });
    }

    #[cfg(feature = "hydrate")]
    fn on_frame(&self, text: &str) {
        use crate::protocol::ServerMessage;
        let Ok(message) = crate::protocol::tagged::decode::<ServerMessage>(text) else {
            return;
        };
        let follow = match &message {
            ServerMessage::Joined { room, last_seq } => Some((room.id, *last_seq)),
            ServerMessage::DirectOpened { direct, last_seq } => {
                Some((direct.channel_id, *last_seq))
            }
            ServerMessage::SupportOpened { conversation }
            | ServerMessage::SupportTransferred { conversation, .. } => {
                Some((conversation.channel_id, conversation.last_seq))
            }
            _ => None,
        };
        let support_channels: Vec<(Uuid, i64)> = match &message {
            ServerMessage::SupportConversations { conversations } => conversations
                .iter()
                .map(|c| (c.channel_id, c.last_seq))
                .collect(),
            _ => Vec::new(),
        };
        let joined_rooms = match &message {
            ServerMessage::Rooms {
                rooms,
                joined,
                directs,
                ..
            } => rooms
                .iter()
                .filter(|r| joined.contains(&r.id))
                .map(|r| (r.id, r.last_seq))
                .chain(directs.iter().map(|d| (d.channel_id, d.last_seq)))
                .collect(),
            _ => Vec::new(),
        };
        if let ServerMessage::Left { room_id } = &message {
            // Followed again if joined again.
            self.following.update_value(|following| {
                following.remove(room_id);
            });
        }
        let listeners = self.listeners.with_value(|l| l.clone());
        for listener in listeners {
            listener(&message);
        }
        self.state.update(|s| s.apply(message));
        if let Some(wait) = self
            .state
            .try_update_untracked(|s| s.take_resend_delay())
            .flatten()
        {
            let client = *self;
            set_timeout(
                move || client.resend(),
                std::time::Duration::from_secs(wait),
            );
        }
        if let Some((channel, last_seq)) = follow {
            self.subscribe(channel, last_seq);
        }
        for (channel, last_seq) in joined_rooms.into_iter().chain(support_channels) {
            self.subscribe(channel, last_seq);
        }
    }
}

#[cfg(feature = "hydrate")]
use super::state::Connection;

#[cfg(feature = "hydrate")]
impl ChatClient {
    fn url() -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/ws", location.host().ok()?))
    }

    fn connect(self) {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Some(url) = Self::url() else { return };
        let Ok(socket) = web_sys::WebSocket::new(&url) else {
            self.schedule_reconnect();
            return;
        };
        self.state.update(|s| {
            if s.connection != Connection::Reconnecting {
                s.connection = Connection::Connecting;
            }
        });

        let on_open = Closure::<dyn FnMut()>::new(move || {
            self.attempt.set_value(0);
            self.send(ChatRequest::WatchRooms);
            for frame in self.on_connect.get_value() {
                self.send(frame);
            }
            // Direct conversations and rooms seen before the drop resume where they were
            // (once each: the room list that follows does not subscribe them again).
            self.following.set_value(Default::default());
            for (channel, last) in self.state.with_untracked(|s| s.resume_points()) {
                self.following.update_value(|following| {
                    following.insert(channel);
                });
                self.send(ChatRequest::Subscribe {
                    channel_id: channel,
                    after_seq: last,
                });
            }
            // Posts the drop left unacknowledged go again, never stored twice.
            self.resend();
        });
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                if let Some(text) = event.data().as_string() {
                    self.on_frame(&text);
                }
            },
        );
        let on_close =
            Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |event: web_sys::CloseEvent| {
                self.socket.set_value(None);
                if !crate::realtime::close::should_reconnect(event.code()) {
                    // The session ended: reconnecting would be refused. Log in again.
                    self.state.update(|s| s.disconnected(Connection::Offline));
                    self.session_end.session_ended();
                    return;
                }
                self.schedule_reconnect();
            });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The handlers live as long as their socket: replacing the socket (reconnect)
        // or leaving the page releases them.
        self.handlers.set_value(Some(Handlers {
            _open: on_open,
            _message: on_message,
            _close: on_close,
        }));
        self.socket.set_value(Some(socket));
    }

    fn schedule_reconnect(self) {
        let online = web_sys::window()
            .map(|w| w.navigator().on_line())
            .unwrap_or(true);
        self.state.update(|s| {
            s.disconnected(if online {
                Connection::Reconnecting
            } else {
                Connection::Offline
            })
        });
        let attempt = self.attempt.get_value();
        self.attempt.set_value(attempt.saturating_add(1));
        let wait = super::state::backoff_millis(attempt, js_sys::Math::random());
        set_timeout(
            move || self.connect(),
            std::time::Duration::from_millis(wait.into()),
        );
    }

    fn shut(self) {
        self.socket.update_value(|socket| {
            if let Some(socket) = socket.take() {
                socket.set_onopen(None);
                socket.set_onmessage(None);
                socket.set_onclose(None);
                let _ = socket.close();
            }
        });
        self.handlers.set_value(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_marks_go_out_only_when_they_move_forward() {
        let (room, direct) = (Uuid::new_v4(), Uuid::new_v4());
        let mut marks = ReadMarks::default();
        assert!(marks.want(room, 3));
        assert!(!marks.want(room, 3), "the same marker again is not news");
        assert!(!marks.want(room, 2), "markers never move back");
        assert_eq!(marks.due(), vec![(room, 3)]);
        marks.sent(room, 3);
        assert!(marks.due().is_empty());
        // Markers wanted while a send is planned go together, the latest only.
        marks.want(room, 4);
        marks.want(room, 9);
        marks.want(direct, 1);
        let mut due = marks.due();
        due.sort();
        let mut expected = vec![(room, 9), (direct, 1)];
        expected.sort();
        assert_eq!(due, expected);
    }
}
