//! The HTML shell, the application root with its routes, and the site's layout.

use crate::{
    account::AccountPage,
    admin::AdminPage,
    assistant::components::{AgendaPage, AppointmentsPage, AssistantPage},
    auth::{
        components::{LoginPage, RegisterPage},
        context::{use_auth, AuthContext},
        Role,
    },
    catalog::components::{AdminCataloguePage, DealershipsPage, HomePage, ModelPage, ModelsPage},
    chat::components::{AdminRoomsPage, RoomsPage},
    notifications::components::{AdminNotificationsPage, NotificationCenter},
    support::components::{AdminConversationsPage, AdvisorChatPage},
    ui::Seo,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path, Lazy, LazyRoute, SsrMode,
};

#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;
    let files = crate::server::assets::MainFiles::of(&options);
    // Members' and visitors' pages differ in when they hydrate and in their phone header
    // (style/main.css); the class is set by the server, never hydrated.
    let member = crate::server::context::carries_session();
    view! {
        <!DOCTYPE html>
        <html lang="fr" class=member.then_some("member")>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#14161a"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The stylesheet's name carries its content hash (cached for a year).
                <link rel="stylesheet" id="leptos" href=files.stylesheet.clone()/>
                <AutoReload options=options.clone()/>
                <Hydration options files member/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// When the page hydrates, without resource hints: the server-rendered page is complete
/// and usable without JavaScript, so its paint and its images come first. (`HydrationScripts`
/// preloads the 320 KB main wasm from the `<head>`, which Lighthouse's simulated LCP then
/// waited for.)
/// - Members (`member`: the request carries a session cookie): once the page has loaded
///   and the browser is idle. Their pages are live and their next pages drawn in the
///   browser.
/// - Visitors: at their first interaction other than following a link or a touch that
///   scrolls (a key, a click or a tap, focus in a field). What they read needs no wasm —
///   links, filters and forms work without it, the phone header shows its links — so a
///   visitor who only reads and browses downloads none, and one who fills the login form
///   usually has the page hydrated before sending it (or else the plain form is answered
///   with a page). A button pressed before the wasm took over (the password's
///   « Afficher ») is pressed again once it has; a failed download waits for the next
///   interaction to try again.
#[cfg(feature = "ssr")]
#[component]
fn Hydration(
    options: LeptosOptions,
    files: crate::server::assets::MainFiles,
    member: bool,
) -> impl IntoView {
    // Leptos' own component, for what it provides to the routes (the split chunks'
    // manifest, which server-rendered lazy routes preload); its tags are not used.
    let _ = leptos::hydration::HydrationScripts(
        leptos::hydration::HydrationScriptsProps::builder()
            .options(options)
            .build(),
    );
    let start = if member {
        "document.documentElement.dataset.hydration = 'on-load';\
        const whenIdle = () => 'requestIdleCallback' in window\
            ? requestIdleCallback(() => hydrate(() => {}), { timeout: 2000 })\
            : setTimeout(() => hydrate(() => {}), 0);\
        if (document.readyState === 'complete') whenIdle();\
        else addEventListener('load', whenIdle, { once: true });"
    } else {
        "document.documentElement.dataset.hydration = 'on-interaction';\
        const events = ['keydown', 'pointerdown', 'click', 'focusin'];\
        let pressed = null;\
        let taken = false;\
        const remember = (event) => {\
            if (taken) return;\
            const button = event.target instanceof Element\
                && event.target.closest('button[type=button]');\
            pressed = button || null;\
        };\
        const ready = () => {\
            taken = true;\
            removeEventListener('click', remember, true);\
            const button = pressed;\
            if (!button) return;\
            new MutationObserver((_, observer) => {\
                if (!document.body.dataset.hydrated) return;\
                observer.disconnect();\
                if (button.isConnected) button.click();\
            }).observe(document.body, { attributes: true, attributeFilter: ['data-hydrated'] });\
        };\
        const arm = () => events.forEach((name) =>\
            addEventListener(name, first, { capture: true, passive: true }));\
        const first = (event) => {\
            if (event.target instanceof Element && event.target.closest('a[href]')) return;\
            if (event.type === 'pointerdown' && event.pointerType === 'touch') return;\
            events.forEach((name) => removeEventListener(name, first, true));\
            addEventListener('click', remember, true);\
            if (event.type === 'click') remember(event);\
            hydrate(ready).catch(() => {\
                removeEventListener('click', remember, true);\
                arm();\
            });\
        };\
        arm();"
    };
    // `hydrate(ready)`: `ready` runs as the wasm takes over the page.
    let script = format!(
        "(function(script, wasm) {{\
            const hydrate = (ready) => import(script).then((mod) =>\
                mod.default({{ module_or_path: wasm }}).then(() => {{ ready(); mod.hydrate(); }}));\
            {start}\
        }})({:?}, {:?});",
        files.script, files.wasm
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthContext::provide();
    view! {
        <Title formatter=|title: String| format!("{title} · Paddock")/>
        <Router>
            <a class="skip-link" href="#contenu">"Aller au contenu"</a>
            <SiteHeader/>
            <main id="contenu" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage/>
                    // The catalogue's pages wait for their data on the server: complete
                    // without JavaScript, their metadata in the first response.
                    <Route path=path!("/motos") view=ModelsPage ssr=SsrMode::Async/>
                    <Route path=path!("/motos/:slug") view=ModelPage ssr=SsrMode::Async/>
                    <Route path=path!("/concessions") view=DealershipsPage ssr=SsrMode::Async/>
                    <Route path=path!("/connexion") view=LoginPage/>
                    <Route path=path!("/inscription") view=RegisterPage/>
                    // Members' and advisors' pages: in a wasm chunk per area, fetched when
                    // one opens (preloaded by the server-rendered page when it is the first).
                    <Route path=path!("/espace") view={Lazy::<AccountRoute>::new()}/>
                    <Route path=path!("/espace/assistant") view={Lazy::<AssistantRoute>::new()}/>
                    <Route path=path!("/espace/rendez-vous") view={Lazy::<AppointmentsRoute>::new()}/>
                    <Route path=path!("/espace/salons") view={Lazy::<RoomsRoute>::new()}/>
                    <Route path=path!("/espace/conseiller") view={Lazy::<AdvisorChatRoute>::new()}/>
                    <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()}/>
                    <Route path=path!("/admin/agenda") view={Lazy::<AgendaRoute>::new()}/>
                    <Route path=path!("/admin/salons") view={Lazy::<AdminRoomsRoute>::new()}/>
                    <Route path=path!("/admin/conversations") view={Lazy::<AdminConversationsRoute>::new()}/>
                    <Route path=path!("/admin/notifications") view={Lazy::<AdminNotificationsRoute>::new()}/>
                    <Route path=path!("/admin/catalogue") view={Lazy::<AdminCatalogueRoute>::new()}/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    let auth = use_auth();
    let (menu_open, set_menu_open) = signal(false);
    let user = move || auth.user.get().and_then(|r| r.ok()).flatten();

    view! {
        <header class="site-header">
            <div class="header-inner">
                // Named by its visible text (WCAG 2.5.3, label in name): « Paddock, accueil ».
                <a href="/" class="brand">
                    <span class="brand-mark" aria-hidden="true">"P"</span>
                    <span class="brand-name">"Paddock"</span>
                    <span class="visually-hidden">", accueil"</span>
                </a>
                // Customers' notifications stay in reach, outside the collapsible menu.
                <Transition fallback=|| ()>
                    <Show when=move || user().is_some_and(|u| u.role == Role::Customer)>
                        <NotificationCenter/>
                    </Show>
                </Transition>
                <button
                    type="button"
                    class="menu-toggle"
                    aria-controls="main-nav"
                    aria-expanded=move || if menu_open.get() { "true" } else { "false" }
                    on:click=move |_| set_menu_open.update(|open| *open = !*open)
                >
                    "Menu"
                </button>
                <nav
                    id="main-nav"
                    class="main-nav"
                    class:open=move || menu_open.get()
                    aria-label="Navigation principale"
                    // On small screens, following a link (or logging out) closes the menu.
                    on:click=move |_| set_menu_open.set(false)
                >
                    <ul>
                        <li><A href="/" exact=true>"Accueil"</A></li>
                        <li><A href="/motos">"Motos"</A></li>
                        <li><A href="/concessions">"Concessions"</A></li>
                        <Transition fallback=|| ()>
                            {move || match user() {
                                None => view! {
                                    <li><A href="/connexion">"Connexion"</A></li>
                                    <li><A href="/inscription" attr:class="nav-cta">"Inscription"</A></li>
                                }.into_any(),
                                Some(user) => view! {
                                    // Advisors get their tools; customers, their space.
                                    {if user.role == Role::Admin {
                                        view! {
                                            <li><A href="/admin" exact=true>"Administration"</A></li>
                                            <li><A href="/admin/agenda">"Agenda"</A></li>
                                            <li><A href="/admin/salons">"Gestion des salons"</A></li>
                                            <li><A href="/admin/conversations">"Conversations"</A></li>
                                            <li><A href="/admin/notifications">"Notifications"</A></li>
                                            <li><A href="/admin/catalogue">"Catalogue"</A></li>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <li><A href="/espace" exact=true>"Mon espace"</A></li>
                                            <li><A href="/espace/assistant">"Assistant entretien"</A></li>
                                            <li><A href="/espace/rendez-vous">"Mes rendez-vous"</A></li>
                                            <li><A href="/espace/salons">"Salons"</A></li>
                                            <li><A href="/espace/conseiller">"Conseiller"</A></li>
                                        }.into_any()
                                    }}
                                    <li class="nav-user">
                                        <span class="nav-user-name">{user.display_name.clone()}</span>
                                        <ActionForm action=auth.logout attr:class="logout-form">
                                            <button type="submit" class="button button-ghost">"Se déconnecter"</button>
                                        </ActionForm>
                                    </li>
                                }.into_any(),
                            }}
                        </Transition>
                    </ul>
                </nav>
            </div>
        </header>
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="footer-inner">
                <p>"© 2026 Paddock — le réseau de concessions du groupe moto."</p>
                <p class="footer-note">"Conseillers en ligne et ateliers aux heures d’ouverture de nos " <a href="/concessions">"concessions"</a> "."</p>
            </div>
        </footer>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Seo
            title="Page introuvable"
            description="Cette page n’existe pas ou plus sur Paddock."
            path="/404"
            noindex=true
        />
        <div class="page page-narrow">
            <section class="card error-card">
                <h1>"Page introuvable"</h1>
                <p>"La page demandée n’existe pas ou a été déplacée."</p>
                <p><a class="button" href="/">"Retour à l’accueil"</a></p>
            </section>
        </div>
    }
}

// The members' and the advisors' pages are split out of the main wasm (`cargo leptos
// build --split`) in two chunks, one per area: a visitor on the public site never
// downloads the chat, the assistant or the advisors' tools; a customer's first member
// page brings every member page along (one request, code the pages share stays
// together). Each page loads its own data once its code is in, so `data` starts nothing.

/// The pages of a customer's space (`/espace…`).
#[derive(Clone, Copy)]
enum MemberPage {
    Account,
    Assistant,
    Appointments,
    Rooms,
    AdvisorChat,
}

/// Every member page, in the members' chunk.
#[lazy]
fn member_page(page: MemberPage) -> AnyView {
    match page {
        MemberPage::Account => view! { <AccountPage/> }.into_any(),
        MemberPage::Assistant => view! { <AssistantPage/> }.into_any(),
        MemberPage::Appointments => view! { <AppointmentsPage/> }.into_any(),
        MemberPage::Rooms => view! { <RoomsPage/> }.into_any(),
        MemberPage::AdvisorChat => view! { <AdvisorChatPage/> }.into_any(),
    }
}

/// The advisors' pages (`/admin…`).
#[derive(Clone, Copy)]
enum AdvisorPage {
    Dashboard,
    Agenda,
    Rooms,
    Conversations,
    Notifications,
    Catalogue,
}

/// Every advisor page, in the advisors' chunk.
#[lazy]
fn advisor_page(page: AdvisorPage) -> AnyView {
    match page {
        AdvisorPage::Dashboard => view! { <AdminPage/> }.into_any(),
        AdvisorPage::Agenda => view! { <AgendaPage/> }.into_any(),
        AdvisorPage::Rooms => view! { <AdminRoomsPage/> }.into_any(),
        AdvisorPage::Conversations => view! { <AdminConversationsPage/> }.into_any(),
        AdvisorPage::Notifications => view! { <AdminNotificationsPage/> }.into_any(),
        AdvisorPage::Catalogue => view! { <AdminCataloguePage/> }.into_any(),
    }
}

/// Loads the chunk of the page at `path`, if it is split out: the page then hydrates in
/// one synchronous pass (`hydrate` in lib.rs), which needs every route's code in place.
/// Members' pages (`/espace…`) are in `member_page`'s chunk, advisors' (`/admin…`) in
/// `advisor_page`'s; `app::tests` checks every route against it.
#[cfg(feature = "hydrate")]
pub async fn load_split_area(path: &str) {
    use crate::auth::Area;
    match Area::of_path(path) {
        Area::Members => __preload_member_page().await,
        Area::Admins => __preload_advisor_page().await,
        Area::Public => {}
    }
}

/// One route type per page (what `Lazy::<…>` needs), each asking its area's chunk for
/// its view. `preload` fetches the chunk first: the router awaits it before hydrating, so
/// the server-rendered page is hydrated in place rather than drawn a second time.
macro_rules! split_route {
    ($route:ident, $area:ident, $preload_area:ident, $page:expr) => {
        struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload_area().await;
            }

            async fn view(_this: Self) -> AnyView {
                $area($page).await
            }
        }
    };
}

split_route!(
    AccountRoute,
    member_page,
    __preload_member_page,
    MemberPage::Account
);
split_route!(
    AssistantRoute,
    member_page,
    __preload_member_page,
    MemberPage::Assistant
);
split_route!(
    AppointmentsRoute,
    member_page,
    __preload_member_page,
    MemberPage::Appointments
);
split_route!(
    RoomsRoute,
    member_page,
    __preload_member_page,
    MemberPage::Rooms
);
split_route!(
    AdvisorChatRoute,
    member_page,
    __preload_member_page,
    MemberPage::AdvisorChat
);
split_route!(
    AdminRoute,
    advisor_page,
    __preload_advisor_page,
    AdvisorPage::Dashboard
);
split_route!(
    AgendaRoute,
    advisor_page,
    __preload_advisor_page,
    AdvisorPage::Agenda
);
split_route!(
    AdminRoomsRoute,
    advisor_page,
    __preload_advisor_page,
    AdvisorPage::Rooms
);
split_route!(
    AdminConversationsRoute,
    advisor_page,
    __preload_advisor_page,
    AdvisorPage::Conversations
);
split_route!(
    AdminNotificationsRoute,
    advisor_page,
    __preload_advisor_page,
    AdvisorPage::Notifications
);
split_route!(
    AdminCatalogueRoute,
    advisor_page,
    __preload_advisor_page,
    AdvisorPage::Catalogue
);

#[cfg(test)]
mod tests {
    use crate::auth::Area;

    /// `(route, area function, preload function)` of every `split_route!` above.
    fn split_routes(source: &str) -> Vec<[String; 3]> {
        source
            .split("split_route!(")
            .skip(1)
            .map(|call| {
                let mut args = call.split(',').map(|arg| arg.trim().to_owned());
                [(); 3].map(|_| args.next().unwrap())
            })
            .collect()
    }

    /// The page hydrates synchronously: a split page whose chunk `load_split_area` does
    /// not load first would leave the router without its code (Leptos panics). Its area,
    /// by path, must be the one whose chunk holds the page.
    #[test]
    fn every_split_page_has_its_chunk_loaded_before_hydration() {
        let source = include_str!("app.rs");
        let source = &source[..source.find("#[cfg(test)]").unwrap()];
        let routes = split_routes(source);
        assert_eq!(routes.len(), 11, "{routes:?}");
        let mut pages = 0;
        for line in source.lines() {
            let Some(rest) = line.split("<Route path=path!(\"").nth(1) else {
                continue;
            };
            pages += 1;
            let path = match rest.split('"').next().unwrap() {
                "" => "/",
                path => path,
            };
            let lazy_route = line
                .split("Lazy::<")
                .nth(1)
                .map(|rest| rest.split('>').next().unwrap());
            let expected = match lazy_route {
                None => Area::Public,
                Some(route) => {
                    let [_, area, preload] = routes
                        .iter()
                        .find(|[name, ..]| name == route)
                        .unwrap_or_else(|| panic!("{route} has no split_route!"));
                    // The route preloads the chunk it takes its view from.
                    assert_eq!(preload, &format!("__preload_{area}"), "{route}");
                    match area.as_str() {
                        "member_page" => Area::Members,
                        "advisor_page" => Area::Admins,
                        other => panic!("unknown area {other}"),
                    }
                }
            };
            assert_eq!(Area::of_path(path), expected, "{path}");
        }
        assert_eq!(pages, 17);
    }
}
