//! The TypeScript declarations of Paddock's protocol for `@paddock/client`
//! (`packages/client/src/generated/protocol.ts`), generated from the Rust types with
//! `ts-rs` so that the two never drift: the test below fails while the file is stale,
//! and rewrites it with `PADDOCK_UPDATE_BINDINGS=1`.

use crate::{
    auth::{CurrentUser, Role},
    chat::api::CustomerHit,
    error::{AppError, ErrorCode},
    notifications::SentNotification,
    protocol::{
        chat::{ChatMessage, ChatRequest, DirectSummary, Member, RoomSummary},
        notifications::{
            Notification, StreamEvent, SupportAlert, SupportAlertKind, SSE_EVENT, SUPPORT_SSE_EVENT,
        },
        support::{QueuedRequest, Rating, SupportConversation, SupportRequest, WaitingRequest},
        ClientFrame, ClientMessage, ServerMessage, PROTOCOL_VERSION,
    },
};
use std::path::{Path, PathBuf};
use ts_rs::{Config, TS};

/// Where the package keeps the generated file, from the crate's root.
const BINDINGS: &str = "packages/client/src/generated/protocol.ts";

/// One declaration: its doc comment as JSDoc, then `export type … = …;`.
fn declaration<T: TS>(cfg: &Config) -> String {
    format!("{}export {}\n", T::docs().unwrap_or_default(), T::decl(cfg))
}

/// The whole file, every declaration in a fixed order.
fn render() -> String {
    // JSON numbers are JavaScript numbers: sequences and ids stay below 2^53.
    let cfg = Config::new().with_large_int("number");
    let declarations = [
        declaration::<ErrorCode>(&cfg),
        declaration::<AppError>(&cfg),
        declaration::<Role>(&cfg),
        declaration::<CurrentUser>(&cfg),
        declaration::<ClientFrame>(&cfg),
        declaration::<ClientMessage>(&cfg),
        declaration::<ChatRequest>(&cfg),
        declaration::<SupportRequest>(&cfg),
        declaration::<ServerMessage>(&cfg),
        declaration::<ChatMessage>(&cfg),
        declaration::<RoomSummary>(&cfg),
        declaration::<DirectSummary>(&cfg),
        declaration::<Member>(&cfg),
        declaration::<QueuedRequest>(&cfg),
        declaration::<WaitingRequest>(&cfg),
        declaration::<SupportConversation>(&cfg),
        declaration::<Rating>(&cfg),
        declaration::<StreamEvent>(&cfg),
        declaration::<SupportAlert>(&cfg),
        declaration::<SupportAlertKind>(&cfg),
        declaration::<Notification>(&cfg),
        declaration::<SentNotification>(&cfg),
        declaration::<CustomerHit>(&cfg),
    ];
    format!(
        "// Generated from Paddock's Rust types (src/typescript.rs): do not edit.\n\
         // After changing a type: PADDOCK_UPDATE_BINDINGS=1 cargo test --features ssr --lib typescript\n\
         \n\
         /** The protocol version this client speaks: the server's `welcome` must carry it. */\n\
         export const PROTOCOL_VERSION = {PROTOCOL_VERSION};\n\
         \n\
         /** The SSE event name of a notification. */\n\
         export const SSE_EVENT = {SSE_EVENT:?};\n\
         /** The SSE event name of a live chat alert (no id: never replayed). */\n\
         export const SUPPORT_SSE_EVENT = {SUPPORT_SSE_EVENT:?};\n\
         \n\
         {}",
        declarations.join("\n")
    )
}

fn bindings_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS)
}

#[test]
fn typescript_bindings_are_current() {
    let expected = render();
    let path = bindings_path();
    if std::env::var_os("PADDOCK_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == expected,
        "{BINDINGS} is stale: the Rust protocol changed. Regenerate it with\n  \
         PADDOCK_UPDATE_BINDINGS=1 cargo test --features ssr --lib typescript\n\
         then rebuild and test packages/client."
    );
}

#[test]
fn the_bindings_declare_every_frame_type() {
    let file = render();
    for frame in [
        "\"type\": \"welcome\"",
        "\"type\": \"done\"",
        "\"type\": \"post\"",
    ] {
        assert!(file.contains(frame), "{frame} missing");
    }
    assert!(
        file.contains("ref?: number"),
        "frames carry an optional ref"
    );
    assert!(!file.contains("bigint"), "JSON numbers are numbers");
}
