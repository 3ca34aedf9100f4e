//! Real-time chat: admin-managed rooms and direct conversations between customers.
//! Their frames are in `protocol::chat`.
//!
//! Every message is stored before it is acknowledged or delivered, and carries the
//! sequence number of its channel, so that a client resuming after a disconnect asks for
//! what follows the last sequence it saw and receives each missed message once, in order.

pub mod api;
pub mod client;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
pub mod state;

use crate::{
    error::{AppError, ErrorCode},
    text::comparable,
};
use serde::{Deserialize, Serialize};

pub const MIN_ROOM_NAME_CHARS: usize = 3;
pub const MAX_ROOM_NAME_CHARS: usize = 60;
pub const MIN_ROOM_CAPACITY: i32 = 2;
pub const MAX_ROOM_CAPACITY: i32 = 500;
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// A customer search: 2 to 60 characters.
pub const MIN_SEARCH_CHARS: usize = 2;
pub const MAX_SEARCH_CHARS: usize = 60;

/// A room name, trimmed with inner spaces collapsed, 3 to 60 characters.
pub fn normalize_room_name(raw: &str) -> Result<String, AppError> {
    crate::text::reject_controls(raw)?;
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = name.chars().count();
    if (MIN_ROOM_NAME_CHARS..=MAX_ROOM_NAME_CHARS).contains(&chars)
        && !name.chars().any(char::is_control)
    {
        Ok(name)
    } else {
        Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("Le nom du salon doit contenir entre {MIN_ROOM_NAME_CHARS} et {MAX_ROOM_NAME_CHARS} caractères."),
        ))
    }
}

pub fn validate_capacity(capacity: i32) -> Result<i32, AppError> {
    if (MIN_ROOM_CAPACITY..=MAX_ROOM_CAPACITY).contains(&capacity) {
        Ok(capacity)
    } else {
        Err(AppError::new(
            ErrorCode::InvalidInput,
            format!(
                "La capacité d’un salon va de {MIN_ROOM_CAPACITY} à {MAX_ROOM_CAPACITY} membres."
            ),
        ))
    }
}

/// A message body: trimmed, not empty, at most 2,000 characters.
pub fn validate_message(body: &str) -> Result<&str, AppError> {
    crate::text::reject_controls(body)?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            "Le message est vide.",
        ));
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(AppError::new(
            ErrorCode::MessageTooLong,
            format!("Un message compte au plus {MAX_MESSAGE_CHARS} caractères."),
        ));
    }
    Ok(body)
}

/// A ready-made text the composer offers when the draft starts with « / » (the
/// advisors' canned responses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub title: String,
    pub body: String,
}

/// Snippets offered at most at once.
pub const MAX_SNIPPETS_SHOWN: usize = 8;

/// The snippets a draft calls for: with « /hor », those whose title contains « hor »
/// (case and accents ignored); with « / » alone, all of them; none otherwise.
pub fn snippets_for(draft: &str, snippets: &[Snippet]) -> Vec<Snippet> {
    let Some(query) = draft.strip_prefix('/') else {
        return Vec::new();
    };
    let query = comparable(query.trim());
    snippets
        .iter()
        .filter(|s| comparable(&s.title).contains(&query))
        .take(MAX_SNIPPETS_SHOWN)
        .cloned()
        .collect()
}

/// A customer search, trimmed: 2 to 60 characters.
pub fn normalize_search_query(raw: &str) -> Result<&str, AppError> {
    let query = raw.trim();
    // One line: not even a tab or a line break inside.
    if query.contains(char::is_control) {
        return Err(crate::text::invalid_characters());
    }
    if (MIN_SEARCH_CHARS..=MAX_SEARCH_CHARS).contains(&query.chars().count()) {
        Ok(query)
    } else {
        Err(AppError::invalid_input(format!(
            "Tapez de {MIN_SEARCH_CHARS} à {MAX_SEARCH_CHARS} caractères pour chercher un client."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slash_lists_the_snippets_whose_title_matches() {
        let snippet = |title: &str| Snippet {
            title: title.into(),
            body: format!("Texte {title}"),
        };
        let all = [snippet("Horaires"), snippet("Essai"), snippet("Révision")];
        let titles = |draft: &str| -> Vec<String> {
            snippets_for(draft, &all)
                .into_iter()
                .map(|s| s.title)
                .collect()
        };
        assert_eq!(titles("/"), ["Horaires", "Essai", "Révision"]);
        assert_eq!(titles("/hor"), ["Horaires"]);
        assert_eq!(titles("/REVI"), ["Révision"], "case and accents ignored");
        assert_eq!(titles("/ess "), ["Essai"]);
        assert!(titles("/zz").is_empty());
        assert!(titles("hor").is_empty(), "only a draft starting with /");
        let many: Vec<_> = (0..20).map(|i| snippet(&format!("Réponse {i}"))).collect();
        assert_eq!(snippets_for("/rep", &many).len(), MAX_SNIPPETS_SHOWN);
    }

    #[test]
    fn room_names_are_tidied_and_bounded() {
        assert_eq!(
            normalize_room_name("  Balades   du dimanche ").unwrap(),
            "Balades du dimanche"
        );
        assert!(normalize_room_name("ab").is_err());
        assert!(normalize_room_name(&"x".repeat(61)).is_err());
        assert!(
            normalize_room_name(&"é".repeat(60)).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn capacities_go_from_two_to_five_hundred() {
        assert!(validate_capacity(1).is_err());
        assert_eq!(validate_capacity(2).unwrap(), 2);
        assert_eq!(validate_capacity(500).unwrap(), 500);
        assert!(validate_capacity(501).is_err());
    }

    #[test]
    fn searches_are_trimmed_and_two_to_sixty_characters() {
        assert_eq!(normalize_search_query("  Julie ").unwrap(), "Julie");
        assert!(normalize_search_query(" j ").is_err());
        assert!(normalize_search_query(&"é".repeat(60)).is_ok());
        assert!(normalize_search_query(&"a".repeat(61)).is_err());
    }

    #[test]
    fn messages_are_trimmed_and_at_most_two_thousand_characters() {
        assert_eq!(validate_message("  salut ").unwrap(), "salut");
        assert_eq!(
            validate_message("   ").unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert!(validate_message(&"é".repeat(2000)).is_ok());
        assert_eq!(
            validate_message(&"a".repeat(2001)).unwrap_err().code,
            ErrorCode::MessageTooLong
        );
    }
}
