//! Every frame the server sends, with arbitrary content (names, bodies, topics, reasons
//! typed by users, any ids and numbers): `ServerMessage::encode` never panics (it
//! `expect`s), the JSON carries its `type`, and the browser decodes it to the same frame.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use paddock::{
    error::{AppError, ErrorCode},
    protocol::{
        chat::{ChatMessage, DirectSummary, Member, RoomSummary},
        support::{QueuedRequest, Rating, SupportConversation, WaitingRequest},
        ServerMessage,
    },
};
use uuid::Uuid;

/// Every error code (a new one must be added here to be fuzzed).
const CODES: &[ErrorCode] = &[
    ErrorCode::InvalidInput,
    ErrorCode::InvalidEmail,
    ErrorCode::InvalidDisplayName,
    ErrorCode::PasswordTooShort,
    ErrorCode::PasswordTooLong,
    ErrorCode::EmailTaken,
    ErrorCode::InvalidCredentials,
    ErrorCode::RateLimited,
    ErrorCode::Unauthenticated,
    ErrorCode::Forbidden,
    ErrorCode::NotFound,
    ErrorCode::CrossSiteRequest,
    ErrorCode::Unavailable,
    ErrorCode::Internal,
    ErrorCode::RoomFull,
    ErrorCode::RoomClosed,
    ErrorCode::NotMember,
    ErrorCode::MessageTooLong,
    ErrorCode::RoomNameTaken,
    ErrorCode::NoAdvisorAvailable,
    ErrorCode::RequestPending,
    ErrorCode::AlreadyTaken,
    ErrorCode::ConversationEnded,
    ErrorCode::Overloaded,
    ErrorCode::InvalidCharacters,
    ErrorCode::OutOfRange,
    ErrorCode::SessionExpired,
    ErrorCode::TooManyConnections,
    ErrorCode::SlugTaken,
    ErrorCode::AlreadyRated,
    ErrorCode::ConversationOngoing,
    ErrorCode::TitleTaken,
];

type R<T> = arbitrary::Result<T>;

fn id(u: &mut Unstructured) -> R<Uuid> {
    Ok(Uuid::from_u128(u.arbitrary()?))
}

fn ids(u: &mut Unstructured) -> R<Vec<Uuid>> {
    u.arbitrary_iter::<u128>()?
        .map(|n| n.map(Uuid::from_u128))
        .collect()
}

fn many<T>(u: &mut Unstructured, one: fn(&mut Unstructured) -> R<T>) -> R<Vec<T>> {
    let mut items = Vec::new();
    while items.len() < 8 && u.arbitrary()? {
        items.push(one(u)?);
    }
    Ok(items)
}

fn chat_message(u: &mut Unstructured) -> R<ChatMessage> {
    Ok(ChatMessage {
        channel_id: id(u)?,
        seq: u.arbitrary()?,
        client_id: id(u)?,
        author_id: id(u)?,
        author_name: u.arbitrary()?,
        body: u.arbitrary()?,
        sent_at: u.arbitrary()?,
    })
}

fn room(u: &mut Unstructured) -> R<RoomSummary> {
    Ok(RoomSummary {
        id: id(u)?,
        name: u.arbitrary()?,
        capacity: u.arbitrary()?,
        members: u.arbitrary()?,
        last_seq: u.arbitrary()?,
    })
}

fn direct(u: &mut Unstructured) -> R<DirectSummary> {
    Ok(DirectSummary {
        channel_id: id(u)?,
        other_id: id(u)?,
        other_name: u.arbitrary()?,
        last_seq: u.arbitrary()?,
    })
}

fn member(u: &mut Unstructured) -> R<Member> {
    Ok(Member {
        user_id: id(u)?,
        name: u.arbitrary()?,
        customer: u.arbitrary()?,
        online: u.arbitrary()?,
    })
}

fn queued(u: &mut Unstructured) -> R<QueuedRequest> {
    Ok(QueuedRequest {
        id: id(u)?,
        customer_id: id(u)?,
        customer_name: u.arbitrary()?,
        topic: u.arbitrary()?,
        requested_at: u.arbitrary()?,
        expires_at: u.arbitrary()?,
    })
}

fn conversation(u: &mut Unstructured) -> R<SupportConversation> {
    Ok(SupportConversation {
        channel_id: id(u)?,
        request_id: id(u)?,
        customer_id: id(u)?,
        customer_name: u.arbitrary()?,
        advisor_id: if u.arbitrary()? { Some(id(u)?) } else { None },
        advisor_name: u.arbitrary()?,
        topic: u.arbitrary()?,
        started_at: u.arbitrary()?,
        ended: u.arbitrary()?,
        last_seq: u.arbitrary()?,
        rating: if u.arbitrary()? {
            Some(Rating {
                score: u.arbitrary()?,
                comment: u.arbitrary()?,
            })
        } else {
            None
        },
    })
}

fn frame(u: &mut Unstructured) -> R<ServerMessage> {
    Ok(match u.int_in_range(0..=24u8)? {
        0 => ServerMessage::Welcome {
            user_id: id(u)?,
            protocol: u.arbitrary()?,
        },
        1 => ServerMessage::Message(chat_message(u)?),
        2 => ServerMessage::Ack {
            channel_id: id(u)?,
            client_id: id(u)?,
            seq: u.arbitrary()?,
        },
        3 => ServerMessage::History {
            channel_id: id(u)?,
            messages: many(u, chat_message)?,
            has_more: u.arbitrary()?,
        },
        4 => ServerMessage::Rooms {
            rooms: many(u, room)?,
            joined: ids(u)?,
            directs: many(u, direct)?,
            unread: many(u, |u| Ok((id(u)?, u.arbitrary()?)))?,
        },
        5 => ServerMessage::Members {
            room_id: id(u)?,
            members: many(u, member)?,
        },
        6 => ServerMessage::RoomUpdated { room: room(u)? },
        7 => ServerMessage::Occupancy {
            room_id: id(u)?,
            members: u.arbitrary()?,
        },
        8 => ServerMessage::RoomClosed { room_id: id(u)? },
        9 => ServerMessage::Joined {
            room: room(u)?,
            last_seq: u.arbitrary()?,
        },
        10 => ServerMessage::Left { room_id: id(u)? },
        11 => ServerMessage::DirectOpened {
            direct: direct(u)?,
            last_seq: u.arbitrary()?,
        },
        12 => ServerMessage::Typing {
            channel_id: id(u)?,
            user_id: id(u)?,
            name: u.arbitrary()?,
        },
        13 => ServerMessage::SupportQueue {
            available: ids(u)?,
            requests: many(u, queued)?,
            closed_until: u.arbitrary()?,
        },
        14 => ServerMessage::SupportStatus {
            available_advisors: u.arbitrary()?,
            waiting: if u.arbitrary()? {
                Some(WaitingRequest {
                    id: id(u)?,
                    topic: u.arbitrary()?,
                    position: u.arbitrary()?,
                    expires_at: u.arbitrary()?,
                })
            } else {
                None
            },
            closed_until: u.arbitrary()?,
        },
        15 => ServerMessage::SupportConversations {
            conversations: many(u, conversation)?,
        },
        16 => ServerMessage::SupportOpened {
            conversation: conversation(u)?,
        },
        17 => ServerMessage::SupportRefused {
            request_id: id(u)?,
            reason: u.arbitrary()?,
        },
        18 => ServerMessage::ConversationEnded { channel_id: id(u)? },
        19 => ServerMessage::Error {
            code: *u.choose(CODES)?,
            message: u.arbitrary()?,
            client_id: if u.arbitrary()? { Some(id(u)?) } else { None },
            retry_after_secs: u.arbitrary()?,
            reference: u.arbitrary()?,
        },
        20 => ServerMessage::Done {
            reference: u.arbitrary()?,
        },
        21 => ServerMessage::ReadUpTo {
            channel_id: id(u)?,
            user_id: id(u)?,
            seq: u.arbitrary()?,
        },
        22 => ServerMessage::SupportExpired { request_id: id(u)? },
        23 => ServerMessage::SupportTransferred {
            conversation: conversation(u)?,
            from_name: u.arbitrary()?,
            note: u.arbitrary()?,
        },
        _ => {
            let mut error = AppError::new(*u.choose(CODES)?, String::arbitrary(u)?);
            error.retry_after_secs = u.arbitrary()?;
            let client_id = if u.arbitrary()? { Some(id(u)?) } else { None };
            ServerMessage::error(error, client_id)
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(message) = frame(&mut u) else {
        return;
    };
    let json = message.encode();
    let value: serde_json::Value = serde_json::from_str(&json).expect("a frame is JSON");
    assert!(value["type"].is_string(), "{json}");
    let decoded: ServerMessage = serde_json::from_str(&json).expect("the browser decodes it");
    assert_eq!(decoded, message, "{json}");
});
