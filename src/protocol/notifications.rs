//! The notification stream (Server-Sent Events): each event's `data` is a
//! [`StreamEvent`], its id the notification's id.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The SSE event name of a notification.
pub const SSE_EVENT: &str = "notification";
/// The SSE event name of a live chat alert (no id: never replayed, the conversation's
/// page shows it all).
pub const SUPPORT_SSE_EVENT: &str = "support";

/// A notification as a customer receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Notification {
    /// Increasing: also the SSE event id.
    pub id: i64,
    pub title: String,
    pub body: String,
    /// A Paddock page (`/…`) or an `https` address.
    pub link: Option<String>,
    /// RFC 3339.
    pub sent_at: String,
    pub read: bool,
}

/// What the notification stream carries, as the JSON `data` of each SSE event.
// Tagged by `type`, read in the browser with `tagged::decode` (see `ServerMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Serialize))]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(not(target_arch = "wasm32"), serde(tag = "type"))]
#[serde(rename_all = "snake_case")]
pub enum StreamEvent {
    Notification(Notification),
    /// The customer's live chat with an advisor moved on, told on whatever page they are.
    SupportAlert(SupportAlert),
}

/// What happened in a customer's live chat with an advisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SupportAlertKind {
    /// An advisor accepted the request: the conversation is open.
    Accepted,
    /// An advisor refused the request (`text`: their reason, if any).
    Refused,
    /// No advisor took the request in time.
    Expired,
    /// The advisor wrote in the open conversation (`text`: the message's beginning).
    Message,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SupportAlert {
    pub kind: SupportAlertKind,
    /// The advisor, when one acted.
    pub advisor_name: Option<String>,
    pub channel_id: Option<Uuid>,
    pub text: Option<String>,
}

/// Where a support alert leads: the customer's live chat page.
pub const SUPPORT_PAGE: &str = "/espace/conseiller";

/// Characters of a message an alert shows.
pub const ALERT_EXCERPT_CHARS: usize = 140;

impl SupportAlert {
    /// The message's beginning, cut at a character boundary, « … » when cut.
    pub fn excerpt(body: &str) -> String {
        let mut chars = body.chars();
        let excerpt: String = chars.by_ref().take(ALERT_EXCERPT_CHARS).collect();
        if chars.next().is_some() {
            format!("{excerpt}…")
        } else {
            excerpt
        }
    }

    /// The alert's title and text, as the toast and the browser notification show them.
    pub fn title_and_body(&self) -> (String, String) {
        let advisor = self.advisor_name.as_deref().unwrap_or("Un conseiller");
        match self.kind {
            SupportAlertKind::Accepted => (
                format!("{advisor} a accepté votre demande"),
                "Votre conversation est ouverte.".into(),
            ),
            SupportAlertKind::Refused => (
                "Votre demande a été refusée".into(),
                match &self.text {
                    Some(reason) => format!("Motif : {reason}"),
                    None => "Vous pouvez en refaire une plus tard.".into(),
                },
            ),
            SupportAlertKind::Expired => (
                "Votre demande a expiré".into(),
                "Aucun conseiller n’a pu la prendre à temps ; vous pouvez en refaire une.".into(),
            ),
            SupportAlertKind::Message => (
                format!("Nouveau message de {advisor}"),
                self.text.clone().unwrap_or_default(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(kind: SupportAlertKind, text: Option<&str>) -> SupportAlert {
        SupportAlert {
            kind,
            advisor_name: Some("Claire Martin".into()),
            channel_id: None,
            text: text.map(Into::into),
        }
    }

    #[test]
    fn each_alert_reads_in_french() {
        assert_eq!(
            alert(SupportAlertKind::Accepted, None).title_and_body().0,
            "Claire Martin a accepté votre demande"
        );
        assert_eq!(
            alert(SupportAlertKind::Refused, Some("Atelier fermé"))
                .title_and_body()
                .1,
            "Motif : Atelier fermé"
        );
        assert_eq!(
            alert(SupportAlertKind::Message, Some("Bonjour !")).title_and_body(),
            (
                "Nouveau message de Claire Martin".into(),
                "Bonjour !".into()
            )
        );
        assert_eq!(
            alert(SupportAlertKind::Expired, None).title_and_body().0,
            "Votre demande a expiré"
        );
    }

    #[test]
    fn excerpts_are_cut_on_characters() {
        assert_eq!(SupportAlert::excerpt("court"), "court");
        let long = "é".repeat(200);
        let cut = SupportAlert::excerpt(&long);
        assert_eq!(cut.chars().count(), ALERT_EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn alerts_travel_inside_the_stream_event() {
        let json = serde_json::to_value(StreamEvent::SupportAlert(alert(
            SupportAlertKind::Accepted,
            None,
        )))
        .unwrap();
        assert_eq!(json["type"], "support_alert");
        assert_eq!(json["kind"], "accepted");
    }
}
