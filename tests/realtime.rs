//! The real-time core under concurrency, with real sockets against the real server and
//! PostgreSQL: group commit keeps every channel's sequence whole, acknowledgements keep
//! the order of each socket's posts, and retries never store a post twice.

mod common;

use common::{ws::*, *};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

#[sqlx::test]
async fn twenty_concurrent_senders_fill_sequences_one_to_a_thousand(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.login_attempts_per_ip_per_minute = 1000;
        s.chat_posts_per_10_seconds = 10_000;
    })
    .await;
    let room = create_room(&app, "Grille de départ", 50).await;
    let mut watcher = Client::connect(&app, CUSTOMER_EMAIL).await;
    watcher.join(room).await;
    watcher.subscribe(room, 0).await;
    // A member following the room reads as the messages come.
    let watching = tokio::spawn(async move {
        let mut seen = Vec::new();
        while seen.len() < 1000 {
            let frame = watcher.next_of("message").await;
            seen.push(frame["seq"].as_i64().unwrap());
        }
        seen
    });
    let mut senders = Vec::new();
    for email in customers(&app, "pilote", 20).await {
        let mut sender = Client::connect(&app, &email).await;
        assert_eq!(sender.join(room).await["type"], "joined");
        senders.push(sender);
    }

    // Every sender sends its 50 posts without waiting, all at once.
    let tasks: Vec<_> = senders
        .into_iter()
        .map(|mut sender| {
            tokio::spawn(async move {
                let ids: Vec<Uuid> = (0..50).map(|_| Uuid::new_v4()).collect();
                for (n, id) in ids.iter().enumerate() {
                    sender
                        .send(json!({"type": "post", "channel_id": room, "client_id": id, "body": format!("tour {n}")}))
                        .await;
                }
                let mut acks = Vec::new();
                while acks.len() < ids.len() {
                    let frame = sender.next().await;
                    match frame["type"].as_str() {
                        Some("ack") => acks.push((
                            frame["client_id"].as_str().unwrap().parse::<Uuid>().unwrap(),
                            frame["seq"].as_i64().unwrap(),
                        )),
                        Some("error") => panic!("refused: {frame}"),
                        _ => {}
                    }
                }
                (ids, acks)
            })
        })
        .collect();
    let mut all = BTreeSet::new();
    for task in tasks {
        let (ids, acks) = task.await.unwrap();
        // Acknowledged in the order of the socket's posts, each with a larger sequence.
        assert_eq!(acks.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ids);
        assert!(acks.windows(2).all(|w| w[0].1 < w[1].1), "{acks:?}");
        for (_, seq) in acks {
            assert!(all.insert(seq), "sequence {seq} given twice");
        }
    }
    assert_eq!(all, (1..=1000).collect::<BTreeSet<i64>>());

    // The member following the room received the thousand messages once each, in order.
    let seen = watching.await.unwrap();
    assert_eq!(seen, (1..=1000).collect::<Vec<i64>>());
    let stored: i64 = sqlx::query_scalar("select count(*) from messages where channel_id = $1")
        .bind(room)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1000);
}

#[sqlx::test]
async fn a_post_retried_after_a_reconnect_keeps_its_sequence(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Reprise", 5).await;
    let cookie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut julie = Client::with_cookie(&app, &cookie).await;
    julie.join(room).await;
    julie.post(room, Uuid::new_v4(), "avant").await;
    let client_id = Uuid::new_v4();
    let first = julie.post(room, client_id, "une seule fois").await;
    assert_eq!(first["type"], "ack");
    drop(julie);

    let mut again = Client::with_cookie(&app, &cookie).await;
    let retry = again.post(room, client_id, "une seule fois").await;
    assert_eq!(retry["type"], "ack");
    assert_eq!(retry["seq"], first["seq"]);
    let copies: i64 = sqlx::query_scalar(
        "select count(*) from messages where channel_id = $1 and client_id = $2",
    )
    .bind(room)
    .bind(client_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(copies, 1);
}

#[sqlx::test]
async fn a_saturated_writer_refuses_posts_with_a_retry_hint_and_retries_lose_nothing(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.chat_posts_per_10_seconds = 10_000;
        s.chat_post_queue = 4;
    })
    .await;
    let room = create_room(&app, "Heure de pointe", 5).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    julie.join(room).await;
    let ids: Vec<Uuid> = (0..200).map(|_| Uuid::new_v4()).collect();
    let mut outcomes: HashMap<Uuid, Value> = HashMap::new();
    let mut pending = ids.clone();
    let mut overloaded = 0;
    for _round in 0..400 {
        for id in &pending {
            julie
                .send(json!({"type": "post", "channel_id": room, "client_id": id, "body": "vroum"}))
                .await;
        }
        let mut answered = 0;
        while answered < pending.len() {
            let frame = julie.next().await;
            if frame["type"] != "ack" && frame["type"] != "error" {
                continue;
            }
            answered += 1;
            let id: Uuid = frame["client_id"].as_str().unwrap().parse().unwrap();
            if frame["code"] == "overloaded" {
                overloaded += 1;
                assert!(frame["retry_after_secs"].as_u64().unwrap() >= 1, "{frame}");
                assert!(!frame["message"].as_str().unwrap().is_empty());
            } else {
                assert_eq!(frame["type"], "ack", "{frame}");
                outcomes.insert(id, frame);
            }
        }
        pending.retain(|id| !outcomes.contains_key(id));
        if pending.is_empty() {
            break;
        }
    }
    assert!(overloaded > 0, "a four-post queue overflows under a burst");
    assert!(pending.is_empty(), "every post is eventually stored");
    let seqs: BTreeSet<i64> = outcomes
        .values()
        .map(|f| f["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=200).collect::<BTreeSet<i64>>());
    let stored: i64 = sqlx::query_scalar("select count(*) from messages where channel_id = $1")
        .bind(room)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 200, "no post lost, none stored twice");
}

/// Protocol 2: a frame carrying a `ref` is answered by one `done` after its other answers,
/// or by its `error` carrying the `ref`; frames without one get no `done`; a post's answer
/// stays its `ack`.
#[sqlx::test]
async fn a_frame_with_a_ref_is_answered_done_or_by_its_error(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Réglages suspension", 10).await;
    let mut client = Client::connect(&app, CUSTOMER_EMAIL).await;

    client
        .send(json!({"type": "join", "room_id": room, "ref": 7}))
        .await;
    let joined = client.next().await;
    assert_eq!(joined["type"], "joined", "the answer first: {joined}");
    assert_eq!(client.next().await, json!({"type": "done", "ref": 7}));

    client
        .send(json!({"type": "join", "room_id": Uuid::new_v4(), "ref": 8}))
        .await;
    let refused = client.next_of("error").await;
    assert_eq!(refused["code"], "not_found");
    assert_eq!(refused["ref"], 8);

    // A frame without a ref: its answer, and no `done` after it.
    client
        .send(json!({"type": "members", "room_id": room}))
        .await;
    client.next_of("members").await;
    client
        .send(
            json!({"type": "history", "channel_id": room, "before_seq": 100, "limit": 5, "ref": 9}),
        )
        .await;
    assert_eq!(client.next().await["type"], "history");
    assert_eq!(client.next().await, json!({"type": "done", "ref": 9}));

    // A post is answered by its ack, never by a `done`.
    let client_id = Uuid::new_v4();
    client
        .send(json!({"type": "post", "channel_id": room, "client_id": client_id, "body": "Précharge +2 tours", "ref": 10}))
        .await;
    let ack = client.next_of("ack").await;
    assert_eq!(ack["client_id"], json!(client_id));
    client.nothing_of("done").await;
}
