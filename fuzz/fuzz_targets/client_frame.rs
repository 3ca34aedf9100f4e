//! The WebSocket's text frames as the server reads them (`site.rs`, `SocketFrames`):
//! any bytes parse or are refused without a panic, a parsed frame re-encodes to itself,
//! and the checks the handler applies before touching the database (message body,
//! topic, reason, history page) never panic and leave tidy, bounded text. The rest of
//! the handler is database work, covered by the integration tests.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paddock::{
    chat::{validate_message, MAX_MESSAGE_CHARS},
    error::AppError,
    protocol::{
        chat::ChatRequest, support::SupportRequest, ClientFrame, ClientMessage, ServerMessage,
    },
    support::{normalize_reason, normalize_topic, MAX_REASON_CHARS, MAX_TOPIC_CHARS},
};
use paddock_fuzz::{chars, is_forbidden_control, is_tidy};

/// `chat::server::socket::MAX_HISTORY_PAGE` (behind `ssr`).
const MAX_HISTORY_PAGE: u32 = 100;

fuzz_target!(|data: &[u8]| {
    // WebSocket text frames are UTF-8; a parser reading raw bytes must refuse the rest.
    let from_bytes = serde_json::from_slice::<ClientFrame>(data);
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(from_bytes.is_err(), "invalid UTF-8 parsed: {data:?}");
        return;
    };
    let frame = match serde_json::from_str::<ClientFrame>(text) {
        Ok(frame) => frame,
        Err(_) => {
            assert!(from_bytes.is_err());
            // What the server answers to an unreadable frame.
            refusal(AppError::invalid_input(
                "Message illisible : JSON du protocole attendu.",
            ));
            return;
        }
    };
    assert_eq!(from_bytes.as_ref().ok(), Some(&frame));

    // A frame the browser sends again (resend after a reconnection) means the same.
    let json = serde_json::to_string(&frame).expect("client frames serialise");
    let again: ClientFrame = serde_json::from_str(&json).expect("a re-encoded frame parses");
    assert_eq!(again, frame, "{json}");
    // The `ref` never changes what the message is.
    let bare: ClientMessage = serde_json::from_str(text).expect("a frame is a message");
    assert_eq!(bare, frame.message);
    let message = frame.message;

    match message {
        ClientMessage::Chat(ChatRequest::Post {
            body, client_id, ..
        }) => match validate_message(&body) {
            Ok(kept) => {
                assert!(!kept.is_empty() && chars(kept) <= MAX_MESSAGE_CHARS);
                assert_eq!(kept, kept.trim());
                assert_eq!(kept, body.trim(), "a valid body is only trimmed");
                assert_eq!(validate_message(kept).ok(), Some(kept), "idempotent");
                // TODO(lead): stricter validation (control characters refused).
                if cfg!(feature = "pending-rules") {
                    assert!(!kept.contains(is_forbidden_control), "{kept:?}");
                }
            }
            Err(error) => {
                ServerMessage::error(error, Some(client_id)).encode();
            }
        },
        ClientMessage::Chat(ChatRequest::History { limit, .. }) => {
            // The page size the handler asks the database for.
            let page = limit.clamp(1, MAX_HISTORY_PAGE);
            assert!((1..=MAX_HISTORY_PAGE).contains(&page));
        }
        ClientMessage::Support(SupportRequest::RequestAdvisor { topic }) => {
            optional_text(
                normalize_topic(topic.as_deref().unwrap_or("")),
                MAX_TOPIC_CHARS,
            );
        }
        ClientMessage::Support(SupportRequest::TransferConversation { note, .. }) => {
            optional_text(
                normalize_reason(note.as_deref().unwrap_or("")),
                MAX_REASON_CHARS,
            );
        }
        ClientMessage::Support(SupportRequest::RefuseRequest { reason, .. }) => {
            optional_text(
                normalize_reason(reason.as_deref().unwrap_or("")),
                MAX_REASON_CHARS,
            );
        }
        _ => {}
    }
});

/// A topic or a reason: absent, or tidy, bounded and free of control characters.
fn optional_text(result: Result<Option<String>, AppError>, max: usize) {
    match result {
        Ok(Some(text)) => {
            assert!(!text.is_empty() && chars(&text) <= max, "{text:?}");
            assert!(is_tidy(&text), "{text:?}");
            assert!(!text.contains(char::is_control), "{text:?}");
        }
        Ok(None) => {}
        Err(error) => refusal(error),
    }
}

/// A refusal goes back as an `error` frame: it encodes, in French, and decodes again.
fn refusal(error: AppError) {
    assert!(!error.message.is_empty());
    let frame = ServerMessage::error(error, None);
    let json = frame.encode();
    let decoded: ServerMessage = serde_json::from_str(&json).expect("an error frame parses");
    assert_eq!(decoded, frame);
}
