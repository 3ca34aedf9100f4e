//! The chat's frames on a socket: room list, join and leave, subscriptions with resume,
//! posts (acknowledged after their commit), history, typing, members, read markers and
//! direct conversations.

use super::{
    events::{self, ChatEvent, ROOM_LIST},
    store,
    writer::NewPost,
    Chat,
};
use crate::{
    auth::CurrentUser,
    chat::validate_message,
    error::AppError,
    protocol::{chat::ChatRequest, ServerMessage},
    realtime::{
        connections::{Outbound, Registration, Topic},
        limits::Budget,
        socket::Later,
    },
};
use std::sync::Arc;
use uuid::Uuid;

/// Messages sent at most per resume query.
const RESUME_BATCH: i64 = 500;
/// Messages at most per history page.
pub const MAX_HISTORY_PAGE: u32 = 100;

/// The budget each chat frame spends from (see `realtime::limits`). A `typing` frame
/// spends only when its announcement goes out (at most one per channel per 3 s).
pub fn budget_of(request: &ChatRequest) -> Budget {
    match request {
        ChatRequest::Post { .. } => Budget::Posts,
        ChatRequest::Join { .. } | ChatRequest::Leave { .. } | ChatRequest::OpenDirect { .. } => {
            Budget::Actions
        }
        ChatRequest::WatchRooms
        | ChatRequest::Subscribe { .. }
        | ChatRequest::History { .. }
        | ChatRequest::Typing { .. }
        | ChatRequest::MarkRead { .. }
        | ChatRequest::Members { .. } => Budget::Reads,
    }
}

/// The chat side of one socket.
pub struct ChatSocket {
    pub chat: Arc<Chat>,
    pub user: CurrentUser,
}

async fn reply(socket: &Registration, message: ServerMessage) {
    socket.reply(Outbound::Frame(message.encode())).await;
}

impl ChatSocket {
    /// Handles one chat frame: answers at once, or returns the answer to come.
    pub async fn handle(
        &self,
        socket: &Registration,
        request: ChatRequest,
    ) -> Result<Option<Later>, AppError> {
        let pool = &self.chat.pool;
        let connections = socket.connections();
        let user = self.user.id;
        let limits = &self.chat.limits;
        match &request {
            // Spent once the post is valid, and refused in the order of the socket's posts.
            ChatRequest::Post { .. } => {}
            // Coalesced, and never answered: the page sends one per keystroke.
            ChatRequest::Typing { channel_id } => {
                if !limits.typing_goes_out(user, *channel_id)
                    || limits.spend(user, Budget::Reads).is_err()
                {
                    return Ok(None);
                }
            }
            // Past its budget a frame does nothing else.
            other => limits.spend(user, budget_of(other))?,
        }
        match request {
            ChatRequest::Post {
                channel_id,
                client_id,
                body,
            } => return Ok(Some(self.post(channel_id, client_id, body))),
            ChatRequest::WatchRooms => {
                connections.subscribe(socket.id, ROOM_LIST);
                let (rooms, joined, directs, unread) = tokio::try_join!(
                    store::live_rooms(pool),
                    store::joined_rooms(pool, user),
                    store::directs_of(pool, user),
                    store::unread_of(pool, user),
                )?;
                reply(
                    socket,
                    ServerMessage::Rooms {
                        rooms,
                        joined,
                        directs,
                        unread,
                    },
                )
                .await;
            }
            ChatRequest::Join { room_id } => {
                let (room, last_seq) = store::join_room(pool, user, room_id).await?;
                reply(socket, ServerMessage::Joined { room, last_seq }).await;
            }
            ChatRequest::Leave { room_id } => {
                // Every socket of this user, on every instance, this one included, stops
                // following the room and gets `left` when the leave's event arrives.
                store::leave_room(pool, user, room_id).await?;
                connections.unsubscribe(socket.id, Topic::Channel(room_id));
            }
            ChatRequest::OpenDirect { user_id } => {
                let (direct, last_seq) = store::open_direct(pool, &self.user, user_id).await?;
                reply(socket, ServerMessage::DirectOpened { direct, last_seq }).await;
            }
            ChatRequest::Subscribe {
                channel_id,
                after_seq,
            } => self.subscribe(socket, channel_id, after_seq).await?,
            ChatRequest::History {
                channel_id,
                before_seq,
                limit,
            } => {
                store::ensure_member(pool, user, channel_id).await?;
                let limit = i64::from(limit.clamp(1, MAX_HISTORY_PAGE));
                let mut messages =
                    store::messages_before(pool, channel_id, before_seq, limit + 1).await?;
                let has_more = messages.len() as i64 > limit;
                messages.truncate(limit as usize);
                reply(
                    socket,
                    ServerMessage::History {
                        channel_id,
                        messages,
                        has_more,
                    },
                )
                .await;
            }
            ChatRequest::Typing { channel_id } => {
                // Never answered, not even a refusal: a typing frame is a hint.
                if store::ensure_member(pool, user, channel_id).await.is_err() {
                    return Ok(None);
                }
                let mut conn = pool.acquire().await?;
                let event = ChatEvent::Typing {
                    channel_id,
                    user_id: user,
                    name: self.user.display_name.clone(),
                };
                events::publish(&mut conn, &event).await?;
            }
            ChatRequest::Members { room_id } => {
                store::ensure_member(pool, user, room_id).await?;
                let members = store::room_members(pool, room_id).await?;
                reply(socket, ServerMessage::Members { room_id, members }).await;
            }
            ChatRequest::MarkRead { channel_id, seq } => {
                if let Some(seq) = store::mark_read(pool, user, channel_id, seq).await? {
                    let mut conn = pool.acquire().await?;
                    let event = ChatEvent::Read {
                        channel_id,
                        user_id: user,
                        seq,
                    };
                    events::publish(&mut conn, &event).await?;
                }
            }
        }
        Ok(None)
    }

    /// Follows a channel: live messages are held while what followed `after_seq` is
    /// sent, then flow; each message once, in order.
    async fn subscribe(
        &self,
        socket: &Registration,
        channel_id: Uuid,
        after_seq: i64,
    ) -> Result<(), AppError> {
        let pool = &self.chat.pool;
        let topic = Topic::Channel(channel_id);
        store::ensure_member(pool, self.user.id, channel_id).await?;
        socket
            .reply(Outbound::StartResume {
                channel: channel_id,
            })
            .await;
        socket.connections().subscribe(socket.id, topic);
        // Checked again now that the socket follows the channel: a leave committed
        // meanwhile (whose event may have passed before the subscription) is seen here,
        // and a later one unsubscribes the socket when its event arrives.
        if let Err(refused) = store::ensure_member(pool, self.user.id, channel_id).await {
            socket.connections().unsubscribe(socket.id, topic);
            socket
                .reply(Outbound::Forget {
                    channel: channel_id,
                })
                .await;
            return Err(refused);
        }
        // How far the other side of a conversation has read, for « Vu »; then live.
        for (other, seq) in store::read_markers_of_others(pool, self.user.id, channel_id).await? {
            let frame = ServerMessage::ReadUpTo {
                channel_id,
                user_id: other,
                seq,
            };
            socket.reply(Outbound::Frame(frame.encode())).await;
        }
        let mut last = after_seq.max(0);
        loop {
            let page = store::messages_after(pool, channel_id, last, RESUME_BATCH).await?;
            let done = (page.len() as i64) < RESUME_BATCH;
            let frames = page
                .into_iter()
                .map(|message| {
                    last = message.seq;
                    (message.seq, ServerMessage::Message(message).encode())
                })
                .collect();
            let sent = socket
                .reply(Outbound::Backlog {
                    channel: channel_id,
                    frames,
                    done,
                })
                .await;
            if !sent || done {
                return Ok(());
            }
        }
    }

    /// Hands a post to the writer; the answer (its acknowledgement, or why it was
    /// refused) comes after the commit, in the order of the socket's posts.
    fn post(&self, channel_id: Uuid, client_id: Uuid, body: String) -> Later {
        let refused = |error: AppError| -> Later {
            let frame = ServerMessage::error(error, Some(client_id)).encode();
            Box::pin(async move { Some(frame) })
        };
        let body = match validate_message(&body) {
            Ok(body) => body.to_owned(),
            Err(error) => return refused(error),
        };
        if let Err(limited) = self.chat.limits.spend(self.user.id, Budget::Posts) {
            return refused(limited);
        }
        let answer = self.chat.writer.submit(NewPost {
            channel_id,
            client_id,
            author_id: self.user.id,
            author_name: self.user.display_name.clone(),
            body,
        });
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => return refused(error),
        };
        Box::pin(async move {
            let outcome = answer.await.unwrap_or_else(|_| Err(AppError::internal()));
            Some(match outcome {
                Ok(seq) => ServerMessage::Ack {
                    channel_id,
                    client_id,
                    seq,
                }
                .encode(),
                Err(error) => ServerMessage::error(error, Some(client_id)).encode(),
            })
        })
    }
}
