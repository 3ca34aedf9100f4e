//! How every server function's answer (and its refusal, [`crate::error::AppError`])
//! travels: JSON, read in the browser as text.
//!
//! Leptos' own `Json` decodes responses from bytes (`serde_json::from_slice`) while the
//! data of server-rendered resources, the WebSocket frames and the notification stream are
//! decoded from text (`from_str`): every type that comes both ways was compiled twice into
//! the wasm. Reading the responses as text too keeps one copy (−11 KB brotli,
//! docs/benchmarks.md). Same bytes on the wire as Leptos' `Json`.

use leptos::server_fn::{codec::Post, Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{de::DeserializeOwned, Serialize};

/// The output encoding of Paddock's server functions: `#[server(output = ApiJson)]`.
pub type ApiJson = Post<JsonText>;

/// JSON, decoded from UTF-8 text.
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AppError, ErrorCode};

    #[test]
    fn answers_round_trip_as_plain_json() {
        let error = AppError::new(ErrorCode::RoomFull, "Ce salon est complet.");
        let bytes = <JsonText as Encodes<AppError>>::encode(&error).unwrap();
        assert_eq!(
            &bytes[..],
            br#"{"code":"room_full","message":"Ce salon est complet."}"#
        );
        let back: AppError = <JsonText as Decodes<AppError>>::decode(bytes).unwrap();
        assert_eq!(back.code, ErrorCode::RoomFull);
        // An answer that is not UTF-8 is refused, never read in part.
        let invalid = Bytes::from_static(b"{\"code\":\"room_full\",\"message\":\"\xff\"}");
        assert!(<JsonText as Decodes<AppError>>::decode(invalid).is_err());
    }

    /// A server function left on Leptos' own `Json` would bring its second JSON reader
    /// back into the wasm; nothing else would say so but the bundle's size.
    #[test]
    fn every_server_function_answers_through_api_json() {
        fn sources(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    found.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut declared = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[server(endpoint") {
                    declared += 1;
                    assert!(
                        line.contains("output = crate::api_json::ApiJson"),
                        "{}: {line}",
                        file.display()
                    );
                }
            }
        }
        assert!(declared > 30, "{declared} server functions found");
    }
}
