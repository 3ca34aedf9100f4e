//! Login and registration pages.

use crate::error::{AppError, ErrorCode, FORM_ERROR_PARAM};
use crate::{auth::context::use_auth, ui::Seo};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The error to show under a form: its last submission's, or else (before any
/// submission from this page) the refusal the page was reopened with after a plain HTML
/// submission (`?erreur=<code>`), flagged so that it takes the focus.
fn form_error<S>(action: ServerAction<S>) -> Signal<Option<(AppError, bool)>>
where
    S: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    let query = use_query_map();
    Signal::derive(move || match action.value().get() {
        Some(result) => result.err().map(|error| (error, false)),
        None if action.pending().get() => None,
        None => query
            .read()
            .get(FORM_ERROR_PARAM)
            .and_then(|code| ErrorCode::from_name(&code))
            .map(|code| (super::form_refusal(code), true)),
    })
}

/// A password input with a show/hide button (works once the page is hydrated).
#[component]
pub fn PasswordField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let (visible, set_visible) = signal(false);
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <div class="password-input">
                <input
                    id=id
                    name=name
                    type=move || if visible.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    required
                    minlength=if autocomplete == "new-password" { Some("10") } else { None }
                    maxlength=super::MAX_PASSWORD_CHARS.to_string()
                    aria-describedby=hint.map(|_| hint_id.clone())
                />
                <button
                    type="button"
                    class="password-toggle"
                    aria-controls=id
                    aria-pressed=move || if visible.get() { "true" } else { "false" }
                    aria-label=move || {
                        if visible.get() { "Masquer le mot de passe" } else { "Afficher le mot de passe" }
                    }
                    on:click=move |_| set_visible.update(|v| *v = !*v)
                >
                    {move || if visible.get() { "Masquer" } else { "Afficher" }}
                </button>
            </div>
            {hint.map(|text| view! { <p class="field-hint" id=hint_id.clone()>{text}</p> })}
        </div>
    }
}

/// The error of the last submission, announced to screen readers; one the page was
/// opened with takes the focus, so that it is read first.
#[component]
fn FormError(error: Signal<Option<(AppError, bool)>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|(error, focus)| view! { <crate::ui::ErrorAlert error focus/> })
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let expired = move || query.read().get(super::EXPIRED_PARAM).as_deref() == Some("1");
    let error = form_error(auth.login);
    view! {
        <Seo
            title="Connexion"
            description="Connectez-vous à Paddock pour parler à un conseiller, suivre l’entretien de votre moto et rejoindre les salons des motards."
            path="/connexion"
        />
        <div class="page page-narrow">
            <section class="card auth-card" aria-labelledby="login-title">
                <h1 id="login-title">"Connexion"</h1>
                <p class="lead">"Heureux de vous revoir sur Paddock."</p>
                <Show when=expired>
                    <p class="session-notice" role="status">{crate::error::SESSION_EXPIRED_MESSAGE}</p>
                </Show>
                <ActionForm action=auth.login attr:class="form" attr:novalidate="">
                    <input type="hidden" name="next" value=next/>
                    <div class="field">
                        <label for="login-email">"Adresse e-mail"</label>
                        <input id="login-email" name="email" type="email" autocomplete="email" required maxlength=super::MAX_EMAIL_CHARS.to_string()/>
                    </div>
                    <PasswordField id="login-password" name="password" label="Mot de passe" autocomplete="current-password"/>
                    <FormError error/>
                    <button type="submit" class="button button-primary" disabled=move || auth.login.pending().get()>
                        {move || if auth.login.pending().get() { "Connexion…" } else { "Se connecter" }}
                    </button>
                </ActionForm>
                <p class="auth-switch">"Pas encore de compte ? " <a href="/inscription">"Créer un compte"</a></p>
            </section>
        </div>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let auth = use_auth();
    let error = form_error(auth.register);
    view! {
        <Seo
            title="Créer un compte"
            description="Créez votre compte client Paddock en une minute : conseillers en direct, assistant entretien, salons de discussion et offres réservées."
            path="/inscription"
        />
        <div class="page page-narrow">
            <section class="card auth-card" aria-labelledby="register-title">
                <h1 id="register-title">"Créer un compte"</h1>
                <p class="lead">"Rejoignez la communauté Paddock."</p>
                <ActionForm action=auth.register attr:class="form" attr:novalidate="">
                    <div class="field">
                        <label for="register-email">"Adresse e-mail"</label>
                        <input id="register-email" name="email" type="email" autocomplete="email" required maxlength=super::MAX_EMAIL_CHARS.to_string()/>
                    </div>
                    <div class="field">
                        <label for="register-name">"Nom affiché"</label>
                        <input id="register-name" name="display_name" type="text" autocomplete="name" required minlength=super::MIN_DISPLAY_NAME_CHARS.to_string() maxlength=super::MAX_DISPLAY_NAME_CHARS.to_string()/>
                    </div>
                    <PasswordField
                        id="register-password"
                        name="password"
                        label="Mot de passe"
                        autocomplete="new-password"
                        hint="Au moins 10 caractères."
                    />
                    <FormError error/>
                    <button type="submit" class="button button-primary" disabled=move || auth.register.pending().get()>
                        {move || if auth.register.pending().get() { "Création…" } else { "Créer mon compte" }}
                    </button>
                </ActionForm>
                <p class="auth-switch">"Déjà client ? " <a href="/connexion">"Se connecter"</a></p>
            </section>
        </div>
    }
}
