//! The maintenance assistant (chatbot) of the brief's workflow, and the appointments it
//! books in four isolated calendars.
//!
//! `machine` is the workflow as a pure state machine; `schedule` computes slots from the
//! opening hours. Both do no I/O and are unit-tested without a database or a browser.

pub mod api;
pub mod components;
pub mod machine;
pub mod schedule;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest answer the assistant reads.
pub const MAX_ANSWER_CHARS: usize = 500;
/// Years an agenda week may be asked for: anything else is a typo or a probe.
pub const AGENDA_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The agenda's `week` parameter: a `YYYY-MM-DD` date within [`AGENDA_YEARS`].
pub fn parse_agenda_week(text: &str) -> Result<chrono::NaiveDate, crate::error::AppError> {
    use crate::error::{AppError, ErrorCode};
    use chrono::Datelike;
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| AppError::invalid_input("La semaine doit être une date AAAA-MM-JJ."))?;
    if !AGENDA_YEARS.contains(&day.year()) {
        return Err(AppError::new(
            ErrorCode::OutOfRange,
            format!(
                "La semaine doit être comprise entre {} et {}.",
                AGENDA_YEARS.start(),
                AGENDA_YEARS.end()
            ),
        ));
    }
    Ok(day)
}

/// The four appointment calendars; a booking in one never touches another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calendar {
    Maintenance,
    RoadTest,
    OffRoadTest,
    Track,
}

impl Calendar {
    pub const ALL: [Calendar; 4] = [
        Calendar::Maintenance,
        Calendar::RoadTest,
        Calendar::OffRoadTest,
        Calendar::Track,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Calendar::Maintenance => "maintenance",
            Calendar::RoadTest => "road_test",
            Calendar::OffRoadTest => "off_road_test",
            Calendar::Track => "track",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Calendar::ALL.into_iter().find(|c| c.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Calendar::Maintenance => "Entretien à l’atelier",
            Calendar::RoadTest => "Essai routier",
            Calendar::OffRoadTest => "Essai tout-terrain",
            Calendar::Track => "Session sur piste",
        }
    }
}

/// One line of the conversation with the assistant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotLine {
    pub from_bot: bool,
    pub text: String,
}

/// A one-tap answer: `label` is shown, `value` is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReply {
    pub label: String,
    pub value: String,
}

/// What the assistant page shows: the conversation so far and the answers on offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotView {
    pub lines: Vec<BotLine>,
    pub quick_replies: Vec<QuickReply>,
    /// Placeholder of the text field, hinting at the expected format.
    pub input_hint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: Uuid,
    pub calendar: Calendar,
    pub starts_at: NaiveDateTime,
    /// Customer's display name (admin agenda only).
    pub customer: Option<String>,
}

/// `mardi 25/11 à 10h00`: how a slot is shown to people.
pub fn format_slot(at: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    const DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    format!(
        "{} {:02}/{:02} à {}h{:02}",
        DAYS[at.weekday().num_days_from_monday() as usize],
        at.day(),
        at.month(),
        at.hour(),
        at.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn agenda_weeks_are_dates_within_the_accepted_years() {
        assert_eq!(
            parse_agenda_week("2026-11-26").unwrap().to_string(),
            "2026-11-26"
        );
        for typo in ["2026-13-01", "26-11-2026", "2026-11-26x", "", "2026-1-5"] {
            assert_eq!(
                parse_agenda_week(typo).unwrap_err().code,
                ErrorCode::InvalidInput,
                "{typo:?}"
            );
        }
        // The largest dates chrono accepts would overflow the previous/next week links.
        for far in ["+262142-12-31", "262142-12-31"] {
            assert!(parse_agenda_week(far).is_err(), "{far:?}");
        }
        for far in ["9999-12-31", "0001-01-01", "2101-01-01"] {
            let err = parse_agenda_week(far).unwrap_err();
            assert_eq!(err.code, ErrorCode::OutOfRange, "{far:?}");
            assert_eq!(err.code.http_status(), 400);
        }
    }
}
