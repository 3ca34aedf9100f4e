//! Paddock: the real-time customer platform of a motorcycle group.
//!
//! Organised by feature; each feature keeps its shared types, server functions,
//! server-only logic (`server`, behind the `ssr` feature) and components together.
//! Features use the shared layers — `error`, `api_json`, `text`, `config`, `ui`, `protocol`,
//! `realtime`, `monitoring`, `server` — never the other way round; `app` (the pages) and `site` (the server) put
//! the features together.

#![recursion_limit = "512"]

pub mod account;
pub mod admin;
pub mod api_json;
pub mod app;
pub mod assistant;
pub mod auth;
pub mod catalog;
pub mod chat;
pub mod error;
pub mod monitoring;
pub mod notifications;
pub mod protocol;
pub mod realtime;
pub mod support;
pub mod text;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod site;
#[cfg(test)]
mod typescript;

/// Browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::*;
    monitoring::browser::install();
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    // A member's or an advisor's page first loads its split chunk; then the whole page
    // hydrates in one synchronous pass, the router finding the chunk's code in place. (No
    // asynchronous hydration: vendor/README.md says what that saves.)
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    wasm_bindgen_futures::spawn_local(async move {
        app::load_split_area(&path).await;
        let document_body = leptos::prelude::document()
            .body()
            .expect("the page has a body");
        let mounted = leptos::mount::hydrate_from(document_body.clone(), move || {
            provide_context(ui::SiteUrl(origin));
            view! { <app::App/> }
        });
        mounted.forget();
        // Lets tests and styles know the page is interactive.
        let _ = document_body.set_attribute("data-hydrated", "true");
    });
}

#[cfg(test)]
mod tests {
    /// The browser's size depends on the vendored `tachys` (vendor/README.md): Cargo only
    /// warns when a patch no longer applies (after a Leptos upgrade), so check that the
    /// build uses it, at the copy's version, rather than crates.io's.
    #[test]
    fn the_vendored_tachys_is_the_one_built() {
        let manifest = include_str!("../vendor/tachys/Cargo.toml");
        let version = manifest
            .lines()
            .find_map(|line| line.strip_prefix("version = "))
            .expect("the copy's version")
            .trim_matches('"');
        let lock = include_str!("../Cargo.lock");
        let entry = lock
            .split("[[package]]")
            .find(|entry| entry.contains("name = \"tachys\"\n"))
            .expect("tachys in Cargo.lock");
        assert!(
            entry.contains(&format!("version = \"{version}\"")),
            "{entry}"
        );
        assert!(
            !entry.contains("source ="),
            "tachys comes from a registry: {entry}"
        );
    }
}
