use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// Public base URL of the site (no trailing slash), for canonical links.
#[derive(Clone, Debug)]
pub struct SiteUrl(pub String);

/// Title, description, canonical link and social preview tags of a page.
#[component]
pub fn Seo(
    title: &'static str,
    description: &'static str,
    path: &'static str,
    #[prop(optional)] noindex: bool,
) -> impl IntoView {
    let base = use_context::<SiteUrl>().map(|s| s.0).unwrap_or_default();
    let url = format!("{base}{path}");
    view! {
        <Title text=title/>
        <Meta name="description" content=description/>
        <Link rel="canonical" href=url.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content="Paddock"/>
        <Meta property="og:title" content=format!("{title} · Paddock")/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=url/>
        <Meta property="og:locale" content="fr_FR"/>
        {noindex.then(|| view! { <Meta name="robots" content="noindex, nofollow"/> })}
    }
}
