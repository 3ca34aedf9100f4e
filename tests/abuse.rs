//! Limits on what one user may ask of the real-time layer, and the data it must not
//! leak, with real WebSocket and SSE clients against the real server and PostgreSQL:
//! a budget for every frame, typing coalesced, caps on sockets and streams, `leave`
//! for rooms only and on every socket, posts never stored after a room's deletion or a
//! conversation's end, and the `Origin` the upgrade requires.

mod common;

use common::{ws::*, *};
use futures_util::SinkExt;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};
use tokio::time::Instant;
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Error as WsError, Message},
};
use uuid::Uuid;

const THOMAS: &str = "thomas.durand@paddock.test";
const EMMA: &str = "emma.leroy@paddock.test";
/// Seed: Julie, Thomas and Emma are members of « Balades du dimanche » (4 messages).
const BALADES: Uuid = Uuid::from_u128(0x10000000_0000_4000_8000_000000000001);
/// Seed: rooms Julie is not a member of.
const CIRCUIT: Uuid = Uuid::from_u128(0x10000000_0000_4000_8000_000000000002);
const TRAIL: Uuid = Uuid::from_u128(0x10000000_0000_4000_8000_000000000003);
const ATELIER: Uuid = Uuid::from_u128(0x10000000_0000_4000_8000_000000000006);
/// Seed: the direct conversation of Julie and Thomas (2 messages).
const JULIE_AND_THOMAS: Uuid = Uuid::from_u128(0x20000000_0000_4000_8000_000000000001);
/// Seed: Julie's past conversation with Claire, an advisor.
const JULIE_AND_CLAIRE: Uuid = Uuid::from_u128(0x50000000_0000_4000_8000_000000000001);
const JULIE_ID: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000101);
const CLAIRE_ID: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000001);

/// The status and JSON body of a refused upgrade, or 101.
fn upgrade_status<S>(result: Result<S, WsError>) -> (u16, Option<Value>, Option<String>) {
    match result {
        Ok(_) => (101, None, None),
        Err(WsError::Http(response)) => {
            let body = response
                .body()
                .as_ref()
                .and_then(|b| serde_json::from_slice(b).ok());
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (response.status().as_u16(), body, retry_after)
        }
        Err(other) => panic!("{other}"),
    }
}

async fn upgrade(
    app: &TestApp,
    cookie: &str,
    origin: Option<&str>,
) -> (u16, Option<Value>, Option<String>) {
    upgrade_status(connect_async(ws_request(app, Some(cookie), origin)).await)
}

/// Every frame a socket receives within `window`.
async fn frames_within(client: &mut Client, window: Duration) -> Vec<Value> {
    use futures_util::StreamExt;
    let deadline = Instant::now() + window;
    let mut frames = Vec::new();
    while let Ok(Some(Ok(frame))) = tokio::time::timeout_at(deadline, client.socket.next()).await {
        if let Message::Text(text) = frame {
            frames.push(serde_json::from_str(&text).unwrap());
        }
    }
    frames
}

async fn is_member(app: &TestApp, channel: Uuid, user: Uuid) -> bool {
    sqlx::query_scalar(
        "select exists(select 1 from channel_members where channel_id = $1 and user_id = $2)",
    )
    .bind(channel)
    .bind(user)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn stored_seqs(app: &TestApp, channel: Uuid) -> Vec<i64> {
    sqlx::query_scalar("select seq from messages where channel_id = $1 order by seq")
        .bind(channel)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// The answer to the post with `client_id` (acknowledgement or refusal).
async fn answer_to(client: &mut Client, client_id: Uuid) -> Value {
    loop {
        let frame = client.next().await;
        let answer = frame["type"] == "ack" || frame["type"] == "error";
        if answer && frame["client_id"] == client_id.to_string() {
            return frame;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Budgets

#[sqlx::test]
async fn past_its_budget_a_frame_is_refused_with_a_retry_hint_and_does_nothing(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.ws_reads_per_10_seconds = 5;
        s.ws_actions_per_10_seconds = 2;
        s.chat_posts_per_10_seconds = 2;
    })
    .await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;

    // Reads: five history pages answered, the sixth refused.
    for _ in 0..6 {
        julie
            .send(json!({"type": "history", "channel_id": BALADES, "before_seq": 100, "limit": 2}))
            .await;
    }
    for _ in 0..5 {
        assert_eq!(julie.next().await["type"], "history");
    }
    let refused = julie.next().await;
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["code"], "rate_limited");
    assert!(
        refused["retry_after_secs"].as_u64().unwrap() >= 1,
        "{refused}"
    );
    assert!(refused["message"].as_str().unwrap().contains("patientez"));
    // Unreadable frames spend from the same budget.
    julie
        .socket
        .send(Message::text("{pas du json"))
        .await
        .unwrap();
    assert_eq!(julie.next().await["code"], "rate_limited");
    julie
        .socket
        .send(Message::binary(vec![1, 2, 3]))
        .await
        .unwrap();
    assert_eq!(julie.next().await["code"], "rate_limited");

    // Changes: two joins, the third refused, and Julie is not a member of that room.
    assert_eq!(julie.join(CIRCUIT).await["type"], "joined");
    assert_eq!(julie.join(TRAIL).await["type"], "joined");
    let refused = julie.join(ATELIER).await;
    assert_eq!(refused["code"], "rate_limited");
    assert!(refused["retry_after_secs"].as_u64().unwrap() >= 1);
    assert!(!is_member(&app, ATELIER, JULIE_ID).await);

    // Posts: the refusal names the post, and nothing is stored.
    let before = stored_seqs(&app, CIRCUIT).await.len();
    for n in 0..2 {
        let ack = julie
            .post(CIRCUIT, Uuid::new_v4(), &format!("message {n}"))
            .await;
        assert_eq!(ack["type"], "ack");
    }
    let client_id = Uuid::new_v4();
    let refused = julie.post(CIRCUIT, client_id, "un de trop").await;
    assert_eq!(refused["code"], "rate_limited");
    assert_eq!(refused["client_id"], client_id.to_string());
    assert!(refused["retry_after_secs"].as_u64().unwrap() >= 1);
    assert_eq!(stored_seqs(&app, CIRCUIT).await.len(), before + 2);

    // The advisor chat's frames too: Claire's third change of availability is refused
    // and not applied.
    let mut claire = Client::connect_as(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for available in [true, false, true] {
        claire
            .send(json!({"type": "set_available", "available": available}))
            .await;
    }
    assert_eq!(claire.next_of("error").await["code"], "rate_limited");
    let available: bool =
        sqlx::query_scalar("select available from advisor_status where user_id = $1")
            .bind(CLAIRE_ID)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!available, "the refused change did nothing");
}

#[sqlx::test]
async fn a_reconnecting_browser_resubscribes_fifty_channels_within_the_default_budgets(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    // Julie is a member of 47 more rooms: with the seed's, 52 channels to resume.
    for n in 0..47 {
        let id = Uuid::new_v4();
        sqlx::query("insert into channels (id, kind) values ($1, 'room')")
            .bind(id)
            .execute(&app.pool)
            .await
            .unwrap();
        sqlx::query("insert into rooms (id, name, capacity, created_by) values ($1, $2, 50, $3)")
            .bind(id)
            .bind(format!("Salon {n}"))
            .bind(CLAIRE_ID)
            .execute(&app.pool)
            .await
            .unwrap();
        sqlx::query("insert into channel_members (channel_id, user_id) values ($1, $2)")
            .bind(id)
            .bind(JULIE_ID)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let channels: Vec<Uuid> =
        sqlx::query_scalar("select channel_id from channel_members where user_id = $1")
            .bind(JULIE_ID)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(channels.len() >= 50);

    // Two tabs reconnect at once after a restart, each as the browser did before it
    // subscribed each channel once per connection: the lists, every resume point, then
    // every channel again when the room list arrives.
    let cookie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut tabs = vec![
        Client::with_cookie(&app, &cookie).await,
        Client::with_cookie(&app, &cookie).await,
    ];
    for tab in &mut tabs {
        tab.send(json!({"type": "watch_rooms"})).await;
        tab.send(json!({"type": "watch_support"})).await;
        for _ in 0..2 {
            for channel in &channels {
                tab.subscribe(*channel, 0).await;
            }
        }
        tab.send(json!({"type": "mark_read", "channel_id": BALADES, "seq": 4}))
            .await;
        // Frames are answered in order: this one comes after every answer above.
        tab.send(json!({"type": "members", "room_id": BALADES}))
            .await;
    }
    for tab in &mut tabs {
        loop {
            let frame = tab.next().await;
            assert_ne!(frame["type"], "error", "refused: {frame}");
            if frame["type"] == "members" {
                break;
            }
        }
    }
}

#[sqlx::test]
async fn typing_goes_out_at_most_once_per_three_seconds_and_extra_frames_are_dropped_silently(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let mut thomas = Client::connect(&app, THOMAS).await;
    // Thomas follows the room once its last message is sent to him.
    thomas.subscribe(BALADES, 3).await;
    thomas.next_of("message").await;

    for _ in 0..10 {
        julie
            .send(json!({"type": "typing", "channel_id": BALADES}))
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen = frames_within(&mut thomas, Duration::from_millis(1_500)).await;
    let typing: Vec<&Value> = seen.iter().filter(|f| f["type"] == "typing").collect();
    assert_eq!(typing.len(), 1, "{seen:?}");
    assert_eq!(typing[0]["name"], "Julie Petit");
    // Julie's extra frames are not refused: they are dropped.
    let answers = frames_within(&mut julie, Duration::from_millis(300)).await;
    assert!(answers.iter().all(|f| f["type"] != "error"), "{answers:?}");
}

// ---------------------------------------------------------------------------------------
// Caps

#[sqlx::test]
async fn a_user_past_their_socket_cap_is_refused_before_the_upgrade(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.ws_max_connections_per_user = 2).await;
    let cookie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let first = Client::with_cookie(&app, &cookie).await;
    let _second = Client::with_cookie(&app, &cookie).await;
    let (status, body, _) = upgrade(&app, &cookie, Some(&app.base)).await;
    assert_eq!(status, 429);
    let body = body.expect("a JSON refusal");
    assert_eq!(body["code"], "too_many_connections");
    assert!(body["message"].as_str().unwrap().contains("onglet"));
    // Another user is not concerned.
    Client::connect(&app, THOMAS).await;

    // Closing a socket gives its place back.
    let mut first = first;
    first.socket.close(None).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, _, _) = upgrade(&app, &cookie, Some(&app.base)).await;
        if status == 101 {
            break;
        }
        assert!(Instant::now() < deadline, "the place is never given back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test]
async fn a_full_instance_answers_503_before_the_upgrade(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.ws_max_connections = 2).await;
    let _julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let _thomas = Client::connect(&app, THOMAS).await;
    let cookie = session_cookie_of(&app, EMMA, CUSTOMER_PASSWORD).await;
    let (status, body, retry_after) = upgrade(&app, &cookie, Some(&app.base)).await;
    assert_eq!(status, 503);
    assert_eq!(body.expect("a JSON refusal")["code"], "unavailable");
    assert!(retry_after.is_some_and(|s| s.parse::<u64>().unwrap() >= 1));
}

/// Opens a notification stream; the response stays open while it is held.
async fn stream(app: &TestApp, cookie: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url("/api/notifications/stream"))
        .header("accept", "text/event-stream")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_customers_notification_streams_are_capped_across_instances(pool: PgPool) {
    let tweak = |s: &mut paddock::config::Settings| {
        s.sse_streams_per_user = 2;
        // A closed stream is noticed at its next keep-alive.
        s.sse_keep_alive_seconds = 1;
    };
    let first = TestApp::spawn_with(pool.clone(), tweak).await;
    let second = TestApp::spawn_with(pool, tweak).await;
    let cookie = session_cookie_of(&first, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;

    // Rows of a stopped instance, no longer refreshed, do not count.
    sqlx::query(
        "insert into sse_streams (id, instance_id, user_id, seen_at)
         select gen_random_uuid(), gen_random_uuid(), $1, now() - interval '5 minutes'
         from generate_series(1, 3)",
    )
    .bind(JULIE_ID)
    .execute(&first.pool)
    .await
    .unwrap();

    let on_first = stream(&first, &cookie).await;
    assert_eq!(on_first.status(), 200);
    let on_second = stream(&second, &cookie).await;
    assert_eq!(on_second.status(), 200);
    for app in [&first, &second] {
        let refused = stream(app, &cookie).await;
        assert_eq!(refused.status(), 429);
        assert_eq!(error_code(refused).await, "too_many_connections");
    }
    // Another customer is not concerned.
    let thomas = session_cookie_of(&first, THOMAS, CUSTOMER_PASSWORD).await;
    assert_eq!(stream(&second, &thomas).await.status(), 200);

    // Closing a stream gives its place back, whichever instance held it.
    drop(on_first);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let again = stream(&second, &cookie).await;
        if again.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the place is never given back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(on_second);
}

// ---------------------------------------------------------------------------------------
// Leave

/// Julie's two sockets following « Balades », and Thomas posting there.
async fn two_tabs_in_balades(first: &TestApp, second: &TestApp) -> (Client, Client, Client) {
    let cookie = session_cookie_of(first, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut tab_a = Client::with_cookie(first, &cookie).await;
    let mut tab_b = Client::with_cookie(second, &cookie).await;
    let mut thomas = Client::connect(first, THOMAS).await;
    tab_a.subscribe(BALADES, 4).await;
    tab_b.subscribe(BALADES, 4).await;
    thomas.post(BALADES, Uuid::new_v4(), "avant").await;
    assert_eq!(tab_a.next_of("message").await["body"], "avant");
    assert_eq!(tab_b.next_of("message").await["body"], "avant");
    (tab_a, tab_b, thomas)
}

async fn leaving_stops_the_room_on_every_socket(first: &TestApp, second: &TestApp) {
    let (mut tab_a, mut tab_b, mut thomas) = two_tabs_in_balades(first, second).await;
    tab_a
        .send(json!({"type": "leave", "room_id": BALADES}))
        .await;
    assert_eq!(tab_a.next_of("left").await["room_id"], BALADES.to_string());
    assert_eq!(tab_b.next_of("left").await["room_id"], BALADES.to_string());
    assert!(!is_member(first, BALADES, JULIE_ID).await);

    assert_eq!(
        thomas.post(BALADES, Uuid::new_v4(), "après").await["type"],
        "ack"
    );
    tab_a.nothing_of("message").await;
    tab_b.nothing_of("message").await;
    // Following it again is refused.
    tab_b.subscribe(BALADES, 0).await;
    assert_eq!(tab_b.next_of("error").await["code"], "not_member");
}

#[sqlx::test]
async fn leaving_a_room_stops_its_live_messages_on_every_socket_of_the_user(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    leaving_stops_the_room_on_every_socket(&app, &app).await;
}

#[sqlx::test]
async fn leaving_a_room_stops_its_live_messages_on_every_instance(pool: PgPool) {
    let first = TestApp::spawn(pool.clone()).await;
    let second = TestApp::spawn(pool).await;
    leaving_stops_the_room_on_every_socket(&first, &second).await;
}

#[sqlx::test]
async fn a_subscribe_racing_a_leave_never_keeps_the_room(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (mut tab_a, mut tab_b, mut thomas) = two_tabs_in_balades(&app, &app).await;
    for _ in 0..20 {
        tab_b.subscribe(BALADES, 5).await;
    }
    tab_a
        .send(json!({"type": "leave", "room_id": BALADES}))
        .await;
    for _ in 0..20 {
        tab_b.subscribe(BALADES, 5).await;
    }
    tab_b.next_of("left").await;
    // Every subscription is answered (refusals once Julie has left) before this one.
    tab_b
        .send(json!({"type": "history", "channel_id": JULIE_AND_THOMAS, "before_seq": 100, "limit": 1}))
        .await;
    tab_b.next_of("history").await;
    thomas.post(BALADES, Uuid::new_v4(), "après").await;
    tab_b.nothing_of("message").await;
}

#[sqlx::test]
async fn leave_applies_to_rooms_only_and_changes_nothing_else(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let mut thomas = Client::connect(&app, THOMAS).await;
    let mut emma = Client::connect(&app, EMMA).await;
    emma.send(json!({"type": "watch_rooms"})).await;
    emma.next_of("rooms").await;
    thomas.subscribe(JULIE_AND_THOMAS, 2).await;

    for channel in [JULIE_AND_THOMAS, JULIE_AND_CLAIRE] {
        julie
            .send(json!({"type": "leave", "room_id": channel}))
            .await;
        assert_eq!(julie.next_of("error").await["code"], "not_found");
        assert!(is_member(&app, channel, JULIE_ID).await, "still a member");
    }
    // Nobody watching the room list hears of those conversations.
    let heard = frames_within(&mut emma, Duration::from_millis(400)).await;
    assert!(heard.is_empty(), "{heard:?}");
    // The conversation still works both ways.
    let ack = julie
        .post(JULIE_AND_THOMAS, Uuid::new_v4(), "toujours là")
        .await;
    assert_eq!(ack["type"], "ack");
    assert_eq!(thomas.next_of("message").await["body"], "toujours là");
}

// ---------------------------------------------------------------------------------------
// Posts racing a deletion or an end

/// Waits until a statement of this database waits for a lock (the writer's batch).
async fn until_a_statement_waits_for_a_lock(pool: &PgPool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if waiting > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the post never waited for the lock"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A post whose batch waits for the channel's lock while `close` (run under that lock)
/// commits is refused with `code`, and nothing is stored after the close.
async fn a_post_waiting_for_the_lock_sees(
    app: &TestApp,
    poster: &mut Client,
    channel: Uuid,
    close: &str,
    code: &str,
) {
    let before = stored_seqs(app, channel).await;
    let mut closing = app.pool.begin().await.unwrap();
    sqlx::query("select 1 from channels where id = $1 for update")
        .bind(channel)
        .execute(&mut *closing)
        .await
        .unwrap();
    sqlx::query(close)
        .bind(channel)
        .execute(&mut *closing)
        .await
        .unwrap();
    let client_id = Uuid::new_v4();
    poster
        .send(json!({"type": "post", "channel_id": channel, "client_id": client_id, "body": "sur le fil"}))
        .await;
    until_a_statement_waits_for_a_lock(&app.pool).await;
    closing.commit().await.unwrap();
    let answer = answer_to(poster, client_id).await;
    assert_eq!(answer["type"], "error", "stored after the close: {answer}");
    assert_eq!(answer["code"], code);
    assert_eq!(stored_seqs(app, channel).await, before);
}

#[sqlx::test]
async fn a_post_waiting_for_the_channel_lock_is_refused_once_the_room_is_deleted(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    // What `delete_room` does, held open while the post arrives.
    a_post_waiting_for_the_lock_sees(
        &app,
        &mut julie,
        BALADES,
        "update rooms set deleted_at = now() where id = $1",
        "room_closed",
    )
    .await;
}

/// An open advisor conversation between Julie and Claire, made in the database.
async fn open_conversation(app: &TestApp) -> Uuid {
    let channel = Uuid::new_v4();
    sqlx::query("insert into channels (id, kind) values ($1, 'support')")
        .bind(channel)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into support_requests (customer_id, status, decided_at, advisor_id, channel_id)
         values ($1, 'accepted', now(), $2, $3)",
    )
    .bind(JULIE_ID)
    .bind(CLAIRE_ID)
    .bind(channel)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into channel_members (channel_id, user_id) values ($1, $2), ($1, $3)")
        .bind(channel)
        .bind(JULIE_ID)
        .bind(CLAIRE_ID)
        .execute(&app.pool)
        .await
        .unwrap();
    channel
}

#[sqlx::test]
async fn a_post_waiting_for_the_channel_lock_is_refused_once_the_conversation_ended(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let channel = open_conversation(&app).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    // What support's `end` does, held open while the post arrives.
    a_post_waiting_for_the_lock_sees(
        &app,
        &mut julie,
        channel,
        "update support_requests set ended_at = now() where channel_id = $1",
        "conversation_ended",
    )
    .await;
}

/// Posters post to `channel` one after the other until refused; once `acks_first` posts
/// are stored, `close` runs. A socket following the channel receives no message after
/// the close's frame `closed_frame`; every acknowledged post was delivered before it,
/// every refused one was refused with `code`, and the store holds exactly the former.
async fn posts_racing(
    app: &TestApp,
    channel: Uuid,
    posters: Vec<Client>,
    mut watcher: Client,
    closed_frame: &'static str,
    code: &'static str,
    close: impl std::future::Future<Output = ()>,
) {
    let acks = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = posters
        .into_iter()
        .map(|mut poster| {
            let acks = acks.clone();
            tokio::spawn(async move {
                let mut stored = Vec::new();
                loop {
                    let answer = poster.post(channel, Uuid::new_v4(), "plein gaz").await;
                    if answer["type"] == "ack" {
                        stored.push(answer["seq"].as_i64().unwrap());
                        acks.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    assert_eq!(answer["code"], code, "{answer}");
                    return stored;
                }
            })
        })
        .collect();
    let watching = tokio::spawn(async move {
        let mut delivered = Vec::new();
        loop {
            let frame = watcher.next().await;
            if frame["type"] == "message" {
                delivered.push(frame["seq"].as_i64().unwrap());
            }
            if frame["type"] == closed_frame {
                break;
            }
        }
        let after = frames_within(&mut watcher, Duration::from_millis(500)).await;
        assert!(
            after.iter().all(|f| f["type"] != "message"),
            "a message after the close: {after:?}"
        );
        delivered
    });
    while acks.load(Ordering::Relaxed) < 30 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    close.await;
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.unwrap());
    }
    acknowledged.sort_unstable();
    let delivered = watching.await.unwrap();
    let stored = stored_seqs(app, channel).await;
    let last = *stored.last().unwrap();
    assert!(
        acknowledged.iter().all(|seq| delivered.contains(seq)),
        "every acknowledged post was delivered before the close"
    );
    assert!(acknowledged.iter().all(|seq| *seq <= last));
    let last_seq: i64 = sqlx::query_scalar("select last_seq from channels where id = $1")
        .bind(channel)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(last_seq, last, "nothing stored after the close");
}

#[sqlx::test]
async fn posts_racing_a_room_deletion_are_never_stored_after_it(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.chat_posts_per_10_seconds = 10_000;
        s.login_attempts_per_ip_per_minute = 1_000;
    })
    .await;
    let room = create_room(&app, "Dernier tour", 20).await;
    let mut watcher = Client::connect(&app, CUSTOMER_EMAIL).await;
    watcher.join(room).await;
    watcher.subscribe(room, 0).await;
    let mut posters = Vec::new();
    for email in customers(&app, "course", 6).await {
        let mut poster = Client::connect(&app, &email).await;
        assert_eq!(poster.join(room).await["type"], "joined");
        posters.push(poster);
    }
    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let delete = async {
        let deleted = app
            .call(
                &admin,
                "admin/rooms/delete",
                &[("room_id", &room.to_string())],
            )
            .await;
        assert_eq!(deleted.status(), 200);
    };
    posts_racing(
        &app,
        room,
        posters,
        watcher,
        "room_closed",
        "room_closed",
        delete,
    )
    .await;
}

#[sqlx::test]
async fn posts_racing_the_end_of_a_conversation_are_never_stored_after_it(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.chat_posts_per_10_seconds = 10_000).await;
    let channel = open_conversation(&app).await;
    let julie_cookie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let claire_cookie = session_cookie_of(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut watcher = Client::with_cookie(&app, &julie_cookie).await;
    watcher.subscribe(channel, 0).await;
    let posters = vec![
        Client::with_cookie(&app, &julie_cookie).await,
        Client::with_cookie(&app, &claire_cookie).await,
    ];
    let mut ender = Client::with_cookie(&app, &claire_cookie).await;
    let end = async move {
        ender
            .send(json!({"type": "end_conversation", "channel_id": channel}))
            .await;
        ender.next_of("conversation_ended").await;
    };
    posts_racing(
        &app,
        channel,
        posters,
        watcher,
        "conversation_ended",
        "conversation_ended",
        end,
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Origin

#[sqlx::test]
async fn the_upgrade_requires_the_public_origin_exactly(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let cookie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let port_elsewhere = app.base.rsplit_once(':').unwrap().0.to_owned() + ":1";
    for refused in [
        None,
        Some("null"),
        Some("https://evil.example"),
        Some(port_elsewhere.as_str()),
        Some(&format!("{}.evil.example", app.base)),
    ] {
        let (status, body, _) = upgrade(&app, &cookie, refused).await;
        assert_eq!(status, 403, "origin {refused:?}");
        // Programs read why: a stable code and a French message.
        let body = body.expect("a JSON refusal");
        assert_eq!(body["code"], "cross_site_request");
        assert!(body["message"].as_str().unwrap().contains("Paddock"));
    }
    assert_eq!(upgrade(&app, &cookie, Some(&app.base)).await.0, 101);
}
