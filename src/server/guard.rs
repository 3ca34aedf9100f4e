//! Member and admin pages are enforced by the server before any rendering:
//! anonymous visitors go to the login page (with « session expirée » when their session
//! is over), customers get 403 on admin pages.

use super::AppState;
use crate::auth::{access, login_path, sessions::session_status, Access, Area};
use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

pub async fn page_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let area = Area::of_path(&path);
    if area == Area::Public {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let status = match session_status(&session, &state.pool, &state.realtime.lifetime).await {
        Ok(status) => status,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    if let Some(user) = status.user() {
        crate::monitoring::server::identify(user.id, user.role.as_str());
    }
    match access(area, status.user().map(|u| u.role)) {
        Access::Granted => next.run(request).await,
        Access::LoginRequired => {
            let target = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or(&path);
            Redirect::to(&login_path(target, status.is_expired())).into_response()
        }
        Access::Denied => forbidden_page(&super::assets::stylesheet_href(&state.leptos_options)),
    }
}

/// A complete page (no script) so the refusal is readable without the application.
fn forbidden_page(stylesheet: &str) -> Response {
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Accès refusé · Paddock</title>
<link rel="stylesheet" href="{stylesheet}">
</head>
<body>
<main id="contenu" class="page page-narrow">
<section class="card error-card">
<h1>Accès refusé</h1>
<p>Cette page est réservée aux conseillers Paddock. Votre compte client n’y a pas accès.</p>
<p><a class="button" href="/espace">Retour à mon espace</a> <a href="/">Accueil</a></p>
</section>
</main>
</body>
</html>"#
    );
    (
        StatusCode::FORBIDDEN,
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        )],
        Html(page),
    )
        .into_response()
}
