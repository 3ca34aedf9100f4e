//! What the browser knows of the chat, updated by each server frame. Pure: the socket
//! client feeds it, the components read it, unit tests drive it directly.

use crate::error::ErrorCode;
use crate::protocol::{
    chat::{ChatMessage, DirectSummary, Member, RoomSummary},
    ServerMessage, PROTOCOL_VERSION,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connection {
    #[default]
    Connecting,
    Connected,
    /// Lost; the client is waiting before its next attempt.
    Reconnecting,
    /// The browser reports no network.
    Offline,
}

impl Connection {
    pub fn label(self) -> &'static str {
        match self {
            Connection::Connecting => "Connexion…",
            Connection::Connected => "Connecté",
            Connection::Reconnecting => "Reconnexion…",
            Connection::Offline => "Hors ligne",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Pending,
    Failed,
}

/// A post of this browser not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub channel_id: Uuid,
    pub client_id: Uuid,
    pub body: String,
    pub delivery: Delivery,
    pub error: Option<String>,
    /// Not refused by the server (the connection dropped, or the server was saturated):
    /// sent again by itself, with the same `client_id`, as soon as it can be.
    pub resend: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channel {
    /// Stored messages by sequence: each once, in order.
    pub messages: BTreeMap<i64, ChatMessage>,
    /// Who is typing (display names).
    pub typing: Vec<String>,
    pub closed: bool,
    /// Whether older messages exist before the first one held (unknown until asked).
    pub has_older: Option<bool>,
    /// In a conversation: how far the other participant has read.
    pub read_by_others: i64,
}

impl Channel {
    pub fn last_seq(&self) -> i64 {
        self.messages.keys().next_back().copied().unwrap_or(0)
    }

    pub fn first_seq(&self) -> Option<i64> {
        self.messages.keys().next().copied()
    }

    /// The last message of `me` the other side has read: where « Vu » goes.
    pub fn seen_seq(&self, me: Option<Uuid>) -> Option<i64> {
        self.messages
            .range(..=self.read_by_others)
            .rev()
            .find(|(_, m)| Some(m.author_id) == me)
            .map(|(seq, _)| *seq)
    }

    /// Whether to offer loading older messages.
    pub fn may_have_older(&self) -> bool {
        self.first_seq().is_some_and(|first| first > 1) && self.has_older != Some(false)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatState {
    pub connection: Connection,
    pub me: Option<Uuid>,
    /// Live rooms by id.
    pub rooms: HashMap<Uuid, RoomSummary>,
    /// Rooms this user is a member of.
    pub joined: HashSet<Uuid>,
    pub channels: HashMap<Uuid, Channel>,
    pub outgoing: Vec<Outgoing>,
    /// The last refusal that is not about a post (join refused, …).
    pub notice: Option<(ErrorCode, String)>,
    /// Direct conversations by channel id.
    pub directs: HashMap<Uuid, DirectSummary>,
    /// Members of the rooms asked about.
    pub members: HashMap<Uuid, Vec<Member>>,
    /// Unread messages per channel.
    pub unread: HashMap<Uuid, i64>,
    /// The channel on screen: its messages are read as they come.
    pub viewing: Option<Uuid>,
    /// The customer this user asked to write to, until the conversation opens.
    pub requested_direct: Option<Uuid>,
    /// A conversation this user just opened, for the page to show it.
    pub opened_direct: Option<Uuid>,
    /// Per channel, the last sequence already known when it was followed: earlier
    /// messages sent to catch up are not counted as unread.
    pub live_from: HashMap<Uuid, i64>,
    /// The advisor conversations this user takes part in, with the other participant's
    /// name: channels joined by invitation, ended by either side.
    pub advisor_channels: HashMap<Uuid, String>,
    /// The server was saturated: seconds before sending those posts again.
    pub resend_after: Option<u64>,
}

impl ChatState {
    /// Rooms sorted by name, for display.
    pub fn room_list(&self) -> Vec<RoomSummary> {
        let mut rooms: Vec<_> = self.rooms.values().cloned().collect();
        rooms.sort_by_key(|r| r.name.to_lowercase());
        rooms
    }

    /// Shows `channel`: its messages count as read.
    pub fn view(&mut self, channel: Option<Uuid>) {
        self.viewing = channel;
        if let Some(channel) = channel {
            self.unread.remove(&channel);
        }
    }

    /// Direct conversations sorted by the other customer's name.
    pub fn direct_list(&self) -> Vec<DirectSummary> {
        let mut directs: Vec<_> = self.directs.values().cloned().collect();
        directs.sort_by_key(|d| d.other_name.to_lowercase());
        directs
    }

    pub fn unread_in(&self, channel: Uuid) -> i64 {
        self.unread.get(&channel).copied().unwrap_or(0)
    }

    pub fn is_full(room: &RoomSummary) -> bool {
        room.members >= i64::from(room.capacity)
    }

    /// The last sequence seen per subscribed channel, to resume after a reconnect.
    pub fn resume_points(&self) -> Vec<(Uuid, i64)> {
        self.channels
            .iter()
            .map(|(id, channel)| (*id, channel.last_seq()))
            .collect()
    }

    /// Records a post about to be sent.
    pub fn post(&mut self, channel_id: Uuid, client_id: Uuid, body: String) {
        self.outgoing.push(Outgoing {
            channel_id,
            client_id,
            body,
            delivery: Delivery::Pending,
            error: None,
            resend: false,
        });
    }

    /// The posts to send again by themselves (after a reconnect, or once the server
    /// asked to wait): pending again, same `client_id`, so never stored twice.
    pub fn take_resends(&mut self) -> Vec<Outgoing> {
        self.outgoing
            .iter_mut()
            .filter(|p| p.resend)
            .map(|post| {
                post.resend = false;
                post.delivery = Delivery::Pending;
                post.error = None;
                post.clone()
            })
            .collect()
    }

    /// Seconds to wait before sending the saturated posts again, once.
    pub fn take_resend_delay(&mut self) -> Option<u64> {
        self.resend_after.take()
    }

    /// Marks a failed post pending again, for a retry with the same `client_id`.
    pub fn retry(&mut self, client_id: Uuid) -> Option<Outgoing> {
        let post = self
            .outgoing
            .iter_mut()
            .find(|p| p.client_id == client_id)?;
        post.delivery = Delivery::Pending;
        post.error = None;
        post.resend = false;
        Some(post.clone())
    }

    /// Every post still pending when the connection drops is failed, to be retried.
    pub fn disconnected(&mut self, next: Connection) {
        self.connection = next;
        for post in &mut self.outgoing {
            if post.delivery == Delivery::Pending {
                post.delivery = Delivery::Failed;
                post.error = Some("Non envoyé : connexion perdue.".into());
                post.resend = true;
            }
        }
    }

    pub fn apply(&mut self, message: ServerMessage) {
        match message {
            ServerMessage::Welcome { user_id, protocol } => {
                self.connection = Connection::Connected;
                self.me = Some(user_id);
                if protocol != PROTOCOL_VERSION {
                    self.notice = Some((
                        ErrorCode::Unavailable,
                        "Paddock a été mis à jour : rechargez la page pour continuer.".into(),
                    ));
                }
            }
            ServerMessage::Message(message) => {
                let channel = self.channels.entry(message.channel_id).or_default();
                let mine = Some(message.author_id) == self.me;
                if mine {
                    self.outgoing.retain(|p| p.client_id != message.client_id);
                }
                let new = !channel.messages.contains_key(&message.seq);
                let live = message.seq
                    > self
                        .live_from
                        .get(&message.channel_id)
                        .copied()
                        .unwrap_or(0);
                if new && live && !mine && self.viewing != Some(message.channel_id) {
                    *self.unread.entry(message.channel_id).or_default() += 1;
                }
                channel.typing.retain(|name| *name != message.author_name);
                // Whoever writes has read what came before (their marker moves with
                // their post, without a `read_up_to`).
                if !mine {
                    channel.read_by_others = channel.read_by_others.max(message.seq);
                }
                channel.messages.insert(message.seq, message);
            }
            ServerMessage::Ack { client_id, .. } => {
                // The message itself arrives through the subscription.
                self.outgoing.retain(|p| p.client_id != client_id);
            }
            ServerMessage::History {
                channel_id,
                messages,
                ..
            } => {
                let channel = self.channels.entry(channel_id).or_default();
                for message in messages {
                    channel.messages.insert(message.seq, message);
                }
            }
            ServerMessage::Rooms {
                rooms,
                joined,
                directs,
                unread,
            } => {
                self.rooms = rooms.into_iter().map(|r| (r.id, r)).collect();
                self.joined = joined.into_iter().collect();
                self.directs = directs.into_iter().map(|d| (d.channel_id, d)).collect();
                self.unread = unread
                    .into_iter()
                    .filter(|(c, _)| Some(*c) != self.viewing)
                    .collect();
            }
            ServerMessage::Members { room_id, members } => {
                self.members.insert(room_id, members);
            }
            ServerMessage::RoomUpdated { room } => {
                self.rooms.insert(room.id, room);
            }
            ServerMessage::Occupancy { room_id, members } => {
                if let Some(room) = self.rooms.get_mut(&room_id) {
                    room.members = members;
                }
            }
            ServerMessage::RoomClosed { room_id } => {
                self.rooms.remove(&room_id);
                if let Some(channel) = self.channels.get_mut(&room_id) {
                    channel.closed = true;
                }
            }
            ServerMessage::Joined { room, .. } => {
                self.joined.insert(room.id);
                self.channels.entry(room.id).or_default();
                self.rooms.insert(room.id, room);
                self.notice = None;
            }
            ServerMessage::Left { room_id } => {
                self.joined.remove(&room_id);
                self.channels.remove(&room_id);
                // An advisor conversation handed to a colleague is left too.
                self.advisor_channels.remove(&room_id);
            }
            ServerMessage::DirectOpened { direct, .. } => {
                self.channels.entry(direct.channel_id).or_default();
                if self.requested_direct == Some(direct.other_id) {
                    self.requested_direct = None;
                    self.opened_direct = Some(direct.channel_id);
                }
                self.directs.insert(direct.channel_id, direct);
            }
            ServerMessage::ReadUpTo {
                channel_id,
                user_id,
                seq,
            } => {
                if Some(user_id) != self.me {
                    let channel = self.channels.entry(channel_id).or_default();
                    channel.read_by_others = channel.read_by_others.max(seq);
                }
            }
            ServerMessage::Typing {
                channel_id, name, ..
            } => {
                let channel = self.channels.entry(channel_id).or_default();
                if !channel.typing.contains(&name) {
                    channel.typing.push(name);
                }
            }
            ServerMessage::Error {
                code,
                message,
                client_id,
                retry_after_secs,
                ..
            } => {
                match client_id.and_then(|id| self.outgoing.iter_mut().find(|p| p.client_id == id))
                {
                    Some(post) => {
                        post.delivery = Delivery::Failed;
                        post.error = Some(message);
                        if matches!(code, ErrorCode::Overloaded | ErrorCode::Unavailable) {
                            post.resend = true;
                            let wait = retry_after_secs.unwrap_or(1).max(1);
                            self.resend_after =
                                Some(self.resend_after.map_or(wait, |w| w.max(wait)));
                        }
                        if matches!(code, ErrorCode::RoomClosed | ErrorCode::ConversationEnded) {
                            self.channels.entry(post.channel_id).or_default().closed = true;
                        }
                    }
                    None => self.notice = Some((code, message)),
                }
            }
            // Advisor conversations are channels too; the rest of the advisor chat (queue,
            // requests) is the support page's own state.
            ServerMessage::ConversationEnded { channel_id } => {
                self.channels.entry(channel_id).or_default().closed = true;
            }
            ServerMessage::SupportOpened { conversation }
            | ServerMessage::SupportTransferred { conversation, .. } => {
                let channel = self.channels.entry(conversation.channel_id).or_default();
                channel.closed = conversation.ended;
                self.advisor_channels.insert(
                    conversation.channel_id,
                    conversation.other_name(self.me).to_owned(),
                );
            }
            ServerMessage::SupportConversations { conversations } => {
                for conversation in &conversations {
                    self.channels.entry(conversation.channel_id).or_default();
                    self.advisor_channels.insert(
                        conversation.channel_id,
                        conversation.other_name(self.me).to_owned(),
                    );
                }
            }
            ServerMessage::SupportQueue { .. }
            | ServerMessage::SupportStatus { .. }
            | ServerMessage::SupportRefused { .. }
            | ServerMessage::SupportExpired { .. } => {}
            // The page sends no `ref`: no frame of its own is answered `done`.
            ServerMessage::Done { .. } => {}
        }
    }
}

/// Milliseconds to wait before reconnection attempt `attempt` (0-based): exponential
/// from 500 ms, capped at 30 s, with "equal jitter" so that clients spread out.
/// `random` is in `[0, 1)`.
pub fn backoff_millis(attempt: u32, random: f64) -> u32 {
    let ceiling = 500u32.saturating_mul(1u32 << attempt.min(16)).min(30_000);
    let half = ceiling / 2;
    half + (f64::from(half) * random.clamp(0.0, 1.0)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(channel: Uuid, seq: i64, author: Uuid, client_id: Uuid) -> ChatMessage {
        ChatMessage {
            channel_id: channel,
            seq,
            client_id,
            author_id: author,
            author_name: "Julie Petit".into(),
            body: format!("message {seq}"),
            sent_at: "2026-11-24T09:00:00Z".into(),
        }
    }

    fn room(id: Uuid, members: i64, capacity: i32) -> RoomSummary {
        RoomSummary {
            id,
            name: "Balades".into(),
            capacity,
            members,
            last_seq: 0,
        }
    }

    #[test]
    fn messages_are_kept_once_in_sequence_order() {
        let mut state = ChatState::default();
        let channel = Uuid::new_v4();
        let author = Uuid::new_v4();
        for seq in [2, 1, 3, 2] {
            state.apply(ServerMessage::Message(message(
                channel,
                seq,
                author,
                Uuid::new_v4(),
            )));
        }
        let seqs: Vec<i64> = state.channels[&channel].messages.keys().copied().collect();
        assert_eq!(seqs, vec![1, 2, 3]);
        assert_eq!(state.resume_points(), vec![(channel, 3)]);
    }

    #[test]
    fn a_post_is_pending_until_acknowledged_and_failed_on_disconnect() {
        let mut state = ChatState::default();
        let channel = Uuid::new_v4();
        let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
        state.post(channel, first, "un".into());
        state.post(channel, second, "deux".into());
        state.apply(ServerMessage::Ack {
            channel_id: channel,
            client_id: first,
            seq: 1,
        });
        assert_eq!(state.outgoing.len(), 1);
        assert_eq!(state.outgoing[0].delivery, Delivery::Pending);

        state.disconnected(Connection::Reconnecting);
        assert_eq!(state.connection, Connection::Reconnecting);
        assert_eq!(state.outgoing[0].delivery, Delivery::Failed);
        let retried = state.retry(second).unwrap();
        assert_eq!(retried.client_id, second, "a retry keeps the client id");
        assert_eq!(state.outgoing[0].delivery, Delivery::Pending);
    }

    #[test]
    fn a_refused_post_fails_with_the_servers_message() {
        let mut state = ChatState::default();
        let channel = Uuid::new_v4();
        let id = Uuid::new_v4();
        state.post(channel, id, "après fermeture".into());
        state.apply(ServerMessage::Error {
            code: ErrorCode::RoomClosed,
            message: "Ce salon a été supprimé : il est fermé.".into(),
            client_id: Some(id),
            retry_after_secs: None,
            reference: None,
        });
        assert_eq!(state.outgoing[0].delivery, Delivery::Failed);
        assert!(state.channels[&channel].closed);
        assert!(
            state.take_resends().is_empty(),
            "a refusal is not sent again"
        );
        // A refusal that is not about a post becomes the notice.
        state.apply(ServerMessage::Error {
            code: ErrorCode::RoomFull,
            message: "Ce salon est complet.".into(),
            client_id: None,
            retry_after_secs: None,
            reference: None,
        });
        assert_eq!(
            state.notice,
            Some((ErrorCode::RoomFull, "Ce salon est complet.".into()))
        );
    }

    #[test]
    fn posts_lost_with_the_connection_or_refused_as_overloaded_go_again_with_their_ids() {
        let mut state = ChatState::default();
        let channel = Uuid::new_v4();
        let (lost, saturated, refused) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        state.post(channel, lost, "perdu".into());
        state.disconnected(Connection::Reconnecting);
        state.apply(ServerMessage::Welcome {
            user_id: Uuid::new_v4(),
            protocol: PROTOCOL_VERSION,
        });
        let again = state.take_resends();
        assert_eq!(
            again.iter().map(|p| p.client_id).collect::<Vec<_>>(),
            [lost]
        );
        assert_eq!(state.outgoing[0].delivery, Delivery::Pending);
        assert!(state.take_resends().is_empty(), "sent again once");

        state.post(channel, saturated, "saturé".into());
        state.post(channel, refused, "refusé".into());
        state.apply(ServerMessage::Error {
            code: ErrorCode::Overloaded,
            message: "Le serveur est très sollicité.".into(),
            client_id: Some(saturated),
            retry_after_secs: Some(2),
            reference: None,
        });
        state.apply(ServerMessage::Error {
            code: ErrorCode::MessageTooLong,
            message: "Trop long.".into(),
            client_id: Some(refused),
            retry_after_secs: None,
            reference: None,
        });
        assert_eq!(state.take_resend_delay(), Some(2));
        assert_eq!(state.take_resend_delay(), None);
        let again: Vec<Uuid> = state.take_resends().iter().map(|p| p.client_id).collect();
        assert_eq!(again, [saturated]);
    }

    #[test]
    fn a_server_of_another_protocol_version_asks_for_a_reload() {
        let mut state = ChatState::default();
        state.apply(ServerMessage::Welcome {
            user_id: Uuid::new_v4(),
            protocol: PROTOCOL_VERSION + 1,
        });
        assert!(state.notice.as_ref().unwrap().1.contains("rechargez"));
    }

    #[test]
    fn the_room_list_follows_deltas() {
        let mut state = ChatState::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        state.apply(ServerMessage::Rooms {
            rooms: vec![room(a, 1, 2), room(b, 0, 10)],
            joined: vec![a],
            directs: vec![],
            unread: vec![(a, 3)],
        });
        assert_eq!(state.unread_in(a), 3);
        assert!(
            state.joined.contains(&a),
            "the rooms this user belongs to come with the list"
        );
        state.apply(ServerMessage::Occupancy {
            room_id: a,
            members: 2,
        });
        assert!(ChatState::is_full(&state.rooms[&a]));
        state.apply(ServerMessage::Joined {
            room: room(b, 1, 10),
            last_seq: 0,
        });
        assert!(state.joined.contains(&b));
        state.apply(ServerMessage::RoomClosed { room_id: b });
        assert_eq!(state.room_list().len(), 1);
        assert!(state.channels[&b].closed, "a member sees the room closed");
    }

    #[test]
    fn own_messages_clear_their_pending_copy_and_typing_stops_on_message() {
        let mut state = ChatState::default();
        let me = Uuid::new_v4();
        state.apply(ServerMessage::Welcome {
            user_id: me,
            protocol: PROTOCOL_VERSION,
        });
        assert_eq!(state.connection, Connection::Connected);
        let channel = Uuid::new_v4();
        let id = Uuid::new_v4();
        state.post(channel, id, "salut".into());
        state.apply(ServerMessage::Typing {
            channel_id: channel,
            user_id: Uuid::new_v4(),
            name: "Julie Petit".into(),
        });
        assert_eq!(
            state.channels[&channel].typing,
            vec!["Julie Petit".to_string()]
        );
        state.apply(ServerMessage::Message(message(channel, 1, me, id)));
        assert!(state.outgoing.is_empty());
        assert!(state.channels[&channel].typing.is_empty());
    }

    #[test]
    fn unread_counts_grow_off_screen_and_clear_when_viewed() {
        let mut state = ChatState::default();
        state.apply(ServerMessage::Welcome {
            user_id: Uuid::new_v4(),
            protocol: PROTOCOL_VERSION,
        });
        let (room_a, room_b) = (Uuid::new_v4(), Uuid::new_v4());
        // Messages up to 5 were known when room B was followed: catching up is not unread.
        state.live_from.insert(room_b, 5);
        state.apply(ServerMessage::Message(message(
            room_b,
            4,
            Uuid::new_v4(),
            Uuid::new_v4(),
        )));
        assert_eq!(state.unread_in(room_b), 0);
        state.live_from.insert(room_b, 0);
        state.view(Some(room_a));
        let other = Uuid::new_v4();
        state.apply(ServerMessage::Message(message(
            room_a,
            1,
            other,
            Uuid::new_v4(),
        )));
        state.apply(ServerMessage::Message(message(
            room_b,
            1,
            other,
            Uuid::new_v4(),
        )));
        state.apply(ServerMessage::Message(message(
            room_b,
            2,
            other,
            Uuid::new_v4(),
        )));
        // The same message again (a resume) does not count twice.
        state.apply(ServerMessage::Message(message(
            room_b,
            2,
            other,
            Uuid::new_v4(),
        )));
        assert_eq!(state.unread_in(room_a), 0);
        assert_eq!(state.unread_in(room_b), 2);
        state.view(Some(room_b));
        assert_eq!(state.unread_in(room_b), 0);
    }

    #[test]
    fn a_direct_conversation_asked_for_opens_on_screen_one_received_does_not() {
        let mut state = ChatState::default();
        let (asked, other) = (Uuid::new_v4(), Uuid::new_v4());
        state.requested_direct = Some(asked);
        let direct = |id: Uuid, channel: Uuid| ServerMessage::DirectOpened {
            direct: DirectSummary {
                channel_id: channel,
                other_id: id,
                other_name: "Emma".into(),
                last_seq: 0,
            },
            last_seq: 0,
        };
        let received = Uuid::new_v4();
        state.apply(direct(other, received));
        assert_eq!(state.opened_direct, None);
        let mine = Uuid::new_v4();
        state.apply(direct(asked, mine));
        assert_eq!(state.opened_direct, Some(mine));
        assert_eq!(state.direct_list().len(), 2);
    }

    #[test]
    fn older_pages_are_offered_until_the_first_message() {
        let mut state = ChatState::default();
        let channel = Uuid::new_v4();
        let author = Uuid::new_v4();
        state.apply(ServerMessage::Message(message(
            channel,
            51,
            author,
            Uuid::new_v4(),
        )));
        assert!(state.channels[&channel].may_have_older());
        state.apply(ServerMessage::History {
            channel_id: channel,
            messages: (1..=50)
                .rev()
                .map(|seq| message(channel, seq, author, Uuid::new_v4()))
                .collect(),
            has_more: false,
        });
        let held = &state.channels[&channel];
        assert_eq!(held.messages.len(), 51);
        assert_eq!(held.first_seq(), Some(1));
        assert!(!held.may_have_older());
    }

    #[test]
    fn vu_goes_under_my_last_message_the_other_side_has_read() {
        let mut state = ChatState::default();
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        state.apply(ServerMessage::Welcome {
            user_id: me,
            protocol: PROTOCOL_VERSION,
        });
        let channel = Uuid::new_v4();
        let message = |seq: i64, author: Uuid| {
            ServerMessage::Message(ChatMessage {
                channel_id: channel,
                seq,
                author_id: author,
                author_name: String::new(),
                client_id: Uuid::new_v4(),
                body: format!("n°{seq}"),
                sent_at: String::new(),
            })
        };
        for (seq, author) in [(1, me), (2, me)] {
            state.apply(message(seq, author));
        }
        assert_eq!(
            state.channels[&channel].seen_seq(Some(me)),
            None,
            "nothing read yet"
        );
        // Whoever answers has read what came before.
        state.apply(message(3, other));
        assert_eq!(state.channels[&channel].seen_seq(Some(me)), Some(2));
        state.apply(message(4, me));
        state.apply(message(5, me));
        let read = |seq| ServerMessage::ReadUpTo {
            channel_id: channel,
            user_id: other,
            seq,
        };
        state.apply(read(4));
        assert_eq!(state.channels[&channel].seen_seq(Some(me)), Some(4));
        state.apply(read(1));
        assert_eq!(
            state.channels[&channel].seen_seq(Some(me)),
            Some(4),
            "never back"
        );
        // My own marker on another device says nothing of the other side.
        state.apply(ServerMessage::ReadUpTo {
            channel_id: channel,
            user_id: me,
            seq: 9,
        });
        assert_eq!(state.channels[&channel].read_by_others, 4);
        state.apply(read(5));
        assert_eq!(state.channels[&channel].seen_seq(Some(me)), Some(5));
    }

    #[test]
    fn an_advisor_conversation_that_ends_closes_its_channel() {
        let mut state = ChatState::default();
        let customer = Uuid::new_v4();
        state.apply(ServerMessage::Welcome {
            user_id: customer,
            protocol: PROTOCOL_VERSION,
        });
        let conversation = crate::protocol::support::SupportConversation {
            channel_id: Uuid::new_v4(),
            request_id: Uuid::new_v4(),
            customer_id: customer,
            customer_name: "Julie Petit".into(),
            advisor_id: Some(Uuid::new_v4()),
            advisor_name: "Claire Martin".into(),
            topic: None,
            started_at: String::new(),
            ended: false,
            last_seq: 0,
            rating: None,
        };
        let channel = conversation.channel_id;
        state.apply(ServerMessage::SupportOpened { conversation });
        assert!(!state.channels[&channel].closed);
        assert_eq!(state.advisor_channels[&channel], "Claire Martin");
        state.apply(ServerMessage::ConversationEnded {
            channel_id: channel,
        });
        assert!(state.channels[&channel].closed);
    }

    #[test]
    fn reconnection_waits_grow_exponentially_with_jitter_and_a_cap() {
        assert_eq!(backoff_millis(0, 0.0), 250);
        assert_eq!(backoff_millis(0, 0.999), 499);
        assert_eq!(backoff_millis(3, 0.0), 2_000);
        assert_eq!(backoff_millis(20, 0.0), 15_000);
        assert!(backoff_millis(20, 0.99) < 30_000);
        assert!(backoff_millis(4, 0.5) > backoff_millis(3, 0.5));
    }
}
