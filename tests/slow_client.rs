//! A client that stops reading is closed and counted out, while the room goes on for
//! everyone else. Alone in its test binary, so that the process-wide connection gauge
//! of `/metrics` is this test's alone.

mod common;

use common::{ws::*, *};
use serde_json::json;
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

const THOMAS: &str = "thomas.durand@paddock.test";

async fn gauge(app: &TestApp, name: &str) -> f64 {
    let text = app.metrics_text().await;
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

#[sqlx::test]
async fn a_client_that_stops_reading_is_closed_and_counted_out(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.ws_write_timeout_seconds = 1;
        s.ws_send_queue = 16;
        s.chat_posts_per_10_seconds = 100_000;
    })
    .await;
    let connections = app.state.as_ref().unwrap().realtime.connections.clone();
    let room = create_room(&app, "Salle d’attente", 10).await;

    // Julie follows the room, then stops reading her socket.
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    julie.join(room).await;
    julie.subscribe(room, 0).await;
    let mut thomas = Client::connect(&app, THOMAS).await;
    thomas.join(room).await;
    assert_eq!(connections.len(), 2);
    assert_eq!(gauge(&app, "paddock_ws_connections").await, 2.0);

    // Thomas keeps talking: large messages, until the server gives up on Julie.
    let body = "🏍".repeat(1_000);
    let mut posted = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while connections.len() > 1 && tokio::time::Instant::now() < deadline {
        for _ in 0..50 {
            thomas
                .send(json!({"type": "post", "channel_id": room, "client_id": Uuid::new_v4(), "body": body}))
                .await;
        }
        let mut acks = 0;
        while acks < 50 {
            let frame = thomas.next().await;
            assert_ne!(frame["type"], "error", "{frame}");
            if frame["type"] == "ack" {
                acks += 1;
            }
        }
        posted += 50;
    }
    assert_eq!(
        connections.len(),
        1,
        "the socket that stopped reading is closed (after {posted} posts)"
    );
    assert_eq!(gauge(&app, "paddock_ws_connections").await, 1.0);
    // The room goes on for those who read.
    let last = thomas.post(room, Uuid::new_v4(), "toujours là").await;
    assert_eq!(last["type"], "ack");
    drop(julie);
}
