//! Live chat with a sales advisor: advisors mark themselves available, customers ask
//! for a conversation, advisors accept or refuse requests from a shared queue.
//!
//! A conversation is a channel like a room's, so it has the same delivery guarantees
//! (stored first, sequence numbers, resume, no duplicates). The queue and availability
//! travel on the same WebSocket as the chat; their frames are in `protocol::support`.

pub mod api;
pub mod client;
pub mod components;
#[cfg(feature = "ssr")]
pub mod delivery;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod socket;
pub mod state;

pub use crate::protocol::support::{QueuedRequest, SupportConversation, WaitingRequest};
use crate::{error::AppError, protocol::ServerMessage};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_TOPIC_CHARS: usize = 120;
pub const MAX_REASON_CHARS: usize = 300;

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

/// Where `customer`'s pending request stands in the queue (oldest first).
pub fn waiting_of(queue: &[QueuedRequest], customer: Uuid) -> Option<WaitingRequest> {
    queue
        .iter()
        .position(|r| r.customer_id == customer)
        .map(|index| WaitingRequest {
            id: queue[index].id,
            topic: queue[index].topic.clone(),
            position: u32::try_from(index + 1).unwrap_or(u32::MAX),
        })
}

/// What a follower of the advisor chat is shown of the queue: all of it, with who is
/// available, to an advisor; to a customer, the advisor count and their own place only.
pub fn queue_view(
    advisor: bool,
    user: Uuid,
    available: &[Uuid],
    requests: &[QueuedRequest],
) -> ServerMessage {
    if advisor {
        ServerMessage::SupportQueue {
            available: available.to_vec(),
            requests: requests.to_vec(),
        }
    } else {
        ServerMessage::SupportStatus {
            available_advisors: u32::try_from(available.len()).unwrap_or(u32::MAX),
            waiting: waiting_of(requests, user),
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
        match queue_view(false, customer, &[advisor], &queue) {
            ServerMessage::SupportStatus {
                available_advisors,
                waiting,
            } => {
                assert_eq!(available_advisors, 1);
                assert_eq!(waiting.unwrap().position, 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            queue_view(true, advisor, &[advisor], &queue),
            ServerMessage::SupportQueue { ref requests, .. } if requests.len() == 2
        ));
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
        };
        assert_eq!(conversation.other_name(Some(customer)), "Claire Martin");
        assert_eq!(
            conversation.other_name(conversation.advisor_id),
            "Julie Petit"
        );
    }
}
