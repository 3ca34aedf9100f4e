//! One WebSocket, driven by two tasks: a reader that hands each text frame to the
//! feature handler, and a writer that drains the socket's queue. A post waiting for its
//! commit never stops the frames going out; every write has a time limit.

use super::{
    close::CloseReason,
    connections::{Outbound, Peer, Registration, SequencedFrame, Slot},
    limits::Budget,
    Realtime,
};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{
    sink::SinkExt,
    stream::{FuturesOrdered, SplitSink, SplitStream, StreamExt},
};
use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc, time::Duration};
use tokio::{sync::watch, time::Instant};
use uuid::Uuid;

/// A reply that comes later (a post acknowledged after its commit). The socket sends
/// these in the order of the frames that asked for them.
pub type Later = Pin<Box<dyn Future<Output = Option<Arc<str>>> + Send>>;

/// What a feature does with the frames of one socket.
pub trait FrameHandler: Send + 'static {
    /// Handles one text frame. Immediate answers go through `socket`; an answer that
    /// must wait is returned.
    fn on_text(
        &mut self,
        socket: &Registration,
        text: &str,
    ) -> impl Future<Output = Option<Later>> + Send;
}

/// Replies waiting at once per socket; past this the socket stops reading until the
/// oldest is answered.
const MAX_WAITING_REPLIES: usize = 64;
/// Frames written before one flush.
const MAX_FRAMES_PER_FLUSH: usize = 64;
/// Live messages held per channel while its backlog is sent; a socket that holds more
/// is too slow.
const MAX_HELD_WHILE_RESUMING: usize = 1024;
/// How long a closing socket waits for its replies to arrive.
const DRAIN_REPLIES: Duration = Duration::from_secs(5);
/// How long a socket that sent its close frame waits for the client's: closing the
/// connection with unread data would reset it, and the client could lose the frame.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);

/// Runs one socket until it closes: registers it in the place `slot` took, sends
/// `welcome`, reads and writes.
pub async fn run<H: FrameHandler>(
    realtime: Arc<Realtime>,
    slot: Slot,
    peer: Peer,
    welcome: Arc<str>,
    socket: WebSocket,
    handler: H,
) {
    let user_id = peer.user_id;
    let (registration, queue) = realtime.connections.register(slot, peer);
    Box::pin(realtime.presence.mark_online(user_id)).await;
    registration.reply(Outbound::Frame(welcome)).await;
    let (sink, stream) = socket.split();
    let (written_tx, written) = watch::channel(false);
    let writer = tokio::spawn(write_loop(
        sink,
        queue,
        registration.kick.clone(),
        realtime.settings.clone(),
        written_tx,
    ));
    read_loop(&realtime, &registration, stream, handler, written).await;
    // Unregistering closes the queue: the writer sends what is left and stops.
    let connections = registration.connections().clone();
    drop(registration);
    let _ = writer.await;
    if !connections.is_online(user_id) {
        realtime.presence.forget(user_id);
    }
}

/// Time limits and rhythms of every socket.
#[derive(Debug, Clone)]
pub struct SocketSettings {
    pub ping_every: Duration,
    pub idle_timeout: Duration,
    /// A write (or flush) that takes longer closes the socket.
    pub write_timeout: Duration,
}

async fn read_loop<H: FrameHandler>(
    realtime: &Realtime,
    socket: &Registration,
    mut stream: SplitStream<WebSocket>,
    mut handler: H,
    mut writer_done: watch::Receiver<bool>,
) {
    let mut shutdown = realtime.shutdown_signal();
    let mut waiting: FuturesOrdered<Later> = FuturesOrdered::new();
    let idle_timeout = realtime.settings.idle_timeout;
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            biased;
            _ = writer_done.changed() => return finish_close(stream).await,
            _ = shutdown.changed() => {
                // Stop reading; answer what is in flight, then close with 1001.
                let _ = tokio::time::timeout(DRAIN_REPLIES, async {
                    while let Some(reply) = waiting.next().await {
                        if let Some(frame) = reply {
                            socket.reply(Outbound::Frame(frame)).await;
                        }
                    }
                })
                .await;
                socket.reply(Outbound::Close(CloseReason::ShuttingDown)).await;
                let _ = tokio::time::timeout(DRAIN_REPLIES, writer_done.changed()).await;
                return finish_close(stream).await;
            }
            Some(reply) = waiting.next(), if !waiting.is_empty() => {
                if let Some(frame) = reply {
                    socket.reply(Outbound::Frame(frame)).await;
                }
            }
            incoming = stream.next(), if waiting.len() < MAX_WAITING_REPLIES => match incoming {
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    // Boxed: the handler's future (database queries) is large, and an
                    // idle socket should not carry it.
                    if let Some(later) = Box::pin(handler.on_text(socket, text.as_str())).await {
                        waiting.push_back(later);
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    last_heard = Instant::now();
                    // Refused, but spends from the reads budget like any frame.
                    let answer = match realtime.limits.spend(socket.peer.user_id, Budget::Reads) {
                        Ok(()) => binary_refused(),
                        Err(limited) => error_frame(&limited),
                    };
                    socket.reply(Outbound::Frame(answer)).await;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => last_heard = Instant::now(),
                Some(Ok(Message::Close(_))) | None => return,
                Some(Err(err)) => {
                    if is_too_big(&err) {
                        socket.kick.kick(CloseReason::TooBig);
                        let _ = tokio::time::timeout(DRAIN_REPLIES, writer_done.changed()).await;
                    }
                    return;
                }
            },
            _ = tokio::time::sleep_until(last_heard + idle_timeout) => {
                socket.kick.kick(CloseReason::Idle);
                let _ = tokio::time::timeout(DRAIN_REPLIES, writer_done.changed()).await;
                return finish_close(stream).await;
            }
        }
    }
}

/// After our close frame: reads (and drops) what the client still sends until its own
/// close frame, so that the connection ends cleanly rather than with a reset.
async fn finish_close(mut stream: SplitStream<WebSocket>) {
    let _ = tokio::time::timeout(CLOSE_HANDSHAKE, async {
        while let Some(Ok(message)) = stream.next().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

fn binary_refused() -> Arc<str> {
    Arc::from(
        r#"{"type":"error","code":"invalid_input","message":"Seuls les messages texte JSON sont acceptés."}"#,
    )
}

/// An `error` frame, written here because this layer does not know the features'
/// protocol types (its shape is `ServerMessage::Error`'s, `type` first as the browser
/// reads it: a struct keeps its fields' order, a `json!` object would sort them).
fn error_frame(error: &crate::error::AppError) -> Arc<str> {
    #[derive(serde::Serialize)]
    struct ErrorFrame<'a> {
        r#type: &'static str,
        code: crate::error::ErrorCode,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u64>,
    }
    serde_json::to_string(&ErrorFrame {
        r#type: "error",
        code: error.code,
        message: &error.message,
        retry_after_secs: error.retry_after_secs,
    })
    .expect("an error frame always serialises")
    .into()
}

fn is_too_big(err: &axum::Error) -> bool {
    let text = err.to_string().to_lowercase();
    ["too long", "too big", "capacity"]
        .iter()
        .any(|needle| text.contains(needle))
}

/// What the writer has sent of each channel this socket follows.
enum Cursor {
    Live {
        last: i64,
    },
    Resuming {
        last: i64,
        held: Vec<SequencedFrame>,
    },
}

/// Sends the socket's queue, several frames per flush, each write within the time limit;
/// closes at once when kicked. Tells `done` when it stops.
async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut queue: tokio::sync::mpsc::Receiver<Outbound>,
    kick: Arc<super::connections::Kick>,
    settings: SocketSettings,
    done: watch::Sender<bool>,
) {
    let mut cursors: HashMap<Uuid, Cursor> = HashMap::new();
    // Each socket pings at its own moment of the period: sockets opened together (a
    // page reload, a reconnect storm) do not all ping in the same millisecond.
    let period = settings.ping_every.as_millis().max(1);
    let offset = Duration::from_millis((Uuid::new_v4().as_u128() % period) as u64);
    let mut ping = tokio::time::interval_at(Instant::now() + offset, settings.ping_every);
    let limit = settings.write_timeout;
    loop {
        let mut batch = Vec::new();
        let mut closing = None;
        let mut messages = Vec::new();
        tokio::select! {
            biased;
            why = kick.kicked() => closing = Some(why),
            item = queue.recv() => match item {
                None => {
                    let _ = tokio::time::timeout(limit, sink.close()).await;
                    break;
                }
                Some(item) => {
                    batch.push(item);
                    while batch.len() < MAX_FRAMES_PER_FLUSH {
                        match queue.try_recv() {
                            Ok(item) => batch.push(item),
                            Err(_) => break,
                        }
                    }
                }
            },
            _ = ping.tick() => messages.push(Message::Ping(Default::default())),
        }
        for item in batch {
            match frames_of(item, &mut cursors, &mut messages) {
                Ok(()) => {}
                Err(why) => {
                    closing = Some(why);
                    break;
                }
            }
        }
        if let Some(why) = closing {
            messages.push(Message::Close(Some(CloseFrame {
                code: why.code(),
                reason: why.text().into(),
            })));
        }
        let write = async {
            for message in messages {
                sink.feed(message).await?;
            }
            sink.flush().await
        };
        match tokio::time::timeout(limit, write).await {
            Ok(Ok(())) if closing.is_none() => {}
            Ok(_) => break,
            Err(_) => {
                metrics::counter!("paddock_ws_write_timeouts_total").increment(1);
                break;
            }
        }
    }
    let _ = done.send(true);
}

/// Turns one queued item into the messages to write, keeping every channel in order.
fn frames_of(
    item: Outbound,
    cursors: &mut HashMap<Uuid, Cursor>,
    out: &mut Vec<Message>,
) -> Result<(), CloseReason> {
    match item {
        Outbound::Frame(json) => out.push(text(&json)),
        Outbound::Sequenced { channel, frames } => match cursors.get_mut(&channel) {
            Some(Cursor::Live { last }) => {
                for (seq, json) in frames.iter() {
                    if *seq > *last {
                        *last = *seq;
                        out.push(text(json));
                    }
                }
            }
            Some(Cursor::Resuming { held, .. }) => {
                if held.len() + frames.len() > MAX_HELD_WHILE_RESUMING {
                    return Err(CloseReason::TooSlow);
                }
                held.extend(frames.iter().cloned());
            }
            None => {}
        },
        Outbound::StartResume { channel } => {
            let last = match cursors.get(&channel) {
                Some(Cursor::Live { last } | Cursor::Resuming { last, .. }) => *last,
                None => 0,
            };
            cursors.insert(
                channel,
                Cursor::Resuming {
                    last,
                    held: Vec::new(),
                },
            );
        }
        Outbound::Backlog {
            channel,
            frames,
            done,
        } => {
            let Some(Cursor::Resuming { last, held }) = cursors.get_mut(&channel) else {
                return Ok(());
            };
            for (seq, json) in frames {
                if seq > *last {
                    *last = seq;
                    out.push(text(&json));
                }
            }
            if done {
                let mut last = *last;
                for (seq, json) in std::mem::take(held) {
                    if seq > last {
                        last = seq;
                        out.push(text(&json));
                    }
                }
                cursors.insert(channel, Cursor::Live { last });
            }
        }
        Outbound::Forget { channel } => {
            cursors.remove(&channel);
        }
        Outbound::Close(why) => return Err(why),
    }
    Ok(())
}

fn text(json: &str) -> Message {
    Message::Text(json.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(messages: &[Message]) -> Vec<String> {
        messages
            .iter()
            .map(|m| match m {
                Message::Text(t) => t.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn seq(channel: Uuid, seq: i64) -> Outbound {
        Outbound::Sequenced {
            channel,
            frames: Arc::from([(seq, Arc::from(seq.to_string()))]),
        }
    }

    #[test]
    fn error_frames_lead_with_their_type() {
        let frame = error_frame(&crate::error::AppError::rate_limited(3));
        assert!(
            frame.starts_with(r#"{"type":"error","code":"rate_limited","#),
            "{frame}"
        );
        assert!(frame.ends_with(r#","retry_after_secs":3}"#), "{frame}");
        assert!(binary_refused().starts_with(r#"{"type":"error","#));
    }

    #[test]
    fn live_messages_wait_for_the_backlog_and_go_out_once_in_order() {
        let channel = Uuid::new_v4();
        let mut cursors = HashMap::new();
        let mut out = Vec::new();
        let items = vec![
            Outbound::StartResume { channel },
            seq(channel, 4),
            seq(channel, 5),
            Outbound::Backlog {
                channel,
                frames: (1..=4).map(|s| (s, s.to_string().into())).collect(),
                done: true,
            },
            seq(channel, 5),
            seq(channel, 6),
        ];
        for item in items {
            frames_of(item, &mut cursors, &mut out).unwrap();
        }
        assert_eq!(texts(&out), ["1", "2", "3", "4", "5", "6"]);
    }

    #[test]
    fn a_channel_not_followed_sends_nothing_and_close_stops_the_batch() {
        let channel = Uuid::new_v4();
        let mut cursors = HashMap::new();
        let mut out = Vec::new();
        frames_of(seq(channel, 1), &mut cursors, &mut out).unwrap();
        assert!(out.is_empty());
        assert_eq!(
            frames_of(
                Outbound::Close(CloseReason::ShuttingDown),
                &mut cursors,
                &mut out
            ),
            Err(CloseReason::ShuttingDown)
        );
    }
}
