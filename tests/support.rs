//! Live chat with an advisor, with real WebSocket clients against the real server and
//! PostgreSQL: availability, the queue, accept, refuse, the accept race, automatic
//! unavailability, roles, one pending request per customer, and two instances.

mod common;

use common::{support::*, ws::*, *};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

const LUCAS: &str = "lucas.bernard@paddock.test";
const THOMAS: &str = "thomas.durand@paddock.test";
const HUGO: &str = "hugo.moreau@paddock.test";
/// Emma's request from the seed waits in the queue from the start.
const EMMA_NAME: &str = "Emma Leroy";

/// A conversation's transcript, asked for through the server function.
async fn transcript(app: &TestApp, client: &reqwest::Client, channel: Uuid) -> reqwest::Response {
    app.call(
        client,
        "support/transcript",
        &[("channel_id", &channel.to_string())],
    )
    .await
}

async fn pending_requests_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from support_requests r join users u on u.id = r.customer_id
         where u.email = $1 and r.status = 'pending'",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn no_request_can_be_made_while_no_advisor_is_available(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (mut julie, status) = customer(&app, CUSTOMER_EMAIL).await;
    assert_eq!(status["available_advisors"], 0);
    assert!(status["waiting"].is_null());
    // The button is disabled, but the server refuses anyway.
    julie
        .send(json!({"type": "request_advisor", "topic": "Essai du trail"}))
        .await;
    let refused = julie.next_of("error").await;
    assert_eq!(refused["code"], "no_advisor_available");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .starts_with("Aucun conseiller"));
    assert_eq!(pending_requests_of(&app, CUSTOMER_EMAIL).await, 0);
}

#[sqlx::test]
async fn an_accepted_request_opens_a_conversation_on_both_sides(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (mut claire, _) = available_advisor(&app, ADMIN_EMAIL).await;
    let (mut julie, status) = customer(&app, CUSTOMER_EMAIL).await;
    assert_eq!(status["available_advisors"], 1);

    julie
        .send(json!({"type": "request_advisor", "topic": "  Reprise de ma   Street 900 "}))
        .await;
    // Emma's request from the seed is older: Julie is second.
    let waiting = julie
        .next_where("support_status", |s| !s["waiting"].is_null())
        .await;
    assert_eq!(waiting["waiting"]["position"], 2);
    assert_eq!(waiting["waiting"]["topic"], "Reprise de ma Street 900");
    let queue = claire
        .next_where("support_queue", |q| {
            q["requests"].as_array().unwrap().len() == 2
        })
        .await;
    assert_eq!(
        queue["requests"][0]["customer_name"], EMMA_NAME,
        "oldest first"
    );
    assert_eq!(queue["requests"][1]["customer_name"], "Julie Petit");
    let request = uuid_at(&queue["requests"][1]["id"]);

    claire
        .send(json!({"type": "accept_request", "request_id": request}))
        .await;
    let opened_for_advisor = claire.next_of("support_opened").await;
    let opened_for_customer = julie.next_of("support_opened").await;
    assert_eq!(
        opened_for_customer["conversation"]["advisor_name"],
        "Claire Martin"
    );
    assert_eq!(
        opened_for_advisor["conversation"]["channel_id"],
        opened_for_customer["conversation"]["channel_id"]
    );
    let channel = uuid_at(&opened_for_customer["conversation"]["channel_id"]);
    // The request has left the queue of every advisor.
    claire
        .next_where("support_queue", |q| {
            q["requests"].as_array().unwrap().len() == 1
                && q["requests"][0]["customer_name"] == EMMA_NAME
        })
        .await;

    // Both exchange messages with the chat's guarantees (stored, sequenced, acknowledged).
    julie.subscribe(channel, 0).await;
    claire.subscribe(channel, 0).await;
    let ack = julie
        .post(
            channel,
            Uuid::new_v4(),
            "Bonjour, combien pour la reprise ?",
        )
        .await;
    assert_eq!(ack["seq"], 1);
    assert_eq!(
        claire.next_of("message").await["body"],
        "Bonjour, combien pour la reprise ?"
    );
    claire
        .post(
            channel,
            Uuid::new_v4(),
            "Bonjour Julie, passez à l’atelier mardi.",
        )
        .await;
    julie
        .next_where("message", |m| {
            m["body"] == "Bonjour Julie, passez à l’atelier mardi."
        })
        .await;

    // Ending it: both are told, nobody posts any more, the transcript stays readable.
    claire
        .send(json!({"type": "end_conversation", "channel_id": channel}))
        .await;
    assert_eq!(
        julie.next_of("conversation_ended").await["channel_id"],
        channel.to_string()
    );
    let late = julie
        .post(channel, Uuid::new_v4(), "Encore une question")
        .await;
    assert_eq!(late["code"], "conversation_ended");

    let julie_http = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let read = transcript(&app, &julie_http, channel).await;
    assert_eq!(read.status(), 200);
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["messages"].as_array().unwrap().len(), 2);
    assert_eq!(read["conversation"]["ended"], true);
    let history: Value = app
        .call(&julie_http, "support/conversations", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(history
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["channel_id"] == channel.to_string()));

    // Another customer cannot read it; every advisor can.
    let thomas_http = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    let foreign = transcript(&app, &thomas_http, channel).await;
    assert_eq!(foreign.status(), 404);
    let lucas_http = app.logged_in_client(LUCAS, ADMIN_PASSWORD).await;
    let colleague = transcript(&app, &lucas_http, channel).await;
    assert_eq!(colleague.status(), 200);
}

#[sqlx::test]
async fn a_refusal_reaches_the_customer_with_its_reason_and_the_queue_moves_up(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (mut claire, _) = available_advisor(&app, ADMIN_EMAIL).await;
    let (mut julie, _) = customer(&app, CUSTOMER_EMAIL).await;
    julie.send(json!({"type": "request_advisor"})).await;
    julie
        .next_where("support_status", |s| s["waiting"]["position"] == 2)
        .await;
    let queue = queue_with(&mut claire, "Julie Petit").await;
    let emma_request = request_in(&queue, EMMA_NAME).unwrap();
    let julie_request = request_in(&queue, "Julie Petit").unwrap();

    // A reason over 300 characters is refused and nothing changes.
    claire
        .send(json!({"type": "refuse_request", "request_id": emma_request, "reason": "x".repeat(301)}))
        .await;
    assert_eq!(claire.next_of("error").await["code"], "invalid_input");

    // Emma's request is refused: Julie moves up to first.
    claire
        .send(json!({"type": "refuse_request", "request_id": emma_request}))
        .await;
    julie
        .next_where("support_status", |s| s["waiting"]["position"] == 1)
        .await;

    claire
        .send(json!({
            "type": "refuse_request",
            "request_id": julie_request,
            "reason": "Nous sommes en inventaire : réessayez demain matin."
        }))
        .await;
    let refused = julie.next_of("support_refused").await;
    assert_eq!(refused["request_id"], julie_request.to_string());
    assert_eq!(
        refused["reason"],
        "Nous sommes en inventaire : réessayez demain matin."
    );
    assert_eq!(pending_requests_of(&app, CUSTOMER_EMAIL).await, 0);
    // Deciding it again is refused with a clear code.
    claire
        .send(json!({"type": "accept_request", "request_id": julie_request}))
        .await;
    assert_eq!(claire.next_of("error").await["code"], "already_taken");
}

/// What an advisor's accept came to: the opened conversation, or an error.
async fn accept_outcome(advisor: &mut Client) -> Value {
    loop {
        let frame = advisor.next().await;
        if frame["type"] == "support_opened" || frame["type"] == "error" {
            return frame;
        }
    }
}

#[sqlx::test]
async fn when_two_advisors_accept_at_once_exactly_one_gets_the_request(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (mut claire, queue) = available_advisor(&app, ADMIN_EMAIL).await;
    let (mut lucas, _) = available_advisor(&app, LUCAS).await;
    let request = request_in(&queue, EMMA_NAME).unwrap();

    let accept = json!({"type": "accept_request", "request_id": request});
    tokio::join!(claire.send(accept.clone()), lucas.send(accept));
    let (claire_result, lucas_result) =
        tokio::join!(accept_outcome(&mut claire), accept_outcome(&mut lucas));
    let results = [&claire_result, &lucas_result];
    let winners = results
        .iter()
        .filter(|f| f["type"] == "support_opened")
        .count();
    let told = results
        .iter()
        .filter(|f| f["type"] == "error" && f["code"] == "already_taken")
        .count();
    assert_eq!((winners, told), (1, 1), "{claire_result} / {lucas_result}");
    let conversations: i64 = sqlx::query_scalar(
        "select count(*) from support_requests where id = $1 and channel_id is not null",
    )
    .bind(request)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(conversations, 1);

    // The same race, twenty advisors' worth, straight against the store.
    let thomas = user_id(&app, THOMAS).await;
    let request = paddock::support::server::request(
        &app.pool,
        thomas,
        None,
        std::time::Duration::from_secs(1800),
        None,
    )
    .await
    .unwrap();
    let advisors = [user_id(&app, ADMIN_EMAIL).await, user_id(&app, LUCAS).await];
    let attempts = (0..20).map(|i| {
        let pool = app.pool.clone();
        let advisor = advisors[i % 2];
        tokio::spawn(async move { paddock::support::server::accept(&pool, advisor, request).await })
    });
    let results: Vec<_> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .all(|e| e.code == paddock::error::ErrorCode::AlreadyTaken));
}

#[sqlx::test]
async fn an_advisor_gone_for_the_grace_period_becomes_unavailable(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.advisor_grace_seconds = 1).await;
    let claire_id = user_id(&app, ADMIN_EMAIL).await;
    let (claire, _) = available_advisor(&app, ADMIN_EMAIL).await;
    // A second page of the same advisor keeps her available when the first closes.
    let second_tab = advisor(&app, ADMIN_EMAIL).await;
    let (mut julie, status) = customer(&app, CUSTOMER_EMAIL).await;
    assert_eq!(status["available_advisors"], 1);
    ask_advisor(&mut julie, None).await;

    drop(claire);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let still: bool = sqlx::query_scalar("select available from advisor_status where user_id = $1")
        .bind(claire_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(still, "one page still open: still available");

    // Her last page closes: after the grace period she is unavailable, and the waiting
    // customer is told at once; the request keeps its place in the queue.
    drop(second_tab);
    let told = julie
        .next_where("support_status", |s| s["available_advisors"] == 0)
        .await;
    assert_eq!(told["waiting"]["position"], 2);
    assert_eq!(pending_requests_of(&app, CUSTOMER_EMAIL).await, 1);
    // And no new request can be made.
    let (mut thomas, status) = customer(&app, THOMAS).await;
    assert_eq!(status["available_advisors"], 0);
    thomas.send(json!({"type": "request_advisor"})).await;
    assert_eq!(
        thomas.next_of("error").await["code"],
        "no_advisor_available"
    );
}

#[sqlx::test]
async fn customers_cannot_see_the_queue_nor_decide_and_advisors_cannot_request(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (mut claire, queue) = available_advisor(&app, ADMIN_EMAIL).await;
    let emma_request = request_in(&queue, EMMA_NAME).unwrap();
    let (mut julie, status) = customer(&app, CUSTOMER_EMAIL).await;
    // Julie's view holds a count and her own request, no one else's.
    assert_eq!(status["available_advisors"], 1);
    assert!(!status.to_string().contains(EMMA_NAME));
    for forbidden in [
        json!({"type": "accept_request", "request_id": emma_request}),
        json!({"type": "refuse_request", "request_id": emma_request}),
        json!({"type": "set_available", "available": true}),
    ] {
        julie.send(forbidden).await;
        assert_eq!(julie.next_of("error").await["code"], "forbidden");
    }
    let still_pending: String =
        sqlx::query_scalar("select status from support_requests where id = $1")
            .bind(emma_request)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(still_pending, "pending");
    claire.send(json!({"type": "request_advisor"})).await;
    assert_eq!(claire.next_of("error").await["code"], "forbidden");
    // Nor can a customer end or read a conversation that is not theirs.
    claire
        .send(json!({"type": "accept_request", "request_id": emma_request}))
        .await;
    let channel = uuid_at(&claire.next_of("support_opened").await["conversation"]["channel_id"]);
    julie
        .send(json!({"type": "end_conversation", "channel_id": channel}))
        .await;
    assert_eq!(julie.next_of("error").await["code"], "not_member");
    julie.subscribe(channel, 0).await;
    assert_eq!(julie.next_of("error").await["code"], "not_member");
}

#[sqlx::test]
async fn a_customer_has_one_pending_request_at_a_time_and_can_cancel_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (mut claire, _) = available_advisor(&app, ADMIN_EMAIL).await;
    let (mut hugo, _) = customer(&app, HUGO).await;
    ask_advisor(&mut hugo, Some("Essai")).await;
    hugo.send(json!({"type": "request_advisor", "topic": "Encore"}))
        .await;
    assert_eq!(hugo.next_of("error").await["code"], "request_pending");
    hugo.send(json!({"type": "request_advisor", "topic": "x".repeat(121)}))
        .await;
    assert_eq!(hugo.next_of("error").await["code"], "invalid_input");
    assert_eq!(pending_requests_of(&app, HUGO).await, 1);

    hugo.send(json!({"type": "cancel_request"})).await;
    hugo.next_where("support_status", |s| s["waiting"].is_null())
        .await;
    claire
        .next_where("support_queue", |q| {
            !q["requests"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["customer_name"] == "Hugo Moreau")
        })
        .await;
    hugo.send(json!({"type": "cancel_request"})).await;
    assert_eq!(hugo.next_of("error").await["code"], "not_found");
    ask_advisor(&mut hugo, None).await;
    assert_eq!(pending_requests_of(&app, HUGO).await, 1);
}

#[sqlx::test]
async fn the_queue_and_decisions_cross_instances(pool: PgPool) {
    let first = TestApp::spawn(pool.clone()).await;
    let second = TestApp::spawn(pool).await;
    let (mut claire, _) = available_advisor(&first, ADMIN_EMAIL).await;
    let (mut julie, status) = customer(&second, CUSTOMER_EMAIL).await;
    assert_eq!(status["available_advisors"], 1);
    julie.send(json!({"type": "request_advisor"})).await;
    let request = request_in(&queue_with(&mut claire, "Julie Petit").await, "Julie Petit").unwrap();
    claire
        .send(json!({"type": "accept_request", "request_id": request}))
        .await;
    let opened = julie.next_of("support_opened").await;
    let channel = uuid_at(&opened["conversation"]["channel_id"]);
    claire.next_of("support_opened").await;
    claire.subscribe(channel, 0).await;
    julie
        .post(channel, Uuid::new_v4(), "Bonjour d’une autre instance")
        .await;
    assert_eq!(
        claire.next_of("message").await["body"],
        "Bonjour d’une autre instance"
    );
}
