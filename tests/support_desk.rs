//! The advisor desk beyond accept and refuse, with real WebSocket clients and server
//! functions against the real server and PostgreSQL: requests that expire, satisfaction
//! ratings and their averages, the transcript search.

mod common;

use common::{support::*, ws::*, *};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

const LUCAS: &str = "lucas.bernard@paddock.test";
const THOMAS: &str = "thomas.durand@paddock.test";

/// Once `customer` (named `name`) has asked, the advisor accepts: the conversation's
/// channel, as the customer's `support_opened` names it.
async fn accepted(advisor: &mut Client, customer: &mut Client, name: &str) -> Uuid {
    let queue = queue_with(advisor, name).await;
    let request = request_in(&queue, name).expect("the request is in the queue");
    advisor
        .send(json!({"type": "accept_request", "request_id": request}))
        .await;
    uuid_at(&customer.next_of("support_opened").await["conversation"]["channel_id"])
}

/// Julie asks, Claire accepts, Julie writes `body`, Claire ends: the channel.
async fn ended_conversation(app: &TestApp, body: &str) -> Uuid {
    let mut claire = available_advisor(app, ADMIN_EMAIL).await.0;
    let mut julie = customer(app, CUSTOMER_EMAIL).await.0;
    julie
        .send(json!({"type": "request_advisor", "topic": "Entretien"}))
        .await;
    let channel = accepted(&mut claire, &mut julie, "Julie Petit").await;
    julie.subscribe(channel, 0).await;
    julie.post(channel, Uuid::new_v4(), body).await;
    claire
        .send(json!({"type": "end_conversation", "channel_id": channel}))
        .await;
    julie.next_of("conversation_ended").await;
    channel
}

async fn rate(
    app: &TestApp,
    client: &reqwest::Client,
    channel: Uuid,
    score: &str,
    comment: &str,
) -> reqwest::Response {
    app.call(
        client,
        "support/rate",
        &[
            ("channel_id", &channel.to_string()),
            ("score", score),
            ("comment", comment),
        ],
    )
    .await
}

async fn search(
    app: &TestApp,
    client: &reqwest::Client,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut full = vec![("customer", ""), ("from", ""), ("to", ""), ("text", "")];
    for (key, value) in form {
        full.retain(|(k, _)| k != key);
        full.push((key, value));
    }
    app.call(client, "support/search", &full).await
}

#[sqlx::test]
async fn a_request_no_advisor_takes_expires_and_the_customer_may_ask_again(pool: PgPool) {
    // Expiry after 2 seconds, swept every second.
    let app = TestApp::spawn_with(pool, |s| {
        s.support_request_expiry_seconds = 2;
        s.advisor_grace_seconds = 6;
    })
    .await;
    let mut claire = available_advisor(&app, ADMIN_EMAIL).await.0;
    let mut julie = customer(&app, CUSTOMER_EMAIL).await.0;
    let asked_at = chrono::Utc::now();
    let waiting = ask_advisor(&mut julie, Some("Essai")).await;
    let request = uuid_at(&waiting["waiting"]["id"]);
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(waiting["waiting"]["expires_at"].as_str().unwrap())
            .unwrap();
    let delay = (expires_at.with_timezone(&chrono::Utc) - asked_at).num_milliseconds();
    assert!(
        (1_000..4_000).contains(&delay),
        "expires {delay} ms after the request"
    );
    let queue = queue_with(&mut claire, "Julie Petit").await;
    let queued = queue["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["customer_name"] == "Julie Petit")
        .unwrap()
        .clone();
    assert_eq!(queued["expires_at"], waiting["waiting"]["expires_at"]);

    // Nobody takes it: the customer is told, and it leaves the queue (Emma's, made
    // before with the seed's 30 minutes, stays).
    let expired = julie.next_of("support_expired").await;
    assert_eq!(uuid_at(&expired["request_id"]), request);
    julie
        .next_where("support_status", |s| s["waiting"].is_null())
        .await;
    let queue = claire
        .next_where("support_queue", |q| request_in(q, "Julie Petit").is_none())
        .await;
    assert!(request_in(&queue, "Emma Leroy").is_some());
    let status: String = sqlx::query_scalar("select status from support_requests where id = $1")
        .bind(request)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "expired");

    // Too late to accept it; the customer may ask again and waits behind Emma.
    claire
        .send(json!({"type": "accept_request", "request_id": request}))
        .await;
    assert_eq!(claire.next_of("error").await["code"], "not_found");
    let again = ask_advisor(&mut julie, Some("Essai, encore")).await;
    assert_ne!(uuid_at(&again["waiting"]["id"]), request);
    assert_eq!(again["waiting"]["position"], 2);
}

#[sqlx::test]
async fn a_customer_rates_an_ended_conversation_once_and_advisors_see_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;

    // Not while it is open.
    let mut claire = available_advisor(&app, ADMIN_EMAIL).await.0;
    let mut julie_socket = customer(&app, CUSTOMER_EMAIL).await.0;
    julie_socket.send(json!({"type": "request_advisor"})).await;
    let channel = accepted(&mut claire, &mut julie_socket, "Julie Petit").await;
    let early = rate(&app, &julie, channel, "5", "").await;
    assert_eq!(early.status(), 409);
    assert_eq!(error_code(early).await, "conversation_ongoing");
    claire
        .send(json!({"type": "end_conversation", "channel_id": channel}))
        .await;
    julie_socket.next_of("conversation_ended").await;

    // Bad scores and foreign conversations are refused; nothing is stored.
    for score in ["0", "6"] {
        let bad = rate(&app, &julie, channel, score, "").await;
        assert_eq!(bad.status(), 400, "score {score}");
        assert_eq!(error_code(bad).await, "out_of_range");
    }
    let too_long = rate(&app, &julie, channel, "4", &"a".repeat(501)).await;
    assert_eq!(too_long.status(), 422);
    let thomas = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    let foreign = rate(&app, &thomas, channel, "1", "").await;
    assert_eq!(foreign.status(), 404);
    let lucas = app.logged_in_client(LUCAS, ADMIN_PASSWORD).await;
    let advisor = rate(&app, &lucas, channel, "5", "").await;
    assert_eq!(advisor.status(), 403);
    let stored: Option<i16> =
        sqlx::query_scalar("select rating from support_requests where channel_id = $1")
            .bind(channel)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, None);

    // The customer rates it, once.
    let rated = rate(&app, &julie, channel, "4", "  Très  clair, merci ").await;
    assert_eq!(rated.status(), 200);
    let twice = rate(&app, &julie, channel, "1", "").await;
    assert_eq!(twice.status(), 409);
    assert_eq!(error_code(twice).await, "already_rated");

    // The transcript shows it to the advisors; Claire's average counts it with the
    // seed's 5 (Lucas keeps the seed's 3).
    let read: Value = app
        .call(
            &lucas,
            "support/transcript",
            &[("channel_id", &channel.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        read["conversation"]["rating"],
        json!({"score": 4, "comment": "Très clair, merci"})
    );
    let averages: Value = app
        .call(&lucas, "support/ratings", &[])
        .await
        .json()
        .await
        .unwrap();
    let of = |name: &str| {
        averages
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["advisor_name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(of("Claire Martin")["average"], 4.5);
    assert_eq!(of("Claire Martin")["ratings"], 2);
    assert_eq!(of("Lucas Bernard")["average"], 3.0);
    // Averages are for advisors only.
    assert_eq!(app.call(&julie, "support/ratings", &[]).await.status(), 403);
}

#[sqlx::test]
async fn advisors_search_transcripts_by_customer_days_and_french_words(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let channel =
        ended_conversation(&app, "Ma chaîne claque au démarrage, faut-il la changer ?").await;
    let lucas = app.logged_in_client(LUCAS, ADMIN_PASSWORD).await;
    let found = |hits: &Value| -> Vec<String> {
        hits.as_array()
            .unwrap()
            .iter()
            .map(|h| h["conversation"]["channel_id"].as_str().unwrap().to_owned())
            .collect()
    };

    // Stemmed French: « chaînes » finds « chaîne », « changement » finds « changer »
    // is not promised, but a plural is.
    let hits: Value = search(&app, &lucas, &[("text", "chaînes")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found(&hits), vec![channel.to_string()]);
    let excerpt = hits[0]["excerpt"].as_str().unwrap();
    assert!(
        excerpt.contains("\u{E000}chaîne\u{E001}"),
        "the matching word is marked: {excerpt:?}"
    );

    // The seed's conversation about financing (Thomas, six days ago).
    let financing: Value = search(&app, &lucas, &[("text", "financements")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(financing.as_array().unwrap().len(), 1);
    assert_eq!(
        financing[0]["conversation"]["customer_name"],
        "Thomas Durand"
    );

    // By customer: Julie has the new conversation and the seed's one about a trade-in.
    let julie: Value = search(&app, &lucas, &[("customer", "julie")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(julie.as_array().unwrap().len(), 2);
    assert!(
        julie[0]["excerpt"].is_null(),
        "no text searched, no excerpt"
    );
    let by_email: Value = search(&app, &lucas, &[("customer", "julie.petit@")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_email.as_array().unwrap().len(), 2);
    let nobody: Value = search(&app, &lucas, &[("customer", "%")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        nobody.as_array().unwrap().len(),
        0,
        "% is a character, not a wildcard"
    );

    // By days: the last week leaves out the trade-in of twelve days ago.
    let today = chrono::Utc::now().date_naive();
    let week_ago = (today - chrono::Duration::days(7)).to_string();
    let recent: Value = search(&app, &lucas, &[("customer", "julie"), ("from", &week_ago)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found(&recent), vec![channel.to_string()]);
    let old: Value = search(
        &app,
        &lucas,
        &[
            ("customer", "julie"),
            ("to", &(today - chrono::Duration::days(10)).to_string()),
        ],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(old.as_array().unwrap().len(), 1);
    assert_eq!(old[0]["conversation"]["topic"], "Reprise de ma Street 900");

    // Words and customer together; nothing for another customer.
    let none: Value = search(&app, &lucas, &[("customer", "thomas"), ("text", "chaîne")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0);

    // Bad input is refused with a clear error; customers may not search.
    let reversed = search(
        &app,
        &lucas,
        &[("from", "2026-12-01"), ("to", "2026-11-01")],
    )
    .await;
    assert_eq!(reversed.status(), 422);
    let bad_day = search(&app, &lucas, &[("from", "hier")]).await;
    assert_eq!(error_code(bad_day).await, "invalid_input");
    let customer = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    assert_eq!(
        search(&app, &customer, &[("text", "chaîne")])
            .await
            .status(),
        403
    );
}

#[sqlx::test]
async fn beside_a_conversation_advisors_see_the_customer_s_topic_appointments_and_history(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    let channel = ended_conversation(&app, "Bonjour").await;
    let lucas = app.logged_in_client(LUCAS, ADMIN_PASSWORD).await;
    let context = app
        .call(
            &lucas,
            "support/customer",
            &[("channel_id", &channel.to_string())],
        )
        .await;
    assert_eq!(context.status(), 200);
    let context: Value = context.json().await.unwrap();
    assert_eq!(context["customer_name"], "Julie Petit");
    assert_eq!(context["topic"], "Entretien");
    // The seed books Julie a maintenance and a road test next week.
    let calendars: Vec<&str> = context["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["calendar"].as_str().unwrap())
        .collect();
    assert_eq!(calendars, vec!["maintenance", "road_test"]);
    // Her earlier conversation, not this one.
    let past = context["past_conversations"].as_array().unwrap();
    assert_eq!(past.len(), 1);
    assert_eq!(past[0]["topic"], "Reprise de ma Street 900");
    assert_eq!(past[0]["rating"]["score"], 5);

    // Advisors only; an unknown conversation is not found.
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let asked = app
        .call(
            &julie,
            "support/customer",
            &[("channel_id", &channel.to_string())],
        )
        .await;
    assert_eq!(asked.status(), 403);
    let unknown = app
        .call(
            &lucas,
            "support/customer",
            &[("channel_id", &Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[sqlx::test]
async fn each_side_of_a_conversation_sees_how_far_the_other_has_read(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let mut claire = available_advisor(&app, ADMIN_EMAIL).await.0;
    let mut julie = customer(&app, CUSTOMER_EMAIL).await.0;
    julie.send(json!({"type": "request_advisor"})).await;
    let channel = accepted(&mut claire, &mut julie, "Julie Petit").await;
    julie.subscribe(channel, 0).await;
    claire.subscribe(channel, 0).await;
    assert_eq!(
        julie.post(channel, Uuid::new_v4(), "Bonjour").await["seq"],
        1
    );
    assert_eq!(
        julie.post(channel, Uuid::new_v4(), "Vous êtes là ?").await["seq"],
        2
    );
    claire.next_where("message", |m| m["seq"] == 2).await;

    // Claire reads the first message, then both: Julie is told each time, Claire not.
    let claire_id = user_id(&app, ADMIN_EMAIL).await.to_string();
    claire
        .send(json!({"type": "mark_read", "channel_id": channel, "seq": 1}))
        .await;
    let read = julie.next_of("read_up_to").await;
    assert_eq!(read["user_id"], claire_id);
    assert_eq!(read["seq"], 1);
    claire
        .send(json!({"type": "mark_read", "channel_id": channel, "seq": 2}))
        .await;
    assert_eq!(julie.next_of("read_up_to").await["seq"], 2);
    claire.nothing_of("read_up_to").await;
    // A marker that does not move (again, backwards, past the end) tells nobody.
    for seq in [2, 1, 99] {
        claire
            .send(json!({"type": "mark_read", "channel_id": channel, "seq": seq}))
            .await;
    }
    julie.nothing_of("read_up_to").await;

    // Julie's other tab learns it when it opens the conversation.
    let mut other_tab = Client::connect(&app, CUSTOMER_EMAIL).await;
    other_tab.subscribe(channel, 0).await;
    let known = other_tab.next_of("read_up_to").await;
    assert_eq!(
        (known["user_id"].as_str(), known["seq"].as_i64()),
        (Some(claire_id.as_str()), Some(2))
    );

    // Rooms have no read receipts.
    let room = create_room(&app, "Sorties du dimanche", 10).await;
    let mut thomas = Client::connect(&app, THOMAS).await;
    thomas.join(room).await;
    thomas.subscribe(room, 0).await;
    thomas.post(room, Uuid::new_v4(), "Qui vient ?").await;
    let mut emma = Client::connect(&app, "emma.leroy@paddock.test").await;
    emma.join(room).await;
    emma.send(json!({"type": "mark_read", "channel_id": room, "seq": 1}))
        .await;
    thomas.nothing_of("read_up_to").await;
}

#[sqlx::test]
async fn a_customer_elsewhere_on_the_site_is_told_of_decisions_and_the_advisor_s_messages(
    pool: PgPool,
) {
    let app = TestApp::spawn(pool).await;
    // Julie and Thomas each have a page open elsewhere (the notification stream).
    let julie_cookie = session_cookie_of(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut julie_page = sse::Stream::open(&app, &julie_cookie, None).await;
    let thomas_cookie = session_cookie_of(&app, THOMAS, CUSTOMER_PASSWORD).await;
    let mut thomas_page = sse::Stream::open(&app, &thomas_cookie, None).await;

    let mut claire = available_advisor(&app, ADMIN_EMAIL).await.0;
    let mut julie = customer(&app, CUSTOMER_EMAIL).await.0;
    julie.send(json!({"type": "request_advisor"})).await;
    let channel = accepted(&mut claire, &mut julie, "Julie Petit").await;
    let accepted = julie_page.next_event().await;
    assert_eq!(accepted.event, "support");
    assert_eq!(accepted.id, None, "a live hint, never replayed");
    assert_eq!(accepted.data["type"], "support_alert");
    assert_eq!(accepted.data["kind"], "accepted");
    assert_eq!(accepted.data["advisor_name"], "Claire Martin");
    assert_eq!(uuid_at(&accepted.data["channel_id"]), channel);

    // The advisor's message reaches the page; the customer's own does not.
    claire.subscribe(channel, 0).await;
    julie.subscribe(channel, 0).await;
    claire
        .post(
            channel,
            Uuid::new_v4(),
            "Bonjour Julie, que puis-je faire pour vous ?",
        )
        .await;
    let message = julie_page.next_event().await;
    assert_eq!(message.data["kind"], "message");
    assert_eq!(
        message.data["text"],
        "Bonjour Julie, que puis-je faire pour vous ?"
    );
    julie
        .post(channel, Uuid::new_v4(), "Une question sur ma révision")
        .await;
    julie_page.quiet().await;
    thomas_page.quiet().await;

    // A refusal reaches Thomas's page with its reason.
    let mut thomas = customer(&app, THOMAS).await.0;
    thomas.send(json!({"type": "request_advisor"})).await;
    let queue = queue_with(&mut claire, "Thomas Durand").await;
    let request = request_in(&queue, "Thomas Durand").expect("the request is in the queue");
    claire
        .send(json!({"type": "refuse_request", "request_id": request, "reason": "Atelier fermé"}))
        .await;
    let refused = thomas_page.next_event().await;
    assert_eq!(
        (refused.data["kind"].as_str(), refused.data["text"].as_str()),
        (Some("refused"), Some("Atelier fermé"))
    );
    // The replay point of notifications is untouched by hints.
    julie_page.quiet().await;
}

#[sqlx::test]
async fn advisors_share_canned_responses_with_unique_titles(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let claire = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let lucas = app.logged_in_client(LUCAS, ADMIN_PASSWORD).await;
    let titles = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| c["title"].as_str().unwrap().to_owned())
            .collect()
    };
    // The seed's three, by title.
    let list: Value = app
        .call(&lucas, "support/canned", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(titles(&list), ["Essai", "Horaires", "Reprise"]);

    // Claire adds one; Lucas sees it and changes it.
    let saved = app
        .call(
            &claire,
            "support/canned/save",
            &[
                ("title", "  Garantie "),
                ("body", "Deux ans, pièces et main-d’œuvre."),
            ],
        )
        .await;
    assert_eq!(saved.status(), 200);
    let list: Value = app
        .call(&lucas, "support/canned", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(titles(&list), ["Essai", "Garantie", "Horaires", "Reprise"]);
    let id = list[1]["id"].as_str().unwrap().to_owned();
    let changed = app
        .call(
            &lucas,
            "support/canned/save",
            &[
                ("id", &id),
                ("title", "Garantie"),
                ("body", "Deux ans, extensible à quatre."),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200);
    let list: Value = app
        .call(&claire, "support/canned", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[1]["body"], "Deux ans, extensible à quatre.");

    // Titles are unique, whatever the case; empty fields are refused; nothing changes.
    let taken = app
        .call(
            &claire,
            "support/canned/save",
            &[("title", "HORAIRES"), ("body", "Autre texte")],
        )
        .await;
    assert_eq!(taken.status(), 409);
    assert_eq!(error_code(taken).await, "title_taken");
    let empty = app
        .call(
            &claire,
            "support/canned/save",
            &[("title", "Vide"), ("body", "  ")],
        )
        .await;
    assert_eq!(empty.status(), 422);
    let list: Value = app
        .call(&claire, "support/canned", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);

    // Deleted once; customers may neither read nor change them.
    assert_eq!(
        app.call(&claire, "support/canned/delete", &[("id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call(&claire, "support/canned/delete", &[("id", &id)])
            .await
            .status(),
        404
    );
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    assert_eq!(app.call(&julie, "support/canned", &[]).await.status(), 403);
    let forged = app
        .call(
            &julie,
            "support/canned/save",
            &[("title", "Promo"), ("body", "-50 %")],
        )
        .await;
    assert_eq!(forged.status(), 403);
    let list: Value = app
        .call(&claire, "support/canned", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(titles(&list), ["Essai", "Horaires", "Reprise"]);
}

#[sqlx::test]
async fn an_advisor_hands_a_conversation_to_an_available_colleague_with_a_note(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let mut claire = available_advisor(&app, ADMIN_EMAIL).await.0;
    let mut julie = customer(&app, CUSTOMER_EMAIL).await.0;
    julie
        .send(json!({"type": "request_advisor", "topic": "Essai du R7"}))
        .await;
    let channel = accepted(&mut claire, &mut julie, "Julie Petit").await;
    claire.next_of("support_opened").await;
    julie.subscribe(channel, 0).await;
    claire.subscribe(channel, 0).await;
    let lucas_id = user_id(&app, LUCAS).await;
    let transfer = |note: &str| json!({"type": "transfer_conversation", "channel_id": channel, "advisor_id": lucas_id, "note": note});

    // Not to an advisor who is not available, never by the customer.
    claire.send(transfer("")).await;
    assert_eq!(
        claire.next_of("error").await["code"],
        "no_advisor_available"
    );
    let mut lucas = available_advisor(&app, LUCAS).await.0;
    julie.send(transfer("")).await;
    assert_eq!(julie.next_of("error").await["code"], "forbidden");

    claire
        .send(transfer("  Essai du R7 samedi, déjà client "))
        .await;
    let taken = lucas.next_of("support_transferred").await;
    assert_eq!(taken["note"], "Essai du R7 samedi, déjà client");
    assert_eq!(taken["from_name"], "Claire Martin");
    assert_eq!(taken["conversation"]["advisor_name"], "Lucas Bernard");
    let told = julie.next_of("support_transferred").await;
    assert_eq!(told["conversation"]["advisor_name"], "Lucas Bernard");
    assert!(told["note"].is_null(), "the note is for the advisor");
    // Claire's page leaves the channel (it follows it again if handed back).
    assert_eq!(uuid_at(&claire.next_of("left").await["room_id"]), channel);
    let still_open = claire.next_of("support_conversations").await;
    assert!(still_open["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["channel_id"] != channel.to_string()));

    // Lucas talks with Julie from now on; Claire no longer can, nor hand it over again.
    lucas.subscribe(channel, 0).await;
    assert_eq!(
        lucas
            .post(
                channel,
                Uuid::new_v4(),
                "Bonjour Julie, Lucas à votre écoute."
            )
            .await["type"],
        "ack"
    );
    julie
        .next_where("message", |m| {
            m["body"] == "Bonjour Julie, Lucas à votre écoute."
        })
        .await;
    assert_eq!(
        claire.post(channel, Uuid::new_v4(), "Encore moi").await["code"],
        "not_member"
    );
    claire.send(transfer("")).await;
    assert_eq!(claire.next_of("error").await["code"], "not_member");
    let advisor: Uuid =
        sqlx::query_scalar("select advisor_id from support_requests where channel_id = $1")
            .bind(channel)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(advisor, lucas_id);
}

/// The next `weekday` after today at `hour`:00, dealerships' time (Paris), in UTC: a
/// date always ahead of the database's `now()`.
fn next_paris(weekday: chrono::Weekday, hour: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::{Datelike, TimeZone};
    let paris = chrono_tz::Europe::Paris;
    let mut day = chrono::Utc::now().with_timezone(&paris).date_naive() + chrono::Days::new(1);
    while day.weekday() != weekday {
        day = day.succ_opt().unwrap();
    }
    paris
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
        .unwrap()
        .to_utc()
}

fn opening_hours(settings: &mut paddock::config::Settings) {
    settings.support_hours = paddock::config::SupportHours::Calendars;
}

fn instant(value: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a date"))
        .expect("RFC 3339")
        .to_utc()
}

#[sqlx::test]
async fn outside_opening_hours_customers_learn_when_advisors_are_back_and_requests_wait(
    pool: PgPool,
) {
    // A Sunday afternoon: closed (the calendars close on Sundays) until Monday 9:00.
    let sunday = next_paris(chrono::Weekday::Sun, 15);
    let monday_opening = sunday + chrono::Duration::hours(18);
    let app = TestApp::spawn_at_with(pool, sunday, opening_hours).await;
    let mut claire = advisor(&app, ADMIN_EMAIL).await;

    // No advisor is available, yet the customer is told when they are back, not that
    // nobody is there; the advisors' desk says the same.
    let (mut julie, status) = customer(&app, CUSTOMER_EMAIL).await;
    assert_eq!(status["available_advisors"], 0);
    assert_eq!(instant(&status["closed_until"]), monday_opening);
    assert!(
        status["closed_until"].as_str().unwrap().ends_with("+01:00")
            || status["closed_until"].as_str().unwrap().ends_with("+02:00"),
        "in the dealerships' offset: {}",
        status["closed_until"]
    );

    // The request is taken and waits: its 30 minutes start at the opening.
    let waiting = ask_advisor(&mut julie, Some("Reprise")).await;
    assert_eq!(waiting["waiting"]["position"], 2, "behind Emma's");
    assert_eq!(instant(&waiting["closed_until"]), monday_opening);
    assert_eq!(
        instant(&waiting["waiting"]["expires_at"]),
        monday_opening + chrono::Duration::minutes(30)
    );
    let queue = queue_with(&mut claire, "Julie Petit").await;
    assert_eq!(instant(&queue["closed_until"]), monday_opening);

    // An advisor at work early may take it.
    let request = request_in(&queue, "Julie Petit").unwrap();
    claire
        .send(json!({"type": "accept_request", "request_id": request}))
        .await;
    let opened = julie.next_of("support_opened").await;
    assert_eq!(opened["conversation"]["topic"], "Reprise");
}

#[sqlx::test]
async fn within_opening_hours_a_request_needs_an_available_advisor(pool: PgPool) {
    let app =
        TestApp::spawn_at_with(pool, next_paris(chrono::Weekday::Mon, 10), opening_hours).await;
    let (mut julie, status) = customer(&app, CUSTOMER_EMAIL).await;
    assert!(status["closed_until"].is_null(), "open: {status}");
    julie
        .send(json!({"type": "request_advisor", "topic": "Essai"}))
        .await;
    assert_eq!(julie.next_of("error").await["code"], "no_advisor_available");
}

#[sqlx::test]
async fn at_the_opening_hour_waiting_customers_learn_that_advisors_are_back(pool: PgPool) {
    // A clock the test moves: Monday 8:00, then Monday 9:00.
    let monday_opening = next_paris(chrono::Weekday::Mon, 9);
    let now = std::sync::Arc::new(std::sync::Mutex::new(
        monday_opening - chrono::Duration::hours(1),
    ));
    let reads = now.clone();
    let clock = paddock::server::Clock::from_fn(move || *reads.lock().unwrap());
    let app = TestApp::spawn_with_clock(pool, clock, opening_hours).await;
    let (mut julie, status) = customer(&app, CUSTOMER_EMAIL).await;
    assert_eq!(instant(&status["closed_until"]), monday_opening);
    ask_advisor(&mut julie, None).await;

    // Nothing changes in the queue, yet the opening is news.
    *now.lock().unwrap() = monday_opening;
    let opened = julie
        .next_where("support_status", |s| s["closed_until"].is_null())
        .await;
    assert_eq!(
        opened["waiting"]["position"], 2,
        "the request keeps its place"
    );
}

#[sqlx::test]
async fn requests_still_waiting_at_the_closing_wait_for_the_next_opening(pool: PgPool) {
    // Monday 17:59, then 18:00: closed until Tuesday 9:00.
    let closing = next_paris(chrono::Weekday::Mon, 18);
    let tuesday_opening = closing + chrono::Duration::hours(15);
    let now = std::sync::Arc::new(std::sync::Mutex::new(
        closing - chrono::Duration::minutes(1),
    ));
    let reads = now.clone();
    let clock = paddock::server::Clock::from_fn(move || *reads.lock().unwrap());
    let app = TestApp::spawn_with_clock(pool, clock, |s| {
        opening_hours(s);
        // Swept every second.
        s.advisor_grace_seconds = 6;
    })
    .await;
    let _claire = available_advisor(&app, ADMIN_EMAIL).await.0;
    let (mut julie, status) = customer(&app, CUSTOMER_EMAIL).await;
    assert!(status["closed_until"].is_null(), "open: {status}");
    let waiting = ask_advisor(&mut julie, None).await;
    let first_expiry = instant(&waiting["waiting"]["expires_at"]);
    assert!(first_expiry < tuesday_opening, "30 minutes from now");

    // The desk closes: the customer is told when it opens, and the request now expires
    // 30 minutes after that instead of during the night.
    *now.lock().unwrap() = closing;
    let held = julie
        .next_where("support_status", |s| {
            !s["closed_until"].is_null()
                && !s["waiting"].is_null()
                && instant(&s["waiting"]["expires_at"])
                    == tuesday_opening + chrono::Duration::minutes(30)
        })
        .await;
    assert_eq!(instant(&held["closed_until"]), tuesday_opening);
    let stored: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "select expires_at from support_requests where status = 'pending' and topic is null",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, tuesday_opening + chrono::Duration::minutes(30));
}
