//! Cross-site request refusal and the security headers every response carries.

use super::AppState;
use crate::error::{AppError, ErrorCode};
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
use std::net::IpAddr;

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
    let is_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
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
        // Pages and API answers carry who is logged in: never store them in shared caches.
        let policy = if is_asset {
            "public, max-age=0, must-revalidate"
        } else {
            "no-store"
        };
        set(headers, header::CACHE_CONTROL, policy);
    }
    response
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
