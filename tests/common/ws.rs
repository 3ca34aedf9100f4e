//! A WebSocket client speaking Paddock's protocol, for integration tests.

use super::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    connect_async,
    tungstenite::{client::IntoClientRequest, Message},
    MaybeTlsStream, WebSocketStream,
};
use uuid::Uuid;

pub struct Client {
    pub socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

pub fn ws_request(
    app: &TestApp,
    cookie: Option<&str>,
    origin: Option<&str>,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut request = format!("{}/ws", app.base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    request
}

impl Client {
    /// A customer's socket.
    pub async fn connect(app: &TestApp, email: &str) -> Self {
        Self::connect_as(app, email, CUSTOMER_PASSWORD).await
    }

    pub async fn connect_as(app: &TestApp, email: &str, password: &str) -> Self {
        let cookie = session_cookie_of(app, email, password).await;
        Self::with_cookie(app, &cookie).await
    }

    /// The next frame of type `kind` that satisfies `accept`, skipping others.
    pub async fn next_where(&mut self, kind: &str, accept: impl Fn(&Value) -> bool) -> Value {
        loop {
            let frame = self.next_of(kind).await;
            if accept(&frame) {
                return frame;
            }
        }
    }

    pub async fn with_cookie(app: &TestApp, cookie: &str) -> Self {
        let (socket, _) = connect_async(ws_request(app, Some(cookie), Some(&app.base)))
            .await
            .expect("the socket opens");
        let mut client = Self { socket };
        let welcome = client.next().await;
        assert_eq!(welcome["type"], "welcome");
        assert_eq!(welcome["protocol"], paddock::protocol::PROTOCOL_VERSION);
        client
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
    }

    /// The next JSON frame (pings are answered by the library).
    pub async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(5), self.socket.next())
                .await
                .expect("a frame within 5 s")
                .expect("the socket is open")
                .expect("a valid frame");
            match frame {
                Message::Text(text) => return serde_json::from_str(&text).unwrap(),
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// The next frame of type `kind`, skipping others (typing, occupancy…).
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// No frame of type `kind` arrives within a short while.
    pub async fn nothing_of(&mut self, kind: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(400);
        while let Ok(frame) = tokio::time::timeout_at(deadline, self.socket.next()).await {
            if let Some(Ok(Message::Text(text))) = frame {
                let value: Value = serde_json::from_str(&text).unwrap();
                assert_ne!(value["type"], kind, "unexpected {value}");
            }
        }
    }

    /// The close code the server ends the socket with.
    pub async fn close_code(&mut self) -> u16 {
        loop {
            match tokio::time::timeout(Duration::from_secs(5), self.socket.next())
                .await
                .expect("closed within 5 s")
            {
                Some(Ok(Message::Close(Some(frame)))) => return frame.code.into(),
                Some(Ok(Message::Close(None))) | None => return 1005,
                Some(Err(_)) => return 1006,
                Some(Ok(_)) => continue,
            }
        }
    }

    pub async fn join(&mut self, room: Uuid) -> Value {
        self.send(json!({"type": "join", "room_id": room})).await;
        self.next().await
    }

    pub async fn subscribe(&mut self, channel: Uuid, after_seq: i64) {
        self.send(json!({"type": "subscribe", "channel_id": channel, "after_seq": after_seq}))
            .await;
    }

    pub async fn post(&mut self, channel: Uuid, client_id: Uuid, body: &str) -> Value {
        self.send(
            json!({"type": "post", "channel_id": channel, "client_id": client_id, "body": body}),
        )
        .await;
        loop {
            let frame = self.next().await;
            if frame["type"] == "ack" || frame["type"] == "error" {
                return frame;
            }
        }
    }
}
