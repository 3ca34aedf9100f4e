//! Graceful shutdown of the real binary: on SIGTERM every socket closes with 1001 after
//! its acknowledgements, every notification stream ends cleanly, presence is removed,
//! and the process exits within 10 seconds. Acknowledged posts are never lost; retried
//! after the restart, unacknowledged ones are stored once.

mod common;

use common::{ws::*, *};
use futures_util::StreamExt;
use serde_json::json;
use sqlx::PgPool;
use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

/// The paddock binary, serving the test's database on a free port.
struct Server {
    child: Child,
    app: TestApp,
}

impl Server {
    async fn start(pool: &PgPool) -> Self {
        let database = pool.connect_options().get_database().unwrap().to_owned();
        let base_url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
        let (server_url, _) = base_url.rsplit_once('/').unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let metrics_port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_paddock"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", format!("{server_url}/{database}"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            // Leptos.toml names the site's files by hash; a test binary has no hash.txt.
            .env("LEPTOS_HASH_FILES", "false")
            .env("PADDOCK_PUBLIC_URL", &base)
            .env("PADDOCK_METRICS_ADDR", format!("127.0.0.1:{metrics_port}"))
            .env("PADDOCK_SEED_DEMO_DATA", "true")
            .env("PADDOCK_CHAT_POSTS_PER_10_SECONDS", "100000")
            .env("PADDOCK_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "1000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the server starts");
        let server = Self {
            child,
            app: TestApp {
                base,
                metrics_base: format!("http://127.0.0.1:{metrics_port}"),
                pool: pool.clone(),
                state: None,
            },
        };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(response) = http.get(server.app.url("/readyz")).send().await {
                if response.status() == 200 {
                    return server;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not become ready");
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit; returns how long it took and whether it succeeded.
    async fn exited(&mut self, since: Instant) -> (Duration, bool) {
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (since.elapsed(), status.success());
            }
            assert!(since.elapsed() < Duration::from_secs(20), "still running");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A live room Julie has joined (the seed's first room with a free seat).
async fn joined_room(client: &mut Client, pool: &PgPool) -> Uuid {
    let room: Uuid = sqlx::query_scalar(
        "select r.id from rooms r where r.deleted_at is null
           and (select count(*) from channel_members m where m.channel_id = r.id) < r.capacity
         order by r.name limit 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let joined = client.join(room).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    room
}

#[sqlx::test]
async fn sigterm_closes_sockets_with_1001_ends_streams_and_exits_in_time(pool: PgPool) {
    let mut server = Server::start(&pool).await;
    let app = &server.app;
    let mut socket = Client::connect(app, CUSTOMER_EMAIL).await;
    let customer = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let mut stream = customer
        .get(app.url("/api/notifications/stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let online: i64 = sqlx::query_scalar("select count(*) from presence")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(online >= 1, "the socket's user is online");

    let asked = Instant::now();
    server.terminate();
    assert_eq!(socket.close_code().await, 1001);
    // The stream ends as a stream ends: no error, no cut in the middle of an event.
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.chunk().await {
                Ok(None) => return Ok(()),
                Ok(Some(_)) => continue,
                Err(err) => return Err(err.to_string()),
            }
        }
    })
    .await
    .expect("the stream ends within 10 s");
    assert_eq!(ended, Ok(()));
    let (took, success) = server.exited(asked).await;
    assert!(success, "a clean exit");
    assert!(took < Duration::from_secs(10), "exited after {took:?}");
    let online: i64 = sqlx::query_scalar("select count(*) from presence")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(online, 0, "the instance removed its presence");
}

#[sqlx::test]
async fn a_shutdown_during_a_burst_loses_no_acknowledged_post(pool: PgPool) {
    let mut server = Server::start(&pool).await;
    let cookie = session_cookie_of(&server.app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut julie = Client::with_cookie(&server.app, &cookie).await;
    let room = joined_room(&mut julie, &pool).await;
    let ids: Vec<Uuid> = (0..400).map(|_| Uuid::new_v4()).collect();
    let asked = Instant::now();
    let mut acked: HashMap<Uuid, i64> = HashMap::new();
    for (n, id) in ids.iter().enumerate() {
        if n == 200 {
            // Mid-burst, once the server is answering (under load it may not have read
            // a single frame yet): the stop then finds posts in flight.
            while acked.is_empty() {
                let frame = tokio::time::timeout(Duration::from_secs(10), julie.socket.next())
                    .await
                    .expect("an answer to the burst")
                    .unwrap()
                    .unwrap();
                if let Message::Text(text) = frame {
                    let frame: serde_json::Value = serde_json::from_str(&text).unwrap();
                    if frame["type"] == "ack" {
                        acked.insert(
                            frame["client_id"].as_str().unwrap().parse().unwrap(),
                            frame["seq"].as_i64().unwrap(),
                        );
                    }
                }
            }
            server.terminate();
        }
        let frame = json!({"type": "post", "channel_id": room, "client_id": id, "body": format!("rafale {n}")});
        if futures_util::SinkExt::send(&mut julie.socket, Message::text(frame.to_string()))
            .await
            .is_err()
        {
            break;
        }
    }
    // Everything the server answered before closing.
    let mut close = None;
    while let Ok(Some(Ok(frame))) =
        tokio::time::timeout(Duration::from_secs(10), julie.socket.next()).await
    {
        match frame {
            Message::Text(text) => {
                let frame: serde_json::Value = serde_json::from_str(&text).unwrap();
                if frame["type"] == "ack" {
                    acked.insert(
                        frame["client_id"].as_str().unwrap().parse().unwrap(),
                        frame["seq"].as_i64().unwrap(),
                    );
                }
            }
            Message::Close(frame) => {
                close = frame.map(|f| u16::from(f.code));
                break;
            }
            _ => {}
        }
    }
    assert_eq!(close, Some(1001));
    assert!(
        !acked.is_empty(),
        "posts were acknowledged before the shutdown"
    );
    let (_, success) = server.exited(asked).await;
    assert!(success);
    for (id, seq) in &acked {
        let stored: Option<i64> =
            sqlx::query_scalar("select seq from messages where channel_id = $1 and client_id = $2")
                .bind(room)
                .bind(id)
                .fetch_optional(&pool)
                .await
                .unwrap();
        assert_eq!(stored, Some(*seq), "an acknowledged post is stored");
    }

    // The browser reconnects to the next instance and sends again what was not
    // acknowledged, with the same ids: nothing lost, nothing twice.
    let restarted = Server::start(&pool).await;
    let mut again = Client::with_cookie(&restarted.app, &cookie).await;
    let missing: Vec<&Uuid> = ids.iter().filter(|id| !acked.contains_key(id)).collect();
    for id in &missing {
        let answer = again.post(room, **id, "renvoi").await;
        assert_eq!(answer["type"], "ack", "{answer}");
    }
    let stored: i64 = sqlx::query_scalar(
        "select count(distinct client_id) from messages where channel_id = $1 and client_id = any($2)",
    )
    .bind(room)
    .bind(&ids)
    .fetch_one(&pool)
    .await
    .unwrap();
    let rows: i64 = sqlx::query_scalar(
        "select count(*) from messages where channel_id = $1 and client_id = any($2)",
    )
    .bind(room)
    .bind(&ids)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((stored, rows), (400, 400), "0 lost, 0 duplicated");
}
