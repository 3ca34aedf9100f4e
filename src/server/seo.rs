//! `robots.txt` and the making of `sitemap.xml` for search engines. The sitemap's
//! entries come from the site (`site.rs`): these fixed pages plus what the features
//! publish (the catalogue's pages and models).

use super::AppState;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

/// Public pages worth indexing that no feature lists, with how often they change.
pub const INDEXED_PAGES: &[(&str, &str)] = &[
    ("/", "weekly"),
    ("/connexion", "yearly"),
    ("/inscription", "yearly"),
];

/// One `<url>` of the sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Path on this site, with its query if any (`/motos?usage=route`).
    pub path: String,
    pub changefreq: &'static str,
    /// Last change, a W3C date-time (RFC 3339).
    pub lastmod: Option<String>,
}

impl SitemapEntry {
    pub fn new(path: impl Into<String>, changefreq: &'static str) -> Self {
        Self {
            path: path.into(),
            changefreq,
            lastmod: None,
        }
    }

    pub fn modified(mut self, lastmod: Option<String>) -> Self {
        self.lastmod = lastmod;
        self
    }
}

/// The entries of [`INDEXED_PAGES`].
pub fn fixed_pages() -> Vec<SitemapEntry> {
    INDEXED_PAGES
        .iter()
        .map(|(path, freq)| SitemapEntry::new(*path, freq))
        .collect()
}

/// Text for an XML element: `&`, `<`, `>` and quotes escaped (a query's `&` above all).
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The sitemap document of `entries`, under `base` (no trailing slash).
pub fn sitemap(base: &str, entries: &[SitemapEntry]) -> String {
    let urls: String = entries
        .iter()
        .map(|entry| {
            let lastmod = entry
                .lastmod
                .as_deref()
                .map(|date| format!("<lastmod>{}</lastmod>", xml_escape(date)))
                .unwrap_or_default();
            format!(
                "  <url><loc>{}</loc>{lastmod}<changefreq>{}</changefreq></url>\n",
                xml_escape(&format!("{base}{}", entry.path)),
                entry.changefreq
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n"
    )
}

/// The sitemap response of `entries`.
pub fn sitemap_response(base: &str, entries: &[SitemapEntry]) -> Response {
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        sitemap(base, entries),
    )
        .into_response()
}

pub async fn robots_txt(State(state): State<AppState>) -> impl IntoResponse {
    let base = state.settings.base_url();
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /espace\nDisallow: /api/\n\nSitemap: {base}/sitemap.xml\n"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sitemap_escapes_its_addresses_and_dates_its_entries() {
        let xml = sitemap(
            "https://paddock.example",
            &[
                SitemapEntry::new("/", "weekly"),
                SitemapEntry::new("/motos?usage=route&x=<1>", "weekly")
                    .modified(Some("2026-11-20T10:00:00+00:00".into())),
            ],
        );
        assert!(xml.contains(
            "<url><loc>https://paddock.example/</loc><changefreq>weekly</changefreq></url>"
        ));
        assert!(xml.contains(
            "<loc>https://paddock.example/motos?usage=route&amp;x=&lt;1&gt;</loc><lastmod>2026-11-20T10:00:00+00:00</lastmod>"
        ));
        assert_eq!(xml.matches("<url>").count(), 2);
    }
}
