//! `robots.txt` and `sitemap.xml` for search engines.

use super::AppState;
use axum::{extract::State, http::header, response::IntoResponse};

/// Public pages worth indexing, with how often they change.
pub const INDEXED_PAGES: &[(&str, &str)] = &[
    ("/", "weekly"),
    ("/connexion", "yearly"),
    ("/inscription", "yearly"),
];

pub async fn robots_txt(State(state): State<AppState>) -> impl IntoResponse {
    let base = state.settings.base_url();
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /espace\nDisallow: /api/\n\nSitemap: {base}/sitemap.xml\n"
        ),
    )
}

pub async fn sitemap_xml(State(state): State<AppState>) -> impl IntoResponse {
    let base = state.settings.base_url();
    let urls: String = INDEXED_PAGES
        .iter()
        .map(|(path, freq)| {
            format!("  <url><loc>{base}{path}</loc><changefreq>{freq}</changefreq></url>\n")
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n"
        ),
    )
}
