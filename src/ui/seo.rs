use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// Public base URL of the site (no trailing slash), for canonical links.
#[derive(Clone, Debug)]
pub struct SiteUrl(pub String);

/// The base URL of the site (empty when unknown).
pub fn site_url() -> String {
    use_context::<SiteUrl>().map(|s| s.0).unwrap_or_default()
}

/// Title, description, canonical link and social preview tags (OpenGraph, Twitter card)
/// of a page. `image` is the path of its preview image on this site; `kind` its
/// OpenGraph type (`website` unless told).
#[component]
pub fn Seo(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    #[prop(into)] path: String,
    #[prop(optional, into)] image: Option<String>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] noindex: bool,
) -> impl IntoView {
    let base = site_url();
    let url = format!("{base}{path}");
    let full_title = format!("{title} · Paddock");
    let image = image.map(|path| format!("{base}{path}"));
    let card = if image.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    view! {
        <Title text=title/>
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=url.clone()/>
        <Meta property="og:type" content=kind.unwrap_or("website")/>
        <Meta property="og:site_name" content="Paddock"/>
        <Meta property="og:title" content=full_title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:url" content=url/>
        <Meta property="og:locale" content="fr_FR"/>
        <Meta name="twitter:card" content=card/>
        <Meta name="twitter:title" content=full_title/>
        <Meta name="twitter:description" content=description/>
        {image.map(|image| view! {
            <Meta property="og:image" content=image.clone()/>
            <Meta name="twitter:image" content=image/>
        })}
        {noindex.then(|| view! { <Meta name="robots" content="noindex, nofollow"/> })}
    }
}

/// Structured data (schema.org) for search engines, as a JSON-LD data block. It is not
/// executed, so the page's script policy does not apply to it. `data` runs on the server
/// only: hydration leaves a server-rendered `inner_html` as it is, so the browser's wasm
/// carries neither the data nor the code that builds it.
#[component]
pub fn JsonLd(data: impl FnOnce() -> serde_json::Value + 'static) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = json_ld_text(&data());
    #[cfg(not(feature = "ssr"))]
    let text = {
        drop(data);
        String::new()
    };
    view! { <script type="application/ld+json" inner_html=text></script> }
}

/// JSON that can sit inside `<script>`: `<`, `>` and `&` are written as JSON escapes, so
/// no text (`</script>`, `<!--`) can end the block or change how it is parsed.
pub fn json_ld_text(data: &serde_json::Value) -> String {
    let json = data.to_string();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::json_ld_text;
    use serde_json::json;

    #[test]
    fn json_ld_cannot_close_its_script_and_still_parses_to_the_same_data() {
        let data = json!({ "name": "</script><script>alert(1)</script> & <!-- R&D" });
        let text = json_ld_text(&data);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            data
        );
    }
}
