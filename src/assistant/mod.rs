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

use crate::{catalog::Usage, error::AppError};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest answer the assistant reads.
pub const MAX_ANSWER_CHARS: usize = 500;

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

    /// The test ride calendar of a catalogue model's use.
    pub fn for_usage(usage: Usage) -> Self {
        match usage {
            Usage::Road => Calendar::RoadTest,
            Usage::OffRoad => Calendar::OffRoadTest,
            Usage::Sport => Calendar::Track,
        }
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

/// A customer's answer to the assistant, trimmed: not empty, at most 500 characters.
pub fn validate_answer(input: &str) -> Result<&str, AppError> {
    let input = input.trim();
    // One line: not even a tab or a line break inside.
    if input.contains(char::is_control) {
        return Err(crate::text::invalid_characters());
    }
    if input.is_empty() {
        return Err(AppError::invalid_input(
            "Écrivez une réponse ou choisissez une proposition.",
        ));
    }
    if input.chars().count() > MAX_ANSWER_CHARS {
        return Err(AppError::invalid_input(format!(
            "Votre réponse dépasse {MAX_ANSWER_CHARS} caractères."
        )));
    }
    Ok(input)
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
    fn each_use_of_the_catalogue_books_its_own_test_calendar_under_the_same_name() {
        assert_eq!(Calendar::for_usage(Usage::Road), Calendar::RoadTest);
        assert_eq!(Calendar::for_usage(Usage::OffRoad), Calendar::OffRoadTest);
        assert_eq!(Calendar::for_usage(Usage::Sport), Calendar::Track);
        for usage in Usage::ALL {
            assert_eq!(Calendar::for_usage(usage).label(), usage.test_ride());
        }
    }

    #[test]
    fn answers_are_trimmed_not_empty_and_at_most_five_hundred_characters() {
        assert_eq!(validate_answer("  entretien ").unwrap(), "entretien");
        assert!(validate_answer(" \n ").is_err());
        assert!(validate_answer(&"é".repeat(500)).is_ok());
        assert!(validate_answer(&"a".repeat(501)).is_err());
        assert_eq!(
            validate_answer("entre\u{0}tien").unwrap_err().code,
            ErrorCode::InvalidCharacters
        );
    }
}
