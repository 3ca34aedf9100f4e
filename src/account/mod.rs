//! The customer's own space.

use crate::{
    auth::context::use_auth,
    ui::{ErrorAlert, Seo},
};
use leptos::prelude::*;

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Seo
            title="Mon espace"
            description="Votre espace client Paddock."
            path="/espace"
            noindex=true
        />
        <div class="page">
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || {
                    auth.user.get().map(|result| match result {
                        Ok(Some(user)) => view! {
                            <h1>"Bonjour " {user.display_name.clone()}</h1>
                            <section class="card profile-card" aria-labelledby="profile-title">
                                <h2 id="profile-title">"Mon compte"</h2>
                                <dl class="profile">
                                    <dt>"Nom affiché"</dt>
                                    <dd>{user.display_name.clone()}</dd>
                                    <dt>"Adresse e-mail"</dt>
                                    <dd>{user.email.clone()}</dd>
                                    <dt>"Profil"</dt>
                                    <dd>{user.role.label()}</dd>
                                </dl>
                            </section>
                        }
                        .into_any(),
                        Ok(None) => view! {
                            <section class="card">
                                <h1>"Connexion requise"</h1>
                                <p>"Connectez-vous pour accéder à votre espace."</p>
                                <p><a class="button button-primary" href="/connexion?next=/espace">"Se connecter"</a></p>
                            </section>
                        }
                        .into_any(),
                        Err(err) => view! { <ErrorAlert error=err/> }.into_any(),
                    })
                }}
            </Transition>
        </div>
    }
}
