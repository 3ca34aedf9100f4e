//! The real-time core with real WebSocket clients against the real server and
//! PostgreSQL: rooms, capacity, deletion, resume, idempotent posts, limits, roles,
//! logout, and delivery between two server instances.

mod common;

use common::{ws::*, *};
use futures_util::SinkExt;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::Duration;
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Error as WsError, Message},
};
use uuid::Uuid;

const THOMAS: &str = "thomas.durand@paddock.test";
const EMMA: &str = "emma.leroy@paddock.test";

/// How many messages the database holds for `channel`.
async fn stored_messages(app: &TestApp, channel: Uuid) -> i64 {
    sqlx::query_scalar("select count(*) from messages where channel_id = $1")
        .bind(channel)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn admin_call(app: &TestApp, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.call(&admin, endpoint, form).await
}

#[sqlx::test]
async fn the_socket_needs_a_session_and_an_allowed_origin(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let status = |result: Result<_, WsError>| match result {
        Err(WsError::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("{other}"),
        Ok(_) => 101,
    };
    assert_eq!(
        status(connect_async(ws_request(&app, None, Some(&app.base))).await),
        401
    );
    let cookie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let foreign = connect_async(ws_request(
        &app,
        Some(&cookie),
        Some("https://evil.example"),
    ))
    .await;
    assert_eq!(status(foreign), 403);
    let missing = connect_async(ws_request(&app, Some(&cookie), None)).await;
    assert_eq!(status(missing), 403);
    assert_eq!(
        status(connect_async(ws_request(&app, Some(&cookie), Some(&app.base))).await),
        101
    );
}

#[sqlx::test]
async fn two_customers_chat_live_in_a_room_and_messages_are_stored_first(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Sorties du samedi", 10).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let mut thomas = Client::connect(&app, THOMAS).await;
    assert_eq!(julie.join(room).await["type"], "joined");
    let joined = thomas.join(room).await;
    assert_eq!(joined["room"]["members"], 2);
    julie.subscribe(room, 0).await;
    thomas.subscribe(room, 0).await;

    let client_id = Uuid::new_v4();
    let ack = julie.post(room, client_id, "  Qui roule samedi ?  ").await;
    assert_eq!(ack["type"], "ack");
    assert_eq!(ack["seq"], 1);
    let stored: String =
        sqlx::query_scalar("select body from messages where channel_id = $1 and seq = 1")
            .bind(room)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, "Qui roule samedi ?");

    let message = thomas.next_of("message").await;
    assert_eq!(message["body"], "Qui roule samedi ?");
    assert_eq!(message["author_name"], "Julie Petit");
    assert_eq!(message["seq"], 1);
    assert_eq!(message["client_id"], client_id.to_string());

    // Typing reaches the others, not the typist.
    thomas
        .send(json!({"type": "typing", "channel_id": room}))
        .await;
    assert_eq!(julie.next_of("typing").await["name"], "Thomas Durand");

    // History, newest first, paged.
    for n in 2..=4 {
        julie
            .post(room, Uuid::new_v4(), &format!("message {n}"))
            .await;
    }
    thomas
        .send(json!({"type": "history", "channel_id": room, "before_seq": 4, "limit": 2}))
        .await;
    let history = thomas.next_of("history").await;
    let seqs: Vec<i64> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, vec![3, 2]);
    assert_eq!(history["has_more"], true);
}

#[sqlx::test]
async fn a_full_room_is_never_joined(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Petit comité", 2).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let mut thomas = Client::connect(&app, THOMAS).await;
    let mut emma = Client::connect(&app, EMMA).await;
    julie.join(room).await;
    thomas.join(room).await;
    let refused = emma.join(room).await;
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["code"], "room_full");
    assert_eq!(refused["message"], "Ce salon est complet.");

    // Lowering the capacity keeps the members and refuses new joins until under it.
    let response = admin_call(
        &app,
        "admin/rooms/capacity",
        &[("room_id", &room.to_string()), ("capacity", "2")],
    )
    .await;
    assert_eq!(response.status(), 200);
    julie.send(json!({"type": "leave", "room_id": room})).await;
    assert_eq!(julie.next_of("left").await["room_id"], room.to_string());
    assert_eq!(emma.join(room).await["type"], "joined");
}

#[sqlx::test]
async fn twenty_customers_racing_for_the_last_seat_get_it_once(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.login_attempts_per_ip_per_minute = 1000).await;
    let room = create_room(&app, "Dernière place", 2).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    julie.join(room).await;

    let mut racers = Vec::new();
    for email in customers(&app, "coureur", 20).await {
        racers.push(Client::connect(&app, &email).await);
    }
    for racer in &mut racers {
        racer.send(json!({"type": "join", "room_id": room})).await;
    }
    let mut joined = 0;
    for racer in &mut racers {
        let answer = racer.next().await;
        match answer["type"].as_str().unwrap() {
            "joined" => joined += 1,
            "error" => assert_eq!(answer["code"], "room_full"),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(joined, 1);
    let members: i64 =
        sqlx::query_scalar("select count(*) from channel_members where channel_id = $1")
            .bind(room)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(members, 2);
}

#[sqlx::test]
async fn a_deleted_room_closes_for_its_members_and_refuses_posts(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Salon éphémère", 5).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let mut watcher = Client::connect(&app, THOMAS).await;
    julie.join(room).await;
    julie.subscribe(room, 0).await;
    julie.post(room, Uuid::new_v4(), "avant la fermeture").await;
    watcher.send(json!({"type": "watch_rooms"})).await;
    let rooms = watcher.next_of("rooms").await;
    assert!(rooms["rooms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == room.to_string()));

    let response = admin_call(
        &app,
        "admin/rooms/delete",
        &[("room_id", &room.to_string())],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        julie.next_of("room_closed").await["room_id"],
        room.to_string()
    );
    assert_eq!(
        watcher.next_of("room_closed").await["room_id"],
        room.to_string()
    );

    let refused = julie.post(room, Uuid::new_v4(), "après la fermeture").await;
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["code"], "room_closed");
    assert_eq!(stored_messages(&app, room).await, 1);

    // Its history stays readable to its members; nobody can join it.
    julie
        .send(json!({"type": "history", "channel_id": room, "before_seq": 100, "limit": 10}))
        .await;
    assert_eq!(
        julie.next_of("history").await["messages"][0]["body"],
        "avant la fermeture"
    );
    assert_eq!(watcher.join(room).await["code"], "room_closed");
    let list: Value = app
        .call(
            &app.logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
                .await,
            "rooms/list",
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!list
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == room.to_string()));
}

#[sqlx::test]
async fn after_a_disconnect_the_client_resumes_with_nothing_lost_or_duplicated(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Reprise", 5).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let thomas_cookie = session_cookie_of(&app, THOMAS, CUSTOMER_PASSWORD).await;
    let mut thomas = Client::with_cookie(&app, &thomas_cookie).await;
    julie.join(room).await;
    thomas.join(room).await;
    thomas.subscribe(room, 0).await;
    julie.post(room, Uuid::new_v4(), "un").await;
    assert_eq!(thomas.next_of("message").await["seq"], 1);

    drop(thomas); // the network drops
    for body in ["deux", "trois", "quatre"] {
        julie.post(room, Uuid::new_v4(), body).await;
    }
    let mut thomas = Client::with_cookie(&app, &thomas_cookie).await;
    thomas.subscribe(room, 1).await;
    let mut received = Vec::new();
    for _ in 0..3 {
        let message = thomas.next_of("message").await;
        received.push((
            message["seq"].as_i64().unwrap(),
            message["body"].as_str().unwrap().to_owned(),
        ));
    }
    assert_eq!(
        received,
        vec![
            (2, "deux".into()),
            (3, "trois".into()),
            (4, "quatre".into())
        ]
    );
    // Live again afterwards, and nothing comes twice.
    julie.post(room, Uuid::new_v4(), "cinq").await;
    assert_eq!(thomas.next_of("message").await["seq"], 5);
    thomas.nothing_of("message").await;
}

#[sqlx::test]
async fn a_retried_post_is_stored_and_delivered_once(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Doublons", 5).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let mut thomas = Client::connect(&app, THOMAS).await;
    julie.join(room).await;
    thomas.join(room).await;
    thomas.subscribe(room, 0).await;
    let client_id = Uuid::new_v4();
    let first = julie.post(room, client_id, "une seule fois").await;
    let retry = julie.post(room, client_id, "une seule fois").await;
    assert_eq!(first["seq"], retry["seq"]);
    assert_eq!(thomas.next_of("message").await["body"], "une seule fois");
    thomas.nothing_of("message").await;
    assert_eq!(stored_messages(&app, room).await, 1);
}

#[sqlx::test]
async fn oversized_and_too_frequent_messages_are_refused(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.chat_posts_per_10_seconds = 3).await;
    let room = create_room(&app, "Limites", 5).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    julie.join(room).await;

    let too_long = julie.post(room, Uuid::new_v4(), &"a".repeat(2001)).await;
    assert_eq!(too_long["code"], "message_too_long");
    assert!(
        too_long["client_id"].is_string(),
        "the refused post is named"
    );
    for n in 0..3 {
        assert_eq!(
            julie
                .post(room, Uuid::new_v4(), &format!("message {n}"))
                .await["type"],
            "ack"
        );
    }
    let limited = julie.post(room, Uuid::new_v4(), "encore").await;
    assert_eq!(limited["code"], "rate_limited");
    assert_eq!(stored_messages(&app, room).await, 3);

    // A frame over 64 KB closes the socket with 1009.
    julie
        .socket
        .send(Message::text("x".repeat(70 * 1024)))
        .await
        .unwrap();
    assert_eq!(julie.close_code().await, 1009);
}

#[sqlx::test]
async fn customers_cannot_manage_rooms_nor_post_where_they_are_not_members(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Réservé", 5).await;
    let customer = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let room_id = room.to_string();
    for (endpoint, form) in [
        (
            "admin/rooms/create",
            vec![("name", "Pirate"), ("capacity", "10")],
        ),
        (
            "admin/rooms/rename",
            vec![("room_id", room_id.as_str()), ("name", "Pirate")],
        ),
        (
            "admin/rooms/capacity",
            vec![("room_id", room_id.as_str()), ("capacity", "3")],
        ),
        ("admin/rooms/delete", vec![("room_id", room_id.as_str())]),
    ] {
        let response = app.call(&customer, endpoint, &form).await;
        assert_eq!(response.status(), 403, "{endpoint}");
    }
    let name: String = sqlx::query_scalar("select name from rooms where id = $1")
        .bind(room)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Réservé");

    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let refused = julie.post(room, Uuid::new_v4(), "intrus").await;
    assert_eq!(refused["code"], "not_member");
    julie.subscribe(room, 0).await;
    assert_eq!(julie.next_of("error").await["code"], "not_member");
}

#[sqlx::test]
async fn admins_rename_and_resize_rooms_with_clear_errors(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Circuit", 20).await;
    create_room(&app, "Trail", 20).await;
    let mut watcher = Client::connect(&app, CUSTOMER_EMAIL).await;
    watcher.send(json!({"type": "watch_rooms"})).await;
    watcher.next_of("rooms").await;

    let id = room.to_string();
    let renamed = admin_call(
        &app,
        "admin/rooms/rename",
        &[("room_id", &id), ("name", "Circuit & piste")],
    )
    .await;
    assert_eq!(renamed.status(), 200);
    let update = watcher.next_of("room_updated").await;
    assert_eq!(update["room"]["name"], "Circuit & piste");

    let taken = admin_call(
        &app,
        "admin/rooms/rename",
        &[("room_id", &id), ("name", "trail")],
    )
    .await;
    assert_eq!(taken.status(), 409);
    assert_eq!(error_code(taken).await, "room_name_taken");
    let short = admin_call(
        &app,
        "admin/rooms/create",
        &[("name", "ab"), ("capacity", "10")],
    )
    .await;
    assert_eq!(short.status(), 422);
    let huge = admin_call(
        &app,
        "admin/rooms/capacity",
        &[("room_id", &id), ("capacity", "501")],
    )
    .await;
    assert_eq!(huge.status(), 422);
    let missing = admin_call(
        &app,
        "admin/rooms/delete",
        &[("room_id", &Uuid::new_v4().to_string())],
    )
    .await;
    assert_eq!(missing.status(), 404);
}

#[sqlx::test]
async fn customers_talk_one_to_one(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let thomas_id: Uuid = sqlx::query_scalar("select id from users where email = $1")
        .bind(THOMAS)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let mut thomas = Client::connect(&app, THOMAS).await;
    julie
        .send(json!({"type": "open_direct", "user_id": thomas_id}))
        .await;
    let opened = julie.next_of("direct_opened").await;
    assert_eq!(opened["direct"]["other_name"], "Thomas Durand");
    let channel: Uuid = opened["direct"]["channel_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // The seed already holds their earlier conversation: resume after it.
    let last_seq = opened["last_seq"].as_i64().unwrap();
    julie.subscribe(channel, last_seq).await;
    thomas.subscribe(channel, last_seq).await;
    julie.post(channel, Uuid::new_v4(), "Salut Thomas").await;
    assert_eq!(thomas.next_of("message").await["body"], "Salut Thomas");

    // A third customer cannot read or write it.
    let mut emma = Client::connect(&app, EMMA).await;
    assert_eq!(
        emma.post(channel, Uuid::new_v4(), "coucou").await["code"],
        "not_member"
    );
    // Opening it again gives the same conversation; nobody writes to themselves.
    julie
        .send(json!({"type": "open_direct", "user_id": thomas_id}))
        .await;
    assert_eq!(
        julie.next_of("direct_opened").await["direct"]["channel_id"],
        channel.to_string()
    );
    let julie_id: Uuid = sqlx::query_scalar("select id from users where email = $1")
        .bind(CUSTOMER_EMAIL)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    julie
        .send(json!({"type": "open_direct", "user_id": julie_id}))
        .await;
    assert_eq!(julie.next_of("error").await["code"], "invalid_input");
}

#[sqlx::test]
async fn logging_out_closes_the_sessions_sockets_with_1008(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let http = app.client();
    let response = app.login(&http, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let cookie = session_cookie(&response)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mut socket = Client::with_cookie(&app, &cookie).await;
    let logout = app.call(&http, "session/logout", &[]).await;
    assert_eq!(logout.status(), 200);
    assert_eq!(socket.close_code().await, 1008);
}

#[sqlx::test]
async fn two_instances_deliver_each_others_messages(pool: PgPool) {
    let first = TestApp::spawn(pool.clone()).await;
    let second = TestApp::spawn(pool).await;
    let room = create_room(&first, "Multi-instance", 5).await;
    let mut julie = Client::connect(&first, CUSTOMER_EMAIL).await;
    let mut thomas = Client::connect(&second, THOMAS).await;
    julie.join(room).await;
    thomas.join(room).await;
    thomas.subscribe(room, 0).await;
    julie
        .post(room, Uuid::new_v4(), "d’une instance à l’autre")
        .await;
    assert_eq!(
        thomas.next_of("message").await["body"],
        "d’une instance à l’autre"
    );

    // Presence is shared: Julie, connected to the first instance, is online for the second.
    thomas
        .send(json!({"type": "members", "room_id": room}))
        .await;
    let members = thomas.next_of("members").await;
    let julie_entry = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Julie Petit")
        .cloned()
        .unwrap();
    assert_eq!(julie_entry["online"], true);
    drop(julie);
    let mut offline = false;
    for _ in 0..50 {
        thomas
            .send(json!({"type": "members", "room_id": room}))
            .await;
        let members = thomas.next_of("members").await;
        offline = members["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == "Julie Petit" && m["online"] == false);
        if offline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(offline, "Julie goes offline once her socket closes");

    // Room changes made through one instance reach watchers of the other.
    thomas.send(json!({"type": "watch_rooms"})).await;
    thomas.next_of("rooms").await;
    admin_call(
        &first,
        "admin/rooms/delete",
        &[("room_id", &room.to_string())],
    )
    .await;
    assert_eq!(
        thomas.next_of("room_closed").await["room_id"],
        room.to_string()
    );
}

#[sqlx::test]
async fn the_room_list_carries_memberships_conversations_and_unread_counts(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    // Seed: Thomas read Balades up to 2 of 4 and the conversation with Julie up to 1 of 2.
    let mut thomas = Client::connect(&app, THOMAS).await;
    thomas.send(json!({"type": "watch_rooms"})).await;
    let rooms = thomas.next_of("rooms").await;
    let balades = "10000000-0000-4000-8000-000000000001";
    let direct = "20000000-0000-4000-8000-000000000001";
    assert!(rooms["joined"]
        .as_array()
        .unwrap()
        .iter()
        .any(|id| id == balades));
    assert_eq!(rooms["directs"][0]["other_name"], "Julie Petit");
    let unread: Vec<(String, i64)> = serde_json::from_value(rooms["unread"].clone()).unwrap();
    assert!(unread.contains(&(balades.to_owned(), 2)), "{unread:?}");
    assert!(unread.contains(&(direct.to_owned(), 1)), "{unread:?}");

    // Reading clears it for the next connection.
    thomas
        .send(json!({"type": "mark_read", "channel_id": balades, "seq": 4}))
        .await;
    thomas.send(json!({"type": "watch_rooms"})).await;
    let again = thomas.next_of("rooms").await;
    let unread: Vec<(String, i64)> = serde_json::from_value(again["unread"].clone()).unwrap();
    assert!(!unread.iter().any(|(id, _)| id == balades), "{unread:?}");
}

#[sqlx::test]
async fn members_are_listed_and_a_new_conversation_reaches_the_other_customer_at_once(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    let balades = "10000000-0000-4000-8000-000000000001";
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    let mut emma = Client::connect(&app, EMMA).await;
    julie
        .send(json!({"type": "members", "room_id": balades}))
        .await;
    let members = julie.next_of("members").await;
    let list = members["members"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let emma_entry = list.iter().find(|m| m["name"] == "Emma Leroy").unwrap();
    assert_eq!(emma_entry["online"], true);
    assert_eq!(
        list.iter().find(|m| m["name"] == "Thomas Durand").unwrap()["online"],
        false
    );

    julie
        .send(json!({"type": "open_direct", "user_id": emma_entry["user_id"]}))
        .await;
    let opened = julie.next_of("direct_opened").await;
    let told = emma.next_of("direct_opened").await;
    assert_eq!(told["direct"]["channel_id"], opened["direct"]["channel_id"]);
    assert_eq!(told["direct"]["other_name"], "Julie Petit");

    // Someone outside the room cannot list its members.
    let mut hugo = Client::connect(&app, "hugo.moreau@paddock.test").await;
    hugo.send(json!({"type": "members", "room_id": balades}))
        .await;
    assert_eq!(hugo.next_of("error").await["code"], "not_member");
}

#[sqlx::test]
async fn customers_are_found_by_name_or_whole_email_never_by_fragment(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.customer_searches_per_minute = 1000).await;
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let search = |query: &'static str| {
        let (app, julie) = (&app, &julie);
        async move {
            let response = app
                .call(julie, "customers/search", &[("query", query)])
                .await;
            assert_eq!(response.status(), 200, "{query}");
            response.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(search("leroy").await[0]["name"], "Emma Leroy");
    assert_eq!(
        search(" Thomas.Durand@Paddock.test ").await[0]["name"],
        "Thomas Durand",
        "one whole address finds its customer"
    );
    // Fragments of addresses find no one: neither the shared domain nor a prefix that
    // someone would grow one character at a time.
    for fragment in ["paddock.test", "thomas.durand@", "durand@paddock.tes", "@p"] {
        assert_eq!(search(fragment).await, json!([]), "{fragment}");
    }
    // Never oneself, never an admin, and LIKE wildcards are plain characters.
    for query in ["julie", "claire", "%%", "claire.martin@paddock.test"] {
        assert_eq!(search(query).await, json!([]), "{query}");
    }
    let short = app
        .call(&julie, "customers/search", &[("query", "a")])
        .await;
    assert_eq!(short.status(), 422);
    let anonymous = app
        .call(&app.client(), "customers/search", &[("query", "leroy")])
        .await;
    assert_eq!(anonymous.status(), 401);
}

#[sqlx::test]
async fn customer_searches_are_rate_limited_per_user(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.customer_searches_per_minute = 3).await;
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    for _ in 0..3 {
        let response = app
            .call(&julie, "customers/search", &[("query", "leroy")])
            .await;
        assert_eq!(response.status(), 200);
    }
    let limited = app
        .call(&julie, "customers/search", &[("query", "leroy")])
        .await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(error_code(limited).await, "rate_limited");
    // Another customer keeps their own budget.
    let thomas = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    let response = app
        .call(&thomas, "customers/search", &[("query", "leroy")])
        .await;
    assert_eq!(response.status(), 200);
}
