//! `GET /ws`: one WebSocket per browser tab, multiplexing rooms and conversations.

use super::{
    hub::{encode, Event, Kick, Outbound},
    store,
};
use crate::{
    auth::CurrentUser,
    chat::{protocol::*, validate_message, MAX_FRAME_BYTES},
    error::{AppError, ErrorCode},
    server::{context::connection_user, AppState},
    support::server as support,
};
use axum::{
    extract::{
        ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade},
        State,
    },
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use std::{collections::HashMap, time::Instant};
use tokio::sync::mpsc;
use tower_sessions::Session;
use uuid::Uuid;

/// Close codes of RFC 6455.
const POLICY_VIOLATION: u16 = 1008;
const MESSAGE_TOO_BIG: u16 = 1009;
const TRY_AGAIN_LATER: u16 = 1013;
const GOING_AWAY: u16 = 1001;
/// Messages sent at most per resume query.
const RESUME_BATCH: i64 = 500;

/// Checks the origin and the session before upgrading: 403 for an origin not exactly in
/// the allowlist, 401 without a logged-in session.
pub async fn upgrade(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let origin_ok = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|origin| state.settings.origins().iter().any(|ok| ok == origin));
    if !origin_ok {
        return (StatusCode::FORBIDDEN, "origine refusée").into_response();
    }
    let (user, session_id) = match connection_user(&session, &state.pool).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        // Small socket buffers keep an idle connection light (tungstenite reads into
        // 128 KiB by default); they grow only for the rare large frame.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| connection(state, user, session_id, socket))
}

async fn send(socket: &mut WebSocket, json: &str) -> bool {
    socket.send(Message::Text(json.into())).await.is_ok()
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

async fn session_alive(state: &AppState, session_id: &str) -> bool {
    sqlx::query_scalar::<_, bool>(
        "select exists(select 1 from tower_sessions.session where id = $1 and expiry_date > now())",
    )
    .bind(session_id)
    .fetch_one(&state.pool)
    .await
    .unwrap_or(true)
}

/// Per connection: what it is subscribed to and the last sequence it received of each.
struct Connection {
    state: AppState,
    user: CurrentUser,
    id: u64,
    delivered: HashMap<Uuid, i64>,
}

async fn connection(state: AppState, user: CurrentUser, session_id: String, mut socket: WebSocket) {
    let chat = state.chat.clone();
    let (tx, mut rx) = mpsc::channel(chat.hub.send_queue);
    let registration = chat
        .hub
        .register(user.id, user.is_admin(), session_id.clone(), tx);
    chat.hub.mark_online(user.id).await;
    let mut conn = Connection {
        state: state.clone(),
        user,
        id: registration.id,
        delivered: HashMap::new(),
    };
    if !send(
        &mut socket,
        &encode(&ServerMessage::Welcome {
            user_id: conn.user.id,
        }),
    )
    .await
    {
        return;
    }
    let mut ping = tokio::time::interval(chat.ping_every);
    ping.tick().await;
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    if !conn.handle(&mut socket, text.as_str()).await {
                        break;
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    let error = error_frame(AppError::invalid_input("Seuls les messages texte JSON sont acceptés."), None);
                    if !send(&mut socket, &error).await { break; }
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => last_heard = Instant::now(),
                Some(Ok(Message::Close(_))) | None => break,
                Some(Err(err)) => {
                    // Frames over the limit end the connection with 1009.
                    let too_big = err.to_string().to_lowercase().contains("too long")
                        || err.to_string().to_lowercase().contains("too big")
                        || err.to_string().to_lowercase().contains("capacity");
                    if too_big {
                        close(&mut socket, MESSAGE_TOO_BIG, "message trop volumineux").await;
                    }
                    break;
                }
            },
            outbound = rx.recv() => match outbound {
                Some(Outbound::Message { channel_id, seq, json }) => {
                    let Some(last) = conn.delivered.get_mut(&channel_id) else { continue };
                    // Already sent while resuming: each message once, in order.
                    if seq <= *last { continue; }
                    *last = seq;
                    if !send(&mut socket, &json).await { break; }
                }
                Some(Outbound::Other(json)) => {
                    if !send(&mut socket, &json).await { break; }
                }
                None => break,
            },
            why = registration.kick.kicked() => {
                match why {
                    Kick::SessionEnded => close(&mut socket, POLICY_VIOLATION, "session terminée").await,
                    Kick::TooSlow => close(&mut socket, TRY_AGAIN_LATER, "connexion trop lente").await,
                }
                break;
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > chat.idle_timeout {
                    close(&mut socket, GOING_AWAY, "inactif").await;
                    break;
                }
                if !session_alive(&state, &session_id).await {
                    close(&mut socket, POLICY_VIOLATION, "session expirée").await;
                    break;
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() { break; }
            }
        }
    }
    drop(registration);
}

fn error_frame(error: AppError, client_id: Option<Uuid>) -> std::sync::Arc<str> {
    encode(&ServerMessage::Error {
        code: error.code,
        message: error.message,
        client_id,
    })
}

impl Connection {
    /// Handles one client frame. Returns false when the socket is gone.
    async fn handle(&mut self, socket: &mut WebSocket, text: &str) -> bool {
        let message = match serde_json::from_str::<ClientMessage>(text) {
            Ok(message) => message,
            Err(_) => {
                let error =
                    AppError::invalid_input("Message illisible : JSON du protocole attendu.");
                return send(socket, &error_frame(error, None)).await;
            }
        };
        let client_id = match &message {
            ClientMessage::Post { client_id, .. } => Some(*client_id),
            _ => None,
        };
        match self.apply(socket, message).await {
            Ok(alive) => alive,
            Err(error) => send(socket, &error_frame(error, client_id)).await,
        }
    }

    async fn apply(
        &mut self,
        socket: &mut WebSocket,
        message: ClientMessage,
    ) -> Result<bool, AppError> {
        let pool = &self.state.pool;
        let hub = &self.state.chat.hub;
        let user = self.user.id;
        Ok(match message {
            ClientMessage::WatchRooms => {
                hub.watch_rooms(self.id);
                let rooms = store::live_rooms(pool).await?;
                let joined = store::joined_rooms(pool, user).await?;
                let directs = store::directs_of(pool, user).await?;
                let unread = store::unread_of(pool, user).await?;
                let rooms = ServerMessage::Rooms {
                    rooms,
                    joined,
                    directs,
                    unread,
                };
                send(socket, &encode(&rooms)).await
            }
            ClientMessage::Join { room_id } => {
                let (room, last_seq) = store::join_room(pool, user, room_id).await?;
                send(socket, &encode(&ServerMessage::Joined { room, last_seq })).await
            }
            ClientMessage::Leave { room_id } => {
                store::leave_room(pool, user, room_id).await?;
                hub.unsubscribe(self.id, room_id);
                self.delivered.remove(&room_id);
                send(socket, &encode(&ServerMessage::Left { room_id })).await
            }
            ClientMessage::OpenDirect { user_id } => {
                let (direct, last_seq) = store::open_direct(pool, user, user_id).await?;
                send(
                    socket,
                    &encode(&ServerMessage::DirectOpened { direct, last_seq }),
                )
                .await
            }
            ClientMessage::Subscribe {
                channel_id,
                after_seq,
            } => {
                store::ensure_member(pool, user, channel_id).await?;
                // Subscribe first, then send the backlog: live messages that arrive
                // meanwhile wait in the queue and are skipped if already sent.
                hub.subscribe(self.id, channel_id);
                let mut last = after_seq.max(0);
                self.delivered.insert(channel_id, last);
                loop {
                    let batch = store::messages_after(pool, channel_id, last, RESUME_BATCH).await?;
                    let full = batch.len() as i64 == RESUME_BATCH;
                    for message in batch {
                        last = message.seq;
                        if !send(socket, &encode(&ServerMessage::Message(message))).await {
                            return Ok(false);
                        }
                    }
                    self.delivered.insert(channel_id, last);
                    if !full {
                        break true;
                    }
                }
            }
            ClientMessage::Post {
                channel_id,
                client_id,
                body,
            } => {
                let body = validate_message(&body)?;
                if self.state.chat.post_limiter.check_key(&user).is_err() {
                    return Err(AppError::new(
                        ErrorCode::RateLimited,
                        "Vous envoyez des messages trop vite. Patientez quelques secondes.",
                    ));
                }
                let seq = store::post(pool, user, channel_id, client_id, body).await?;
                send(
                    socket,
                    &encode(&ServerMessage::Ack {
                        channel_id,
                        client_id,
                        seq,
                    }),
                )
                .await
            }
            ClientMessage::History {
                channel_id,
                before_seq,
                limit,
            } => {
                store::ensure_member(pool, user, channel_id).await?;
                let limit = i64::from(limit.clamp(1, 100));
                let mut messages =
                    store::messages_before(pool, channel_id, before_seq, limit + 1).await?;
                let has_more = messages.len() as i64 > limit;
                messages.truncate(limit as usize);
                send(
                    socket,
                    &encode(&ServerMessage::History {
                        channel_id,
                        messages,
                        has_more,
                    }),
                )
                .await
            }
            ClientMessage::Typing { channel_id } => {
                store::ensure_member(pool, user, channel_id).await?;
                let mut conn = pool
                    .acquire()
                    .await
                    .map_err(crate::auth::server::db_error)?;
                let event = Event::Typing {
                    channel_id,
                    user_id: user,
                    name: self.user.display_name.clone(),
                };
                store::publish(&mut conn, &event).await?;
                true
            }
            ClientMessage::Members { room_id } => {
                store::ensure_member(pool, user, room_id).await?;
                let members = store::room_members(pool, room_id)
                    .await?
                    .into_iter()
                    .map(|(user_id, name, customer, online)| Member {
                        user_id,
                        name,
                        customer,
                        online,
                    })
                    .collect();
                send(
                    socket,
                    &encode(&ServerMessage::Members { room_id, members }),
                )
                .await
            }
            ClientMessage::MarkRead { channel_id, seq } => {
                store::mark_read(pool, user, channel_id, seq).await?;
                true
            }
            ClientMessage::WatchSupport => {
                hub.watch_support(self.id);
                let (available, requests) = support::queue_state(pool).await?;
                let state =
                    crate::support::queue_view(self.user.is_admin(), user, &available, &requests);
                let conversations = support::open_conversations_of(pool, user).await?;
                send(socket, &encode(&state)).await
                    && send(
                        socket,
                        &encode(&ServerMessage::SupportConversations { conversations }),
                    )
                    .await
            }
            ClientMessage::SetAvailable { available } => {
                self.advisor_only()?;
                support::set_available(pool, user, available).await?;
                true
            }
            ClientMessage::RequestAdvisor { topic } => {
                self.customer_only()?;
                let topic = crate::support::normalize_topic(topic.as_deref().unwrap_or(""))?;
                if self.state.chat.post_limiter.check_key(&user).is_err() {
                    return Err(AppError::new(
                        ErrorCode::RateLimited,
                        "Trop de demandes à la suite. Patientez quelques secondes.",
                    ));
                }
                support::request(pool, user, topic.as_deref()).await?;
                // The queue update that follows tells this customer their position.
                true
            }
            ClientMessage::CancelRequest => {
                self.customer_only()?;
                support::cancel(pool, user).await?;
                true
            }
            ClientMessage::AcceptRequest { request_id } => {
                self.advisor_only()?;
                support::accept(pool, user, request_id).await?;
                true
            }
            ClientMessage::RefuseRequest { request_id, reason } => {
                self.advisor_only()?;
                let reason = crate::support::normalize_reason(reason.as_deref().unwrap_or(""))?;
                support::refuse(pool, user, request_id, reason.as_deref()).await?;
                true
            }
            ClientMessage::EndConversation { channel_id } => {
                support::end(pool, user, channel_id).await?;
                true
            }
        })
    }

    fn advisor_only(&self) -> Result<(), AppError> {
        if self.user.is_admin() {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    fn customer_only(&self) -> Result<(), AppError> {
        if self.user.is_admin() {
            Err(AppError::new(
                ErrorCode::Forbidden,
                "Seuls les clients demandent un conseiller.",
            ))
        } else {
            Ok(())
        }
    }
}
