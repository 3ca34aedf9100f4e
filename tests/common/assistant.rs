//! Reading the assistant's conversation view (`bot/*` server functions' JSON).

use chrono::{DateTime, Utc};
use serde_json::Value;

/// Tuesday 24 November 2026, 9h in Paris: the seed fills this week's track sessions.
pub fn tuesday_morning() -> DateTime<Utc> {
    "2026-11-24T08:00:00Z".parse().unwrap()
}

/// The values of the quick replies the assistant offers.
pub fn quick_values(view: &Value) -> Vec<String> {
    view["quick_replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_str().unwrap().to_owned())
        .collect()
}

/// Every line of the conversation, one per line.
pub fn transcript(view: &Value) -> String {
    view["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}
