//! Assistant and appointment server functions.

use super::{Appointment, BotView};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The customer's conversation with the assistant, resumed where they left it.
#[server(endpoint = "bot/conversation", output = crate::api_json::ApiJson)]
pub async fn load_conversation() -> Result<BotView, AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            super::server::conversation(&app_state()?, user.id).await
        }
        .await,
    )
}

/// Sends the customer's answer (typed or a quick reply) to the assistant.
#[server(endpoint = "bot/answer", output = crate::api_json::ApiJson)]
pub async fn send_answer(text: String) -> Result<BotView, AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            super::server::answer(&app_state()?, user.id, &text).await
        }
        .await,
    )
}

/// Starts the assistant on a test ride of the catalogue model `slug`, in the calendar of
/// its use (road test, off-road test, track session): the entry point of « Réserver un
/// essai » (`/espace/assistant?essai=…`). `not_found` for an unknown or hidden model.
#[server(endpoint = "bot/test-ride", output = crate::api_json::ApiJson)]
pub async fn start_test_ride(slug: String) -> Result<BotView, AppError> {
    use super::Calendar;
    use crate::catalog::{server::visible_model, validate_slug};
    use crate::error::ErrorCode;
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            let state = app_state()?;
            let missing = || {
                AppError::new(
                    ErrorCode::NotFound,
                    "Ce modèle n’existe pas ou n’est plus au catalogue : choisissez-en un autre dans la gamme.",
                )
            };
            let slug = validate_slug(&slug).map_err(|_| missing())?;
            let model = visible_model(&state.pool, &slug)
                .await?
                .ok_or_else(missing)?;
            let calendar = Calendar::for_usage(model.usage);
            super::server::test_ride(&state, user.id, &model.name, calendar).await
        }
        .await,
    )
}

#[server(endpoint = "appointments/mine", output = crate::api_json::ApiJson)]
pub async fn my_appointments() -> Result<Vec<Appointment>, AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            super::server::upcoming_for(&app_state()?, user.id).await
        }
        .await,
    )
}

#[server(endpoint = "appointments/cancel", output = crate::api_json::ApiJson)]
pub async fn cancel_appointment(id: Uuid) -> Result<(), AppError> {
    use crate::server::context::{app_state, require_user, respond};
    respond(
        async {
            let user = require_user().await?;
            super::server::cancel(&app_state()?, user.id, id).await
        }
        .await,
    )
}

/// One calendar's week, for the advisors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    pub calendar: super::Calendar,
    /// Monday of the week, `YYYY-MM-DD`.
    pub week_start: String,
    pub previous_week: String,
    pub next_week: String,
    pub appointments: Vec<Appointment>,
}

/// A calendar's agenda for the week containing `week` (`YYYY-MM-DD`, default: this week).
#[server(endpoint = "admin/agenda", output = crate::api_json::ApiJson)]
pub async fn load_agenda(calendar: String, week: Option<String>) -> Result<Agenda, AppError> {
    use super::{schedule::AgendaWeek, Calendar};
    use crate::server::context::{app_state, require_admin, respond};
    use chrono::NaiveDate;
    respond(
        async {
            require_admin().await?;
            let state = app_state()?;
            let calendar = Calendar::parse(&calendar)
                .ok_or_else(|| AppError::invalid_input("Ce calendrier n’existe pas."))?;
            let week = match week.as_deref().filter(|w| !w.is_empty()) {
                Some(text) => AgendaWeek::parse(text)?,
                None => AgendaWeek::of(state.local_now().date()),
            };
            let appointments = super::server::agenda(&state.pool, calendar, week.monday).await?;
            let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
            Ok(Agenda {
                calendar,
                week_start: fmt(week.monday),
                previous_week: fmt(week.previous),
                next_week: fmt(week.next),
                appointments,
            })
        }
        .await,
    )
}
