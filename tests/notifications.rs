//! Commercial notifications with a real SSE client (reqwest, streaming) against the real
//! server and PostgreSQL: live delivery, `Last-Event-ID` replay, keep-alive, roles,
//! validation, the notification centre, and delivery through a second instance.

mod common;

use common::{sse::*, *};
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration;

const THOMAS: &str = "thomas.durand@paddock.test";

async fn send(app: &TestApp, title: &str, link: &str) -> i64 {
    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let response = app
        .call(
            &admin,
            "admin/notifications/send",
            &[
                ("title", title),
                ("body", "Offre réservée aux clients Paddock."),
                ("link", link),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A server function's JSON answer.
async fn json_of(app: &TestApp, client: &reqwest::Client, endpoint: &str) -> Value {
    app.call(client, endpoint, &[]).await.json().await.unwrap()
}

async fn stored(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from notifications")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_customer_receives_a_notification_live_and_advisors_see_who_got_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let julie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut stream = Stream::open(&app, &julie, None).await;

    let id = send(&app, "Essais gratuits samedi", "/espace/assistant").await;
    let event = stream.next_event().await;
    assert_eq!((event.id, event.event.as_str()), (Some(id), "notification"));
    assert_eq!(event.data["type"], "notification");
    assert_eq!(event.data["title"], "Essais gratuits samedi");
    assert_eq!(event.data["link"], "/espace/assistant");
    assert_eq!(event.data["read"], false);

    // The advisor's list counts the one customer who was connected.
    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let mut delivered = Value::Null;
    for _ in 0..50 {
        let list = json_of(&app, &admin, "admin/notifications/list").await;
        delivered = list[0]["delivered_live"].clone();
        if delivered == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(delivered, 1);

    // Thomas was away: it waits for him, unread, next to the older ones.
    let thomas = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    let list = json_of(&app, &thomas, "notifications/list").await;
    assert_eq!(list[0]["id"], id, "newest first");
    assert_eq!(list[0]["read"], false);
    let unread = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|n| n["read"] == false)
            .count()
    };
    let before = unread(&list);
    let read = app
        .call(&thomas, "notifications/read", &[("id", &id.to_string())])
        .await;
    assert_eq!(read.status(), 200);
    let list = json_of(&app, &thomas, "notifications/list").await;
    assert_eq!(unread(&list), before - 1);
    app.call(&thomas, "notifications/read", &[]).await;
    let list = json_of(&app, &thomas, "notifications/list").await;
    assert_eq!(unread(&list), 0, "all marked read");
}

#[sqlx::test]
async fn a_reconnecting_browser_receives_exactly_what_it_missed_in_order(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let julie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut stream = Stream::open(&app, &julie, None).await;
    let first = send(&app, "Première", "").await;
    assert_eq!(stream.next_event().await.id, Some(first));
    drop(stream);

    let second = send(&app, "Deuxième", "").await;
    let third = send(&app, "Troisième", "https://paddock.example/offres").await;
    let mut stream = Stream::open(&app, &julie, Some(first)).await;
    let replayed = [stream.next_event().await, stream.next_event().await];
    assert_eq!(
        [replayed[0].id, replayed[1].id],
        [Some(second), Some(third)]
    );
    assert_eq!(replayed[1].data["title"], "Troisième");
    let fourth = send(&app, "Quatrième", "").await;
    assert_eq!(stream.next_event().await.id, Some(fourth));
    stream.quiet().await;

    // Without a resume point, a stream starts with what comes next: no replay.
    let mut fresh = Stream::open(&app, &julie, None).await;
    fresh.quiet().await;
}

#[sqlx::test]
async fn the_stream_needs_a_customer_session(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    assert_eq!(open(&app, None, None).await.status(), 401);
    let admin = session_cookie_of(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(open(&app, Some(&admin), None).await.status(), 403);
}

#[sqlx::test]
async fn customers_cannot_send_and_invalid_notifications_are_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let before = stored(&app).await;
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let refused = app
        .call(
            &julie,
            "admin/notifications/send",
            &[("title", "Spam"), ("body", "Spam"), ("link", "")],
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(error_code(refused).await, "forbidden");
    let listed = app.call(&julie, "admin/notifications/list", &[]).await;
    assert_eq!(listed.status(), 403);

    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let long_title = "t".repeat(121);
    let long_body = "b".repeat(1001);
    for (title, body, link) in [
        (long_title.as_str(), "Message", ""),
        ("Titre", long_body.as_str(), ""),
        ("Titre", "   ", ""),
        ("Titre", "Message", "javascript:alert(1)"),
        ("Titre", "Message", "http://paddock.example"),
        ("Titre", "Message", "//evil.example"),
    ] {
        let response = app
            .call(
                &admin,
                "admin/notifications/send",
                &[("title", title), ("body", body), ("link", link)],
            )
            .await;
        assert_eq!(response.status(), 422, "{title:.10} / {body:.10} / {link}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["code"], "invalid_input");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(stored(&app).await, before, "nothing was stored");
}

#[sqlx::test]
async fn a_notification_sent_through_one_instance_reaches_streams_of_another(pool: PgPool) {
    let first = TestApp::spawn(pool.clone()).await;
    let second = TestApp::spawn(pool).await;
    let julie = session_cookie_of(&second, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut stream = Stream::open(&second, &julie, None).await;
    let id = send(&first, "D’une instance à l’autre", "").await;
    let event = stream.next_event().await;
    assert_eq!(event.id, Some(id));
    assert_eq!(event.data["title"], "D’une instance à l’autre");
}

#[sqlx::test]
async fn an_idle_stream_carries_keep_alive_comments_and_ends_at_logout(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.sse_keep_alive_seconds = 1).await;
    let login = app
        .login(&app.client(), CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let cookie = session_cookie(&login)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mut stream = Stream::open(&app, &cookie, None).await;
    let block = stream.next_block().await.expect("a keep-alive comment");
    assert!(block.starts_with(':'), "{block}");

    let logout = reqwest::Client::new()
        .post(app.url("/api/session/logout"))
        .header("origin", &app.base)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 200);
    let mut ended = false;
    for _ in 0..10 {
        if stream.next_block().await.is_none() {
            ended = true;
            break;
        }
    }
    assert!(ended, "the stream ends with the session");
}
