//! Cross-site request refusal and the security headers every response carries.

use super::AppState;
use crate::{
    config::Settings,
    error::{AppError, ErrorCode},
};
use axum::{
    extract::{Request, State},
    http::{
        header::{self, HeaderMap, HeaderName, HeaderValue},
        Method, StatusCode,
    },
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use leptos::prelude::*;
use std::net::{IpAddr, SocketAddr};

/// The policy of responses that are not pages: nothing may load or embed them.
const STRICT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of an HTML page: only Paddock's own files, plus the inline hydration
/// scripts that carry this response's nonce.
pub fn page_csp(nonce: &str, dev_reload_port: Option<u32>) -> String {
    let reload = dev_reload_port
        .map(|port| format!(" ws://127.0.0.1:{port} ws://localhost:{port}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'{reload}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Called while rendering a page: sets the page policy with the nonce Leptos put on its scripts.
pub fn apply_page_csp(options: &LeptosOptions) {
    let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let dev_reload = matches!(options.env, leptos::config::Env::DEV).then_some(options.reload_port);
    if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce, dev_reload)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a request may change state on behalf of the cookie it carries: its `Origin`
/// must be one of ours. Browsers send `Origin` on every cross-origin and every POST
/// request; when it is missing (old browsers, non-browser clients, which carry no
/// victim's cookie), `Sec-Fetch-Site` still exposes a cross-site request.
pub fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin
            .to_str()
            .is_ok_and(|origin| allowed.iter().any(|ok| ok == origin));
    }
    !matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("cross-site" | "same-site")
    )
}

pub async fn reject_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe_method(request.method())
        || origin_allowed(request.headers(), &state.settings.origins())
    {
        return next.run(request).await;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        path = %request.uri().path(),
        "cross-site request refused"
    );
    (
        StatusCode::FORBIDDEN,
        Json(AppError::new(
            ErrorCode::CrossSiteRequest,
            "Requête refusée : elle ne provient pas du site Paddock.",
        )),
    )
        .into_response()
}

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Every page sets its own policy with its scripts' nonce (`apply_page_csp`): a page
        // without one is a defect worth a trace (once a file request took a page's headers:
        // see `server::request_owner`).
        let is_page = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"));
        if is_page {
            tracing::warn!(%path, %status, "page answered without its content security policy");
        }
        set(headers, header::CONTENT_SECURITY_POLICY, STRICT_CSP);
    }
    if state.settings.uses_tls() {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(
            headers,
            header::CACHE_CONTROL,
            super::assets::cache_policy(&path, status),
        );
    }
    response
}

/// Whether any field of a server-function request — query string, form or JSON body —
/// holds a forbidden control character (NUL, escape…).
pub fn fields_hold_controls(query: Option<&str>, content_type: &str, body: &[u8]) -> bool {
    let form_holds = |bytes: &[u8]| {
        form_urlencoded::parse(bytes).any(|(name, value)| {
            name.chars().any(crate::text::is_forbidden_control)
                || value.chars().any(crate::text::is_forbidden_control)
        })
    };
    if query.is_some_and(|q| form_holds(q.as_bytes())) {
        return true;
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        form_holds(body)
    } else if content_type.starts_with("application/json") {
        // Unreadable JSON is left to the server function, which refuses it.
        serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|value| json_holds(&value))
    } else {
        false
    }
}

fn json_holds(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => text.chars().any(crate::text::is_forbidden_control),
        Value::Array(items) => items.iter().any(json_holds),
        Value::Object(fields) => fields.iter().any(|(name, value)| {
            name.chars().any(crate::text::is_forbidden_control) || json_holds(value)
        }),
        _ => false,
    }
}

/// Server functions never see a NUL or another control character: the request gets a
/// 400 with a French message before any handler (or the database, which refuses NUL)
/// is reached. Feature validations check the same rule on WebSocket frames.
pub async fn reject_control_characters(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, state.settings.max_request_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    if fields_hold_controls(parts.uri.query(), &content_type, &bytes) {
        tracing::info!(path = %parts.uri.path(), "request with control characters refused");
        return (
            StatusCode::BAD_REQUEST,
            Json(crate::text::invalid_characters()),
        )
            .into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// The client's address: the peer, or the last hop of `X-Forwarded-For` when Paddock is
/// configured to sit behind a reverse proxy that sets it.
pub fn client_address(settings: &Settings, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    settings
        .trust_proxy_headers
        .then(|| forwarded_client_ip(headers))
        .flatten()
        .unwrap_or(peer.ip())
}

/// The client address a trusted reverse proxy appended last to `X-Forwarded-For`.
pub fn forwarded_client_ip(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get("x-forwarded-for")?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_listed_origins_may_change_state() {
        let allowed = vec!["https://paddock.example".to_string()];
        assert!(origin_allowed(
            &headers(&[("origin", "https://paddock.example")]),
            &allowed
        ));
        assert!(!origin_allowed(
            &headers(&[("origin", "https://evil.example")]),
            &allowed
        ));
        assert!(!origin_allowed(&headers(&[("origin", "null")]), &allowed));
        // A look-alike with another port or scheme is another origin.
        assert!(!origin_allowed(
            &headers(&[("origin", "http://paddock.example")]),
            &allowed
        ));
        assert!(!origin_allowed(
            &headers(&[("origin", "https://paddock.example:8443")]),
            &allowed
        ));
        // Without Origin, a browser's cross-site marker still refuses it.
        assert!(!origin_allowed(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &allowed
        ));
        assert!(origin_allowed(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &allowed
        ));
        assert!(origin_allowed(&headers(&[]), &allowed));
    }

    #[test]
    fn page_policy_allows_only_own_scripts_and_the_nonce() {
        let csp = page_csp("abc123", None);
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("ws://"));
        assert!(page_csp("n", Some(3001)).contains("ws://127.0.0.1:3001"));
    }

    #[test]
    fn control_characters_are_found_in_every_kind_of_field() {
        let form = "application/x-www-form-urlencoded";
        assert!(fields_hold_controls(None, form, b"text=a%00b"));
        assert!(fields_hold_controls(None, form, b"te%1Bxt=ok"));
        assert!(fields_hold_controls(Some("week=2026%00"), "", b""));
        assert!(fields_hold_controls(
            None,
            "application/json",
            br#"{"a":["ok","\u0000"]}"#
        ));
        assert!(!fields_hold_controls(
            None,
            form,
            b"body=Bonjour%2C%0D%0Aa+demain%09%C3%A9"
        ));
        assert!(!fields_hold_controls(
            None,
            "application/json",
            b"not json\0"
        ));
        assert!(!fields_hold_controls(None, "text/plain", b"\0"));
    }

    #[test]
    fn the_last_forwarded_hop_is_the_client() {
        let h = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.9")]);
        assert_eq!(
            forwarded_client_ip(&h),
            Some("203.0.113.9".parse().unwrap())
        );
        assert_eq!(
            forwarded_client_ip(&headers(&[("x-forwarded-for", "junk")])),
            None
        );
    }
}
