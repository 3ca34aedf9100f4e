//! The maintenance assistant and its appointments against the real server and
//! PostgreSQL, with the server's clock fixed on Tuesday 24 November 2026, 9h in Paris.

mod common;

use common::{
    assistant::{quick_values, transcript, tuesday_morning},
    *,
};
use reqwest::Client;
use serde_json::Value;
use sqlx::PgPool;

const THOMAS: &str = "thomas.durand@paddock.test";

async fn answer(app: &TestApp, client: &Client, text: &str) -> Value {
    let response = app.call(client, "bot/answer", &[("text", text)]).await;
    assert_eq!(response.status(), 200, "answer {text:?}");
    response.json().await.unwrap()
}

fn last_bot_line(view: &Value) -> String {
    view["lines"].as_array().unwrap().last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Answers until the maintenance slots are offered; returns the offered slot values.
async fn reach_maintenance_slots(app: &TestApp, client: &Client) -> Vec<String> {
    app.call(client, "bot/conversation", &[]).await;
    answer(app, client, "entretien").await;
    answer(app, client, "2018").await;
    let view = answer(app, client, "10/10/2024").await;
    assert!(
        transcript(&view).contains("Voici les créneaux libres cette semaine"),
        "{view}"
    );
    let mut slots = quick_values(&view);
    assert_eq!(slots.pop().as_deref(), Some("stop"));
    slots
}

/// The server at Tuesday 9h, without the seed's appointments.
async fn empty_calendars(pool: PgPool) -> TestApp {
    let app = TestApp::spawn_at(pool, tuesday_morning()).await;
    sqlx::query("delete from appointments")
        .execute(&app.pool)
        .await
        .unwrap();
    app
}

/// Julie books the first maintenance slot offered; returns her client and the offer.
async fn julie_books_the_first_maintenance_slot(app: &TestApp) -> (Client, Vec<String>) {
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let slots = reach_maintenance_slots(app, &julie).await;
    answer(app, &julie, &slots[0]).await;
    (julie, slots)
}

async fn live_appointments(pool: &PgPool, calendar: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "select to_char(a.starts_at, 'YYYY-MM-DD\"T\"HH24:MI'), u.email from appointments a join users u on u.id = a.customer_id
         where a.calendar = $1 and a.cancelled_at is null and a.starts_at >= '2026-11-23' and a.starts_at < '2026-12-07'
         order by 1",
    )
    .bind(calendar)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn the_maintenance_path_books_a_slot_saved_on_the_server(pool: PgPool) {
    let app = empty_calendars(pool).await;
    let client = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;

    let slots = reach_maintenance_slots(&app, &client).await;
    // Slots of this week only, after 9h on Tuesday, earliest first, capped to 8.
    assert_eq!(slots.len(), 8);
    assert_eq!(slots[0], "2026-11-24T10:00");
    assert!(slots.iter().all(|s| s.as_str() < "2026-11-30"));

    let view = answer(&app, &client, &slots[0]).await;
    assert!(
        transcript(&view).contains("C’est réservé : Entretien à l’atelier le mardi 24/11 à 10h00")
    );
    assert_eq!(
        last_bot_line(&view),
        "Quel type d’aide souhaitez-vous ?",
        "the workflow restarts"
    );

    assert_eq!(
        live_appointments(&app.pool, "maintenance").await,
        vec![("2026-11-24T10:00".to_owned(), CUSTOMER_EMAIL.to_owned())]
    );
    let mine: Value = app
        .call(&client, "appointments/mine", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["calendar"], "maintenance");
    assert_eq!(mine[0]["starts_at"], "2026-11-24T10:00:00");
}

#[sqlx::test]
async fn two_customers_picking_the_same_slot_get_it_once(pool: PgPool) {
    let app = empty_calendars(pool).await;
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let thomas = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    let julie_slots = reach_maintenance_slots(&app, &julie).await;
    let thomas_slots = reach_maintenance_slots(&app, &thomas).await;
    assert_eq!(julie_slots[0], thomas_slots[0]);
    let slot = julie_slots[0].clone();

    let (a, b) = tokio::join!(answer(&app, &julie, &slot), answer(&app, &thomas, &slot));
    let booked = live_appointments(&app.pool, "maintenance").await;
    assert_eq!(booked.len(), 1, "exactly one booking: {booked:?}");
    assert_eq!(booked[0].0, slot);

    let (winner, loser) = if booked[0].1 == CUSTOMER_EMAIL {
        (a, b)
    } else {
        (b, a)
    };
    assert!(transcript(&winner).contains("C’est réservé"));
    assert!(transcript(&loser).contains("Ce créneau vient d’être réservé par un autre client."));
    let remaining = quick_values(&loser);
    assert!(
        !remaining.contains(&slot),
        "the taken slot is no longer offered"
    );
    assert!(remaining.len() > 1, "the remaining slots are offered again");
}

#[sqlx::test]
async fn calendars_are_isolated(pool: PgPool) {
    let app = empty_calendars(pool).await;
    let (_, slots) = julie_books_the_first_maintenance_slot(&app).await;

    // The same hour is still free for a road test.
    let thomas = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    app.call(&thomas, "bot/conversation", &[]).await;
    answer(&app, &thomas, "informations").await;
    let view = answer(&app, &thomas, "route").await;
    assert_eq!(quick_values(&view)[0], slots[0]);
    answer(&app, &thomas, &slots[0]).await;

    assert_eq!(live_appointments(&app.pool, "maintenance").await.len(), 1);
    assert_eq!(live_appointments(&app.pool, "road_test").await.len(), 1);
    assert!(live_appointments(&app.pool, "track").await.is_empty());
}

#[sqlx::test]
async fn with_this_week_fully_booked_next_week_is_offered(pool: PgPool) {
    let app = empty_calendars(pool).await;
    // Every remaining track slot of the week is taken.
    sqlx::query(
        "insert into appointments (calendar, starts_at, customer_id)
         select 'track', d + make_interval(hours => h), '00000000-0000-4000-8000-000000000102'
         from generate_series('2026-11-24'::timestamp, '2026-11-28'::timestamp, interval '1 day') d, generate_series(9, 17) h",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    app.call(&julie, "bot/conversation", &[]).await;
    answer(&app, &julie, "informations").await;
    let view = answer(&app, &julie, "sport").await;
    assert!(transcript(&view).contains("Il n’y a plus de créneau libre cette semaine"));
    assert_eq!(quick_values(&view)[0], "2026-11-30T09:00");
}

#[sqlx::test]
async fn the_conversation_resumes_on_another_device(pool: PgPool) {
    let app = TestApp::spawn_at(pool, tuesday_morning()).await;
    let phone = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let opening: Value = app
        .call(&phone, "bot/conversation", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last_bot_line(&opening), "Quel type d’aide souhaitez-vous ?");
    answer(&app, &phone, "entretien").await;

    let laptop = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let resumed: Value = app
        .call(&laptop, "bot/conversation", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        last_bot_line(&resumed),
        "De quelle année est votre moto ? (par exemple 2019)"
    );
    assert!(
        transcript(&resumed).contains("Vérifier l’entretien de ma moto"),
        "a quick reply is shown by its label"
    );
    let view = answer(&app, &laptop, "2031").await;
    assert!(
        last_bot_line(&view).contains("De quelle année"),
        "re-asked after an invalid year"
    );
}

#[sqlx::test]
async fn a_customer_sees_and_cancels_only_their_own_appointments(pool: PgPool) {
    let app = empty_calendars(pool).await;
    let (julie, slots) = julie_books_the_first_maintenance_slot(&app).await;
    let mine: Value = app
        .call(&julie, "appointments/mine", &[])
        .await
        .json()
        .await
        .unwrap();
    let id = mine[0]["id"].as_str().unwrap().to_owned();

    let thomas = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    let theirs: Value = app
        .call(&thomas, "appointments/mine", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, serde_json::json!([]));
    let refused = app
        .call(&thomas, "appointments/cancel", &[("id", &id)])
        .await;
    assert_eq!(refused.status(), 404);
    assert_eq!(live_appointments(&app.pool, "maintenance").await.len(), 1);

    let cancelled = app
        .call(&julie, "appointments/cancel", &[("id", &id)])
        .await;
    assert_eq!(cancelled.status(), 200);
    assert!(live_appointments(&app.pool, "maintenance").await.is_empty());
    // The slot is offered again.
    let again = reach_maintenance_slots(&app, &thomas).await;
    assert_eq!(again[0], slots[0]);
}

#[sqlx::test]
async fn the_agenda_is_for_admins_only(pool: PgPool) {
    let app = empty_calendars(pool).await;
    let (julie, _) = julie_books_the_first_maintenance_slot(&app).await;

    let refused = app
        .call(&julie, "admin/agenda", &[("calendar", "maintenance")])
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(app.get(&julie, "/admin/agenda").await.status(), 403);

    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let agenda: Value = app
        .call(
            &admin,
            "admin/agenda",
            &[("calendar", "maintenance"), ("week", "2026-11-26")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(agenda["week_start"], "2026-11-23");
    assert_eq!(agenda["appointments"][0]["customer"], "Julie Petit");
    let road: Value = app
        .call(
            &admin,
            "admin/agenda",
            &[("calendar", "road_test"), ("week", "2026-11-26")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(road["appointments"], serde_json::json!([]));
    let unknown = app
        .call(&admin, "admin/agenda", &[("calendar", "plongée")])
        .await;
    assert_eq!(unknown.status(), 422);
}

#[sqlx::test]
async fn an_agenda_week_out_of_range_is_refused_not_a_crash(pool: PgPool) {
    let app = TestApp::spawn_at(pool, tuesday_morning()).await;
    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    // The first and last days chrono knows: the weeks around them overflowed (a panic,
    // found by the fuzz target `validations`).
    for week in ["+262142-12-31", "-262143-01-02", "12026-11-26"] {
        let response = app
            .call(
                &admin,
                "admin/agenda",
                &[("calendar", "maintenance"), ("week", week)],
            )
            .await;
        assert_eq!(response.status(), 422, "{week}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "invalid_input", "{week}");
        assert!(
            body["message"].as_str().unwrap().contains("AAAA-MM-JJ"),
            "{body}"
        );
    }
    let last: Value = app
        .call(
            &admin,
            "admin/agenda",
            &[("calendar", "maintenance"), ("week", "2100-12-31")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        last["week_start"], "2100-12-27",
        "the last week an agenda shows"
    );
}

#[sqlx::test]
async fn the_assistant_refuses_anonymous_and_oversized_answers(pool: PgPool) {
    let app = TestApp::spawn_at(pool, tuesday_morning()).await;
    let anonymous = app
        .call(&app.client(), "bot/answer", &[("text", "entretien")])
        .await;
    assert_eq!(anonymous.status(), 401);
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let long = "a".repeat(501);
    let refused = app.call(&julie, "bot/answer", &[("text", &long)]).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(error_code(refused).await, "invalid_input");
    let lines: i64 = sqlx::query_scalar("select count(*) from bot_lines where body = $1")
        .bind(&long)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(lines, 0);
}

/// Books the first road-test slot offered, from the start of the workflow.
async fn book_first_slot(app: &TestApp, client: &Client, usage: &str) -> Value {
    answer(app, client, "informations").await;
    let view = answer(app, client, usage).await;
    let slots = quick_values(&view);
    assert!(
        transcript(&view).contains("Voici les créneaux libres"),
        "{view}"
    );
    answer(app, client, &slots[0]).await
}

#[sqlx::test]
async fn a_customer_cannot_hoard_the_calendars(pool: PgPool) {
    let app = empty_calendars(pool).await;
    let julie = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    app.call(&julie, "bot/conversation", &[]).await;
    // Two road tests: the most one calendar allows.
    for _ in 0..2 {
        let view = book_first_slot(&app, &julie, "route").await;
        assert!(transcript(&view).contains("C’est réservé"), "{view}");
    }
    answer(&app, &julie, "informations").await;
    let view = answer(&app, &julie, "route").await;
    assert!(
        last_bot_lines_contain(&view, "2 rendez-vous à venir dans ce calendrier"),
        "{view}"
    );
    assert_eq!(live_appointments(&app.pool, "road_test").await.len(), 2);

    // Two track sessions more: four in all, the most anyone may hold.
    for _ in 0..2 {
        book_first_slot(&app, &julie, "sport").await;
    }
    answer(&app, &julie, "informations").await;
    let view = answer(&app, &julie, "tout-terrain").await;
    assert!(
        last_bot_lines_contain(&view, "4 rendez-vous à venir, le maximum"),
        "{view}"
    );
    assert!(live_appointments(&app.pool, "off_road_test")
        .await
        .is_empty());

    // Cancelling one frees a place.
    let mine: Value = app
        .call(&julie, "appointments/mine", &[])
        .await
        .json()
        .await
        .unwrap();
    let id = mine[0]["id"].as_str().unwrap().to_owned();
    let cancelled = app
        .call(&julie, "appointments/cancel", &[("id", &id)])
        .await;
    assert_eq!(cancelled.status(), 200);
    let view = book_first_slot(&app, &julie, "tout-terrain").await;
    assert!(transcript(&view).contains("C’est réservé"), "{view}");

    // Another customer is not limited by Julie's appointments.
    let thomas = app.logged_in_client(THOMAS, CUSTOMER_PASSWORD).await;
    app.call(&thomas, "bot/conversation", &[]).await;
    let view = book_first_slot(&app, &thomas, "route").await;
    assert!(transcript(&view).contains("C’est réservé"), "{view}");
}

/// Whether one of the last few lines of the transcript contains `text`.
fn last_bot_lines_contain(view: &Value, text: &str) -> bool {
    view["lines"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .take(4)
        .any(|line| line["text"].as_str().unwrap().contains(text))
}
