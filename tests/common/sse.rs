//! A notification stream (SSE) read as a browser's `EventSource` reads it.

use super::TestApp;
use serde_json::Value;
use std::time::Duration;

#[derive(Debug)]
pub struct SseEvent {
    /// None for a live hint (never replayed).
    pub id: Option<i64>,
    pub event: String,
    pub data: Value,
}

/// A notification stream as a browser's `EventSource` reads it.
pub struct Stream {
    response: reqwest::Response,
    buffer: String,
    pub comments: usize,
}

pub async fn open(
    app: &TestApp,
    cookie: Option<&str>,
    last_event_id: Option<i64>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .get(app.url("/api/notifications/stream"))
        .header("accept", "text/event-stream");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id.to_string());
    }
    request.send().await.unwrap()
}

impl Stream {
    pub async fn open(app: &TestApp, cookie: &str, last_event_id: Option<i64>) -> Self {
        let response = open(app, Some(cookie), last_event_id).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        Self {
            response,
            buffer: String::new(),
            comments: 0,
        }
    }

    /// The next complete block (event or comment), waiting at most 5 seconds.
    pub async fn next_block(&mut self) -> Option<String> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block = self.buffer[..end].to_owned();
                self.buffer.drain(..end + 2);
                return Some(block);
            }
            let chunk = tokio::time::timeout(Duration::from_secs(5), self.response.chunk())
                .await
                .expect("data within 5 s")
                .expect("a readable stream")?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next event, counting the keep-alive comments on the way.
    pub async fn next_event(&mut self) -> SseEvent {
        loop {
            let block = self.next_block().await.expect("the stream is open");
            let (mut id, mut event, mut data) = (None, String::new(), String::new());
            for line in block.lines() {
                if line.starts_with(':') {
                    self.comments += 1;
                } else if let Some(value) = line.strip_prefix("id:") {
                    id = Some(value.trim().parse().unwrap());
                } else if let Some(value) = line.strip_prefix("event:") {
                    event = value.trim().to_owned();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.strip_prefix(' ').unwrap_or(value));
                }
            }
            if !data.is_empty() {
                return SseEvent {
                    id,
                    event,
                    data: serde_json::from_str(&data).unwrap(),
                };
            }
        }
    }

    /// No event arrives within a short while.
    pub async fn quiet(&mut self) {
        let waited = tokio::time::timeout(Duration::from_millis(500), self.next_event()).await;
        assert!(waited.is_err(), "unexpected event {:?}", waited.ok());
    }
}
