//! Live chat with a sales advisor: advisors mark themselves available, customers ask
//! for a conversation, advisors accept or refuse requests from a shared queue.
//!
//! A conversation is a channel like a room's, so it has the same delivery guarantees
//! (stored first, sequence numbers, resume, no duplicates). The queue and availability
//! travel on the same WebSocket as the chat; their frames are in `protocol::support`.

#[cfg(feature = "ssr")]
pub mod alerts;
pub mod api;
pub mod client;
pub mod components;
#[cfg(feature = "ssr")]
pub mod delivery;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod hours;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod socket;
pub mod state;

pub use crate::protocol::support::{QueuedRequest, Rating, SupportConversation, WaitingRequest};
use crate::{error::AppError, protocol::ServerMessage};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_TOPIC_CHARS: usize = 120;
pub const MAX_REASON_CHARS: usize = 300;
pub const MAX_RATING_COMMENT_CHARS: usize = 500;

/// Where a request for an advisor stands: the `status` column of `support_requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "text", rename_all = "snake_case"))]
pub enum RequestStatus {
    /// Waiting in the queue.
    Pending,
    /// An advisor took it: the conversation is open (or was).
    Accepted,
    /// An advisor declined it, maybe with a reason.
    Refused,
    /// The customer withdrew it.
    Cancelled,
    /// No advisor took it before `expires_at`.
    Expired,
}

pub const MAX_CANNED_TITLE_CHARS: usize = 60;

/// An answer the advisors share, inserted in a conversation by typing « / ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CannedResponse {
    pub id: Uuid,
    pub title: String,
    pub body: String,
}

impl From<CannedResponse> for crate::chat::Snippet {
    fn from(canned: CannedResponse) -> Self {
        Self {
            title: canned.title,
            body: canned.body,
        }
    }
}

/// A canned response's title (1 to 60 characters) and text (a message: 1 to 2,000).
pub fn normalize_canned(title: &str, body: &str) -> Result<(String, String), AppError> {
    let title = optional_text(title, MAX_CANNED_TITLE_CHARS, "Le titre")?
        .ok_or_else(|| AppError::invalid_input("Donnez un titre à la réponse type."))?;
    let body = crate::chat::validate_message(body)?.to_owned();
    Ok((title, body))
}

/// An advisor's average rating on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AdvisorRating {
    pub advisor_id: Uuid,
    pub advisor_name: String,
    pub average: f64,
    pub ratings: i64,
}

/// What an advisor sees of the customer beside an open conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerContext {
    pub customer_name: String,
    /// The request's topic.
    pub topic: Option<String>,
    /// The customer's upcoming appointments, soonest first.
    pub appointments: Vec<crate::assistant::Appointment>,
    /// The customer's other conversations with the advisors, most recent first (10).
    pub past_conversations: Vec<SupportConversation>,
}

/// What advisors search the transcripts by; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptQuery {
    /// Part of the customer's name or email.
    pub customer: String,
    /// First and last day the conversation may have started on (inclusive).
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// Words of the messages, in French (`websearch` syntax: "quoted phrase", -excluded).
    pub text: String,
}

pub const MAX_SEARCH_CHARS: usize = 200;

impl TranscriptQuery {
    /// Reads the search form: dates as `YYYY-MM-DD` (empty for none), texts trimmed
    /// and bounded, the range in order.
    pub fn parse(customer: &str, from: &str, to: &str, text: &str) -> Result<Self, AppError> {
        let field = |raw: &str, what: &str| -> Result<String, AppError> {
            Ok(optional_text(raw, MAX_SEARCH_CHARS, what)?.unwrap_or_default())
        };
        let day = |raw: &str| -> Result<Option<chrono::NaiveDate>, AppError> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    AppError::invalid_input("Date illisible : utilisez le format AAAA-MM-JJ.")
                })
        };
        let query = Self {
            customer: field(customer, "Le client recherché")?,
            from: day(from)?,
            to: day(to)?,
            text: field(text, "Le texte recherché")?,
        };
        if let (Some(from), Some(to)) = (query.from, query.to) {
            if from > to {
                return Err(AppError::invalid_input(
                    "La date de début doit précéder la date de fin.",
                ));
            }
        }
        Ok(query)
    }
}

/// Around the words that match in a search excerpt (private-use characters, which
/// the composer's text never needs).
pub const HIT_START: char = '\u{E000}';
pub const HIT_END: char = '\u{E001}';

/// A conversation found by a transcript search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptHit {
    pub conversation: SupportConversation,
    /// The first matching message, its matching words between [`HIT_START`] and
    /// [`HIT_END`]; none when no text was searched.
    pub excerpt: Option<String>,
}

/// An excerpt cut into plain and matching parts, for the page to highlight the latter.
pub fn excerpt_parts(excerpt: &str) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut matching = false;
    for c in excerpt.chars() {
        if c == HIT_START || c == HIT_END {
            if !current.is_empty() {
                parts.push((std::mem::take(&mut current), matching));
            }
            matching = c == HIT_START;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        parts.push((current, matching));
    }
    parts
}

/// Tidies a free-text field: trimmed, inner whitespace collapsed, empty means none.
fn optional_text(raw: &str, max: usize, what: &str) -> Result<Option<String>, AppError> {
    crate::text::reject_controls(raw)?;
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(AppError::invalid_input(format!(
            "{what} compte au plus {max} caractères."
        )));
    }
    Ok(Some(text))
}

/// The optional topic of a request (a model, a purchase question…), at most 120 characters.
pub fn normalize_topic(raw: &str) -> Result<Option<String>, AppError> {
    optional_text(raw, MAX_TOPIC_CHARS, "Le sujet")
}

/// The optional reason of a refusal, shown to the customer, at most 300 characters.
pub fn normalize_reason(raw: &str) -> Result<Option<String>, AppError> {
    optional_text(raw, MAX_REASON_CHARS, "Le motif")
}

/// A customer's rating: a score from 1 to 5 and an optional comment of at most 500
/// characters.
pub fn normalize_rating(score: u8, comment: &str) -> Result<Rating, AppError> {
    if !(1..=5).contains(&score) {
        return Err(AppError::new(
            crate::error::ErrorCode::OutOfRange,
            "La note va de 1 à 5.",
        ));
    }
    Ok(Rating {
        score,
        comment: optional_text(comment, MAX_RATING_COMMENT_CHARS, "Le commentaire")?,
    })
}

/// « 4,5 / 5 (12 avis) », the average of an advisor's ratings.
pub fn average_label(average: f64, count: i64) -> String {
    // Half away from zero (4.25 is 4,3), which `{:.1}` does not do; in whole tenths, so
    // that the browser's wasm carries no float formatting.
    let tenths = (average * 10.0).round() as i64;
    let rounded = match tenths % 10 {
        0 => format!("{}", tenths / 10),
        tenth => format!("{},{}", tenths / 10, tenth.abs()),
    };
    // « avis » is the same in the plural.
    format!("{rounded} / 5 ({count} avis)")
}

/// Where `customer`'s pending request stands in the queue (oldest first).
pub fn waiting_of(queue: &[QueuedRequest], customer: Uuid) -> Option<WaitingRequest> {
    queue
        .iter()
        .position(|r| r.customer_id == customer)
        .map(|index| WaitingRequest {
            id: queue[index].id,
            topic: queue[index].topic.clone(),
            position: u32::try_from(index + 1).unwrap_or(u32::MAX),
            expires_at: queue[index].expires_at.clone(),
        })
}

/// What a follower of the advisor chat is shown of the queue: all of it, with who is
/// available, to an advisor; to a customer, the advisor count and their own place only.
/// Both are told when the desk opens, while it is closed.
pub fn queue_view(
    advisor: bool,
    user: Uuid,
    available: &[Uuid],
    requests: &[QueuedRequest],
    closed_until: Option<&str>,
) -> ServerMessage {
    let closed_until = closed_until.map(str::to_owned);
    if advisor {
        ServerMessage::SupportQueue {
            available: available.to_vec(),
            requests: requests.to_vec(),
            closed_until,
        }
    } else {
        ServerMessage::SupportStatus {
            available_advisors: u32::try_from(available.len()).unwrap_or(u32::MAX),
            waiting: waiting_of(requests, user),
            closed_until,
        }
    }
}

/// « 2 conseillers disponibles ».
pub fn advisors_label(available: usize) -> String {
    match available {
        0 => "Aucun conseiller disponible".into(),
        1 => "1 conseiller disponible".into(),
        n => format!("{n} conseillers disponibles"),
    }
}

/// « Vous êtes le prochain » or « Vous êtes n°3 dans la file ».
pub fn position_label(position: u32) -> String {
    if position <= 1 {
        "Vous êtes le prochain dans la file.".into()
    } else {
        format!("Vous êtes n°{position} dans la file.")
    }
}

/// When a pending request expires, from the seconds it has left: « dans 26 min ».
pub fn expiry_label(seconds_left: i64) -> String {
    match seconds_left {
        ..=59 => "dans moins d’une minute".into(),
        _ => format!("dans {}", waiting_label(seconds_left)),
    }
}

/// How long a request has waited: « à l’instant », « 4 min », « 1 h 05 ».
pub fn waiting_label(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match minutes {
        0 => "à l’instant".into(),
        1..=59 => format!("{minutes} min"),
        _ => format!("{} h {:02}", minutes / 60, minutes % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queued(customer: Uuid) -> QueuedRequest {
        QueuedRequest {
            id: Uuid::new_v4(),
            customer_id: customer,
            customer_name: "Client".into(),
            topic: None,
            requested_at: String::new(),
            expires_at: String::new(),
        }
    }

    #[test]
    fn topics_and_reasons_are_tidied_optional_and_bounded() {
        assert_eq!(normalize_topic("   ").unwrap(), None);
        assert_eq!(
            normalize_topic("  Essai   du trail ").unwrap().as_deref(),
            Some("Essai du trail")
        );
        assert!(
            normalize_topic(&"é".repeat(120)).is_ok(),
            "characters, not bytes"
        );
        let err = normalize_topic(&"a".repeat(121)).unwrap_err();
        assert!(err.message.contains("120"), "{}", err.message);
        assert!(normalize_reason(&"a".repeat(300)).is_ok());
        assert!(normalize_reason(&"a".repeat(301)).is_err());
    }

    #[test]
    fn a_customer_sees_their_place_in_the_queue() {
        let (first, second, absent) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let queue = vec![queued(first), queued(second)];
        assert_eq!(waiting_of(&queue, first).unwrap().position, 1);
        assert_eq!(waiting_of(&queue, second).unwrap().position, 2);
        assert_eq!(waiting_of(&queue, second).unwrap().id, queue[1].id);
        assert!(waiting_of(&queue, absent).is_none());
    }

    #[test]
    fn customers_see_a_count_and_their_own_place_never_the_queue() {
        let (advisor, customer, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let queue = vec![queued(other), queued(customer)];
        let opening = Some("2026-11-30T09:00:00+01:00");
        match queue_view(false, customer, &[advisor], &queue, opening) {
            ServerMessage::SupportStatus {
                available_advisors,
                waiting,
                closed_until,
            } => {
                assert_eq!(available_advisors, 1);
                assert_eq!(waiting.unwrap().position, 2);
                assert_eq!(closed_until.as_deref(), opening);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            queue_view(true, advisor, &[advisor], &queue, None),
            ServerMessage::SupportQueue { ref requests, closed_until: None, .. } if requests.len() == 2
        ));
    }

    #[test]
    fn ratings_are_one_to_five_with_a_bounded_optional_comment() {
        assert_eq!(
            normalize_rating(5, "  ").unwrap(),
            Rating {
                score: 5,
                comment: None
            }
        );
        assert_eq!(
            normalize_rating(1, " Trop  d’attente ")
                .unwrap()
                .comment
                .as_deref(),
            Some("Trop d’attente")
        );
        for score in [0, 6, 255] {
            let err = normalize_rating(score, "").unwrap_err();
            assert_eq!(err.code, crate::error::ErrorCode::OutOfRange);
        }
        assert!(normalize_rating(3, &"é".repeat(500)).is_ok());
        assert!(normalize_rating(3, &"é".repeat(501)).is_err());
        assert_eq!(average_label(4.0, 2), "4 / 5 (2 avis)");
        assert_eq!(average_label(4.25, 4), "4,3 / 5 (4 avis)");
    }

    #[test]
    fn canned_responses_have_a_title_and_a_message() {
        assert_eq!(
            normalize_canned("  Horaires  d’ouverture ", " Du lundi au samedi. ").unwrap(),
            (
                "Horaires d’ouverture".to_owned(),
                "Du lundi au samedi.".to_owned()
            )
        );
        assert!(normalize_canned("  ", "Texte").is_err());
        assert!(normalize_canned("Titre", "   ").is_err());
        assert!(normalize_canned(&"t".repeat(61), "Texte").is_err());
        assert!(normalize_canned("Titre", &"a".repeat(2001)).is_err());
    }

    #[test]
    fn the_search_form_is_read_with_its_dates_in_order() {
        let query =
            TranscriptQuery::parse(" Julie ", "2026-11-01", "2026-11-30", " reprise  moto ")
                .unwrap();
        assert_eq!(query.customer, "Julie");
        assert_eq!(query.text, "reprise moto");
        assert_eq!(query.from, chrono::NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(
            TranscriptQuery::parse("", "", "", "").unwrap(),
            TranscriptQuery::default()
        );
        let err = TranscriptQuery::parse("", "2026-12-01", "2026-11-01", "").unwrap_err();
        assert!(err.message.contains("précéder"), "{}", err.message);
        assert!(TranscriptQuery::parse("", "01/11/2026", "", "").is_err());
        assert!(TranscriptQuery::parse("", "", "", &"a".repeat(201)).is_err());
    }

    #[test]
    fn excerpts_are_cut_around_their_matches() {
        let excerpt = format!("Entre 6 500 et 7 000 € pour la {HIT_START}reprise{HIT_END} de {HIT_START}Street{HIT_END}");
        assert_eq!(
            excerpt_parts(&excerpt),
            vec![
                ("Entre 6 500 et 7 000 € pour la ".to_owned(), false),
                ("reprise".to_owned(), true),
                (" de ".to_owned(), false),
                ("Street".to_owned(), true),
            ]
        );
        assert_eq!(excerpt_parts("rien"), vec![("rien".to_owned(), false)]);
    }

    #[test]
    fn labels_read_naturally_in_french() {
        assert_eq!(advisors_label(0), "Aucun conseiller disponible");
        assert_eq!(advisors_label(1), "1 conseiller disponible");
        assert_eq!(advisors_label(3), "3 conseillers disponibles");
        assert_eq!(position_label(1), "Vous êtes le prochain dans la file.");
        assert_eq!(position_label(4), "Vous êtes n°4 dans la file.");
        assert_eq!(waiting_label(30), "à l’instant");
        assert_eq!(waiting_label(4 * 60 + 10), "4 min");
        assert_eq!(waiting_label(65 * 60), "1 h 05");
        assert_eq!(expiry_label(26 * 60 + 5), "dans 26 min");
        assert_eq!(expiry_label(20), "dans moins d’une minute");
        assert_eq!(expiry_label(-5), "dans moins d’une minute");
    }

    #[test]
    fn each_side_sees_the_other_participant() {
        let customer = Uuid::new_v4();
        let conversation = SupportConversation {
            channel_id: Uuid::new_v4(),
            request_id: Uuid::new_v4(),
            customer_id: customer,
            customer_name: "Julie Petit".into(),
            advisor_id: Some(Uuid::new_v4()),
            advisor_name: "Claire Martin".into(),
            topic: None,
            started_at: String::new(),
            ended: false,
            last_seq: 0,
            rating: None,
        };
        assert_eq!(conversation.other_name(Some(customer)), "Claire Martin");
        assert_eq!(
            conversation.other_name(conversation.advisor_id),
            "Julie Petit"
        );
    }
}
