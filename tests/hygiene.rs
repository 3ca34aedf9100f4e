//! Bad input, as an outsider would send it: control characters in any field, names
//! that hide or pass for staff, values out of range. Each gets a clear refusal and
//! leaves nothing behind.

mod common;

use common::{ws::*, *};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

async fn assert_invalid_characters(response: reqwest::Response, what: &str) {
    assert_eq!(response.status(), 400, "{what}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "invalid_characters", "{what}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Un champ contient un caractère non autorisé"),
        "{what}: {body}"
    );
}

#[sqlx::test]
async fn a_nul_or_control_character_in_any_field_is_a_400_never_a_500(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    app.call(&julie, "bot/conversation", &[]).await;
    let lines_before: i64 = sqlx::query_scalar("select count(*) from bot_lines")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    for (endpoint, form) in [
        ("bot/answer", vec![("text", "entre\0tien")]),
        ("bot/answer", vec![("text", "\u{1b}[2J")]),
        ("customers/search", vec![("query", "le\0roy")]),
        ("notifications/read", vec![("id", "1\0")]),
    ] {
        assert_invalid_characters(app.call(&julie, endpoint, &form).await, endpoint).await;
    }
    // Before login too, and in the name of a field.
    assert_invalid_characters(
        app.login(&app.client(), "julie\0@paddock.test", "x").await,
        "login",
    )
    .await;
    assert_invalid_characters(
        app.call(&app.client(), "session/login", &[("em\0ail", "a@b.fr")])
            .await,
        "field name",
    )
    .await;
    // A JSON body and a query string are checked the same way.
    let json_body = julie
        .post(app.url("/api/bot/answer"))
        .header("origin", &app.base)
        .header("content-type", "application/json")
        .body(r#"{"text":"a\u0000b"}"#)
        .send()
        .await
        .unwrap();
    assert_invalid_characters(json_body, "json").await;
    let query = julie
        .get(app.url("/api/session/me?x=%00"))
        .send()
        .await
        .unwrap();
    assert_invalid_characters(query, "query string").await;

    let lines_after: i64 = sqlx::query_scalar("select count(*) from bot_lines")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(lines_before, lines_after, "nothing was stored");

    // Line breaks and tabs are ordinary text.
    let ok = app
        .call(&julie, "customers/search", &[("query", "leroy\t")])
        .await;
    assert_eq!(ok.status(), 200);
}

#[sqlx::test]
async fn a_nul_in_a_socket_frame_is_refused_and_nothing_is_stored(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let room = create_room(&app, "Caractères", 10).await;
    let mut julie = Client::connect(&app, CUSTOMER_EMAIL).await;
    julie.join(room).await;
    let client_id = Uuid::new_v4();
    julie
        .send(json!({"type": "post", "channel_id": room, "client_id": client_id, "body": "bon\u{0}jour"}))
        .await;
    let error = julie.next_of("error").await;
    assert_eq!(error["code"], "invalid_characters");
    assert_eq!(error["client_id"], client_id.to_string());
    julie
        .send(json!({"type": "request_advisor", "topic": "moto\u{7}"}))
        .await;
    assert_eq!(julie.next_of("error").await["code"], "invalid_characters");
    let stored: i64 = sqlx::query_scalar("select count(*) from messages where channel_id = $1")
        .bind(room)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    // The socket still works.
    let ack = julie.post(room, Uuid::new_v4(), "bonjour").await;
    assert_eq!(ack["seq"], 1);
}

async fn register(app: &TestApp, email: &str, name: &str) -> reqwest::Response {
    app.call(
        &app.client(),
        "session/register",
        &[
            ("email", email),
            ("display_name", name),
            ("password", "un-mot-de-passe-long"),
        ],
    )
    .await
}

#[sqlx::test]
async fn display_names_cannot_hide_text_or_pass_for_staff(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.login_attempts_per_ip_per_minute = 1000).await;
    for (n, name) in [
        "Julie\u{202E}titeP",
        "Ju\u{200B}lie",
        "\u{2067}Léa\u{2069}",
        "Conseiller Paddock",
        "C0nseillère Julie",
        "Admin",
        "Équipe Paddock",
        "Pаddock", // Cyrillic а
    ]
    .into_iter()
    .enumerate()
    {
        let response = register(&app, &format!("nom{n}@paddock.test"), name).await;
        assert_eq!(response.status(), 422, "{name:?}");
        assert_eq!(
            error_code(response).await,
            "invalid_display_name",
            "{name:?}"
        );
    }
    let accounts: i64 =
        sqlx::query_scalar("select count(*) from users where email like 'nom%@paddock.test'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(accounts, 0);
    assert_eq!(
        register(&app, "paddy@paddock.test", "Paddy O'Connor")
            .await
            .status(),
        200
    );
}

#[sqlx::test]
async fn an_agenda_week_out_of_range_is_a_400_never_a_panic(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    for week in ["9999-12-31", "0001-01-01"] {
        let response = app
            .call(
                &admin,
                "admin/agenda",
                &[("calendar", "maintenance"), ("week", week)],
            )
            .await;
        assert_eq!(response.status(), 400, "{week}");
        assert_eq!(error_code(response).await, "out_of_range");
    }
    // chrono's largest date would overflow the next-week link: refused as malformed.
    let response = app
        .call(
            &admin,
            "admin/agenda",
            &[("calendar", "maintenance"), ("week", "+262142-12-31")],
        )
        .await;
    assert_eq!(response.status(), 422);
    // The server is still there.
    let ok = app
        .call(
            &admin,
            "admin/agenda",
            &[("calendar", "maintenance"), ("week", "2026-11-26")],
        )
        .await;
    assert_eq!(ok.status(), 200);
}
