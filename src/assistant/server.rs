//! Server side of the assistant: each customer's workflow state and transcript, free
//! slots, and atomic bookings.

use super::{
    machine::{self, BotState, Contact, Effect, Step},
    schedule::{Availability, Held, Schedule},
    validate_answer, Appointment, BotLine, BotView, Calendar,
};
use crate::{
    error::{AppError, ErrorCode},
    server::AppState,
};
use chrono::NaiveDateTime;
use sqlx::{PgConnection, PgPool};
use std::collections::HashSet;
use uuid::Uuid;

/// Lines of transcript shown on the assistant page.
const TRANSCRIPT_LINES: i64 = 60;

fn contact(state: &AppState) -> Contact {
    Contact {
        email: state.settings.contact_email.clone(),
        phone: state.settings.contact_phone.clone(),
    }
}

async fn transcript(pool: &PgPool, customer: Uuid) -> Result<Vec<BotLine>, AppError> {
    let rows: Vec<(bool, String)> = sqlx::query_as(
        "select from_bot, body from (
             select id, from_bot, body from bot_lines where customer_id = $1 order by id desc limit $2
         ) recent order by id",
    )
    .bind(customer)
    .bind(TRANSCRIPT_LINES)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(from_bot, text)| BotLine { from_bot, text })
        .collect())
}

async fn view(pool: &PgPool, customer: Uuid, state: &BotState) -> Result<BotView, AppError> {
    Ok(BotView {
        lines: transcript(pool, customer).await?,
        quick_replies: machine::quick_replies(state),
        input_hint: machine::input_hint(state).into(),
    })
}

async fn append_lines(
    conn: &mut PgConnection,
    customer: Uuid,
    lines: impl IntoIterator<Item = (bool, String)>,
) -> Result<(), AppError> {
    for (from_bot, body) in lines {
        sqlx::query("insert into bot_lines (customer_id, from_bot, body) values ($1, $2, $3)")
            .bind(customer)
            .bind(from_bot)
            .bind(body)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn save_state(
    conn: &mut PgConnection,
    customer: Uuid,
    state: &BotState,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into bot_conversations (customer_id, state) values ($1, $2)
         on conflict (customer_id) do update set state = excluded.state, updated_at = now()",
    )
    .bind(customer)
    .bind(sqlx::types::Json(state))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The customer's conversation, opened on first visit.
pub async fn conversation(state: &AppState, customer: Uuid) -> Result<BotView, AppError> {
    let stored: Option<sqlx::types::Json<BotState>> =
        sqlx::query_scalar("select state from bot_conversations where customer_id = $1")
            .bind(customer)
            .fetch_optional(&state.pool)
            .await?;
    let bot_state = match stored {
        Some(sqlx::types::Json(bot_state)) => bot_state,
        None => {
            let opening = machine::start();
            let mut tx = state.pool.begin().await?;
            append_lines(
                &mut tx,
                customer,
                opening.say.into_iter().map(|s| (true, s)),
            )
            .await?;
            save_state(&mut tx, customer, &opening.state).await?;
            tx.commit().await?;
            opening.state
        }
    };
    view(&state.pool, customer, &bot_state).await
}

/// Takes the customer's answer through the workflow, carrying out its effects.
pub async fn answer(state: &AppState, customer: Uuid, input: &str) -> Result<BotView, AppError> {
    let input = validate_answer(input)?;
    let mut tx = state.pool.begin().await?;
    // One answer at a time per customer, even from two tabs.
    let stored: Option<sqlx::types::Json<BotState>> =
        sqlx::query_scalar("select state from bot_conversations where customer_id = $1 for update")
            .bind(customer)
            .fetch_optional(&mut *tx)
            .await?;
    let current = stored
        .map(|s| s.0)
        .unwrap_or_else(|| machine::start().state);

    let now = state.local_now();
    let step = machine::handle(&current, input, now.date(), &contact(state));
    let (next, said) = carry_out(&mut tx, state, customer, now, step).await?;

    // A quick reply is shown in the transcript by its label, as the customer saw it.
    let shown = machine::quick_replies(&current)
        .into_iter()
        .find(|reply| reply.value == input)
        .map_or_else(|| input.to_owned(), |reply| reply.label);
    append_lines(
        &mut tx,
        customer,
        std::iter::once((false, shown)).chain(said.into_iter().map(|s| (true, s))),
    )
    .await?;
    save_state(&mut tx, customer, &next).await?;
    tx.commit().await?;
    view(&state.pool, customer, &next).await
}

/// Carries out the effects of `step` — free slots looked up, a slot booked — until the
/// workflow waits for the customer: returns the state it waits in and all the assistant
/// said on the way.
async fn carry_out(
    tx: &mut PgConnection,
    state: &AppState,
    customer: Uuid,
    now: NaiveDateTime,
    mut step: Step,
) -> Result<(BotState, Vec<String>), AppError> {
    let mut said = std::mem::take(&mut step.say);
    while let Some(effect) = step.effect.take() {
        step = match effect {
            Effect::FindSlots(calendar) => {
                let schedule = &state.settings.booking;
                let held = held(tx, customer, calendar, now).await?;
                match schedule.booking_refusal(held) {
                    Some(reason) => machine::booking_refused(reason),
                    None => {
                        let free = availability(tx, schedule, calendar, now).await?;
                        machine::offer(calendar, &free, vec![])
                    }
                }
            }
            Effect::Book {
                calendar,
                starts_at,
            } => {
                // One booking at a time per customer (two tabs), counted under the lock.
                sqlx::query(
                    "select pg_advisory_xact_lock(hashtext('appointments'), hashtext($1::text))",
                )
                .bind(customer)
                .execute(&mut *tx)
                .await?;
                let held = held(tx, customer, calendar, now).await?;
                if let Some(reason) = state.settings.booking.booking_refusal(held) {
                    step = machine::booking_refused(reason);
                    said.append(&mut step.say);
                    continue;
                }
                match book(
                    tx,
                    &state.settings.booking,
                    customer,
                    calendar,
                    starts_at,
                    now,
                )
                .await?
                {
                    Booking::Done => machine::booked(calendar, starts_at),
                    Booking::Taken => {
                        let free = availability(tx, &state.settings.booking, calendar, now).await?;
                        machine::slot_taken(calendar, &free)
                    }
                }
            }
        };
        said.append(&mut step.say);
    }
    let Step { state: next, .. } = step;
    Ok((next, said))
}

/// Starts the assistant on a test ride of the catalogue model `model`, in `calendar`
/// (the calendar of its use): the free slots are offered at once. While that calendar's
/// slots are on offer, asking again changes nothing (the page reloaded).
pub async fn test_ride(
    state: &AppState,
    customer: Uuid,
    model: &str,
    calendar: Calendar,
) -> Result<BotView, AppError> {
    let mut tx = state.pool.begin().await?;
    let stored: Option<sqlx::types::Json<BotState>> =
        sqlx::query_scalar("select state from bot_conversations where customer_id = $1 for update")
            .bind(customer)
            .fetch_optional(&mut *tx)
            .await?;
    let current = stored.map(|s| s.0);
    if let Some(
        current @ BotState::ChooseSlot {
            calendar: offered, ..
        },
    ) = &current
    {
        if *offered == calendar {
            tx.commit().await?;
            return view(&state.pool, customer, current).await;
        }
    }
    // A first conversation opens with the greeting, as on a first visit.
    let opening = match current {
        Some(_) => vec![],
        None => machine::start().say,
    };
    let now = state.local_now();
    let (next, said) = carry_out(
        &mut tx,
        state,
        customer,
        now,
        machine::test_ride(model, calendar),
    )
    .await?;
    append_lines(
        &mut tx,
        customer,
        opening
            .into_iter()
            .map(|s| (true, s))
            .chain(std::iter::once((
                false,
                format!("Réserver un essai : {model}"),
            )))
            .chain(said.into_iter().map(|s| (true, s))),
    )
    .await?;
    save_state(&mut tx, customer, &next).await?;
    tx.commit().await?;
    view(&state.pool, customer, &next).await
}

/// The customer's upcoming appointments, in `calendar` and in all.
async fn held(
    conn: &mut PgConnection,
    customer: Uuid,
    calendar: Calendar,
    now: NaiveDateTime,
) -> Result<Held, AppError> {
    let (in_calendar, total): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where calendar = $2), count(*) from appointments
         where customer_id = $1 and cancelled_at is null and starts_at > $3",
    )
    .bind(customer)
    .bind(calendar.as_str())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let clamp = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Held {
        in_calendar: clamp(in_calendar),
        total: clamp(total),
    })
}

async fn availability(
    conn: &mut PgConnection,
    schedule: &Schedule,
    calendar: Calendar,
    now: NaiveDateTime,
) -> Result<Availability, AppError> {
    let (from, until) = Schedule::offer_window(now);
    let taken: Vec<NaiveDateTime> = sqlx::query_scalar(
        "select starts_at from appointments
         where calendar = $1 and cancelled_at is null and starts_at >= $2 and starts_at < $3",
    )
    .bind(calendar.as_str())
    .bind(from)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    let taken: HashSet<NaiveDateTime> = taken.into_iter().collect();
    Ok(schedule.availability(now, &taken))
}

enum Booking {
    Done,
    Taken,
}

/// Books a slot; the unique index on live slots makes exactly one of simultaneous
/// bookings succeed. A savepoint keeps the surrounding transaction usable on conflict.
async fn book(
    conn: &mut PgConnection,
    schedule: &Schedule,
    customer: Uuid,
    calendar: Calendar,
    starts_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Booking, AppError> {
    if starts_at <= now || !schedule.is_slot(starts_at) {
        return Ok(Booking::Taken);
    }
    let inserted = sqlx::query(
        "insert into appointments (calendar, starts_at, customer_id) values ($1, $2, $3)
         on conflict (calendar, starts_at) where cancelled_at is null do nothing",
    )
    .bind(calendar.as_str())
    .bind(starts_at)
    .bind(customer)
    .execute(&mut *conn)
    .await?;
    Ok(if inserted.rows_affected() == 1 {
        metrics::counter!("paddock_appointments_booked_total", "calendar" => calendar.as_str())
            .increment(1);
        Booking::Done
    } else {
        Booking::Taken
    })
}

/// An appointment as stored; `customer` is the customer's name where the reader sees it.
#[derive(sqlx::FromRow)]
struct AppointmentRow {
    id: Uuid,
    calendar: String,
    starts_at: NaiveDateTime,
    customer: Option<String>,
}

fn appointment(row: AppointmentRow) -> Option<Appointment> {
    Some(Appointment {
        id: row.id,
        calendar: Calendar::parse(&row.calendar)?,
        starts_at: row.starts_at,
        customer: row.customer,
    })
}

/// The customer's upcoming appointments, soonest first.
pub async fn upcoming_for(state: &AppState, customer: Uuid) -> Result<Vec<Appointment>, AppError> {
    let rows: Vec<AppointmentRow> = sqlx::query_as(
        "select id, calendar, starts_at, null::text as customer from appointments
         where customer_id = $1 and cancelled_at is null and starts_at >= $2
         order by starts_at",
    )
    .bind(customer)
    .bind(state.local_now())
    .fetch_all(&state.pool)
    .await?;
    Ok(rows.into_iter().filter_map(appointment).collect())
}

/// Cancels one of the customer's own upcoming appointments; the slot is free again.
pub async fn cancel(state: &AppState, customer: Uuid, id: Uuid) -> Result<(), AppError> {
    let cancelled = sqlx::query(
        "update appointments set cancelled_at = now()
         where id = $1 and customer_id = $2 and cancelled_at is null and starts_at >= $3",
    )
    .bind(id)
    .bind(customer)
    .bind(state.local_now())
    .execute(&state.pool)
    .await?;
    if cancelled.rows_affected() == 1 {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::NotFound,
            "Ce rendez-vous n’existe pas, est déjà annulé ou est passé.",
        ))
    }
}

/// A calendar's appointments of the week starting on `monday`, with customer names.
pub async fn agenda(
    pool: &PgPool,
    calendar: Calendar,
    monday: chrono::NaiveDate,
) -> Result<Vec<Appointment>, AppError> {
    let from = monday.and_time(chrono::NaiveTime::MIN);
    let rows: Vec<AppointmentRow> = sqlx::query_as(
        "select a.id, a.calendar, a.starts_at, u.display_name as customer from appointments a
         join users u on u.id = a.customer_id
         where a.calendar = $1 and a.cancelled_at is null
           and a.starts_at >= $2 and a.starts_at < $2 + interval '7 days'
         order by a.starts_at",
    )
    .bind(calendar.as_str())
    .bind(from)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(appointment).collect())
}
