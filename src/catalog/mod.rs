//! The public home page: the group, its range and what customers do on Paddock.

use crate::ui::Seo;
use leptos::prelude::*;

struct Service {
    title: &'static str,
    text: &'static str,
}

const SERVICES: &[Service] = &[
    Service {
        title: "Parler à un conseiller",
        text: "Un conseiller de vente vous répond en direct dès qu’il est disponible : essai, reprise, financement, équipement.",
    },
    Service {
        title: "Assistant entretien",
        text: "Notre assistant vérifie où en est l’entretien de votre moto et réserve un créneau d’atelier en quelques questions.",
    },
    Service {
        title: "Salons des motards",
        text: "Échangez avec les autres clients dans des salons thématiques animés par nos équipes : balades, circuit, tout-terrain.",
    },
    Service {
        title: "Offres et nouveautés",
        text: "Recevez en temps réel les offres commerciales, portes ouvertes et arrivages de nos concessions.",
    },
];

struct Family {
    name: &'static str,
    use_case: &'static str,
    text: &'static str,
}

const RANGE: &[Family] = &[
    Family {
        name: "Roadsters",
        use_case: "Route",
        text: "Agiles en ville, généreux sur les départementales. Essai routier sur rendez-vous.",
    },
    Family {
        name: "Trails",
        use_case: "Tout-terrain",
        text: "Du bitume aux pistes : essais tout-terrain encadrés sur notre terrain privé.",
    },
    Family {
        name: "Sportives",
        use_case: "Piste",
        text: "Pensées pour le circuit : sessions de roulage sur piste avec nos instructeurs.",
    },
];

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Seo
            title="Votre concession moto en direct"
            description="Paddock, la plateforme client du groupe moto : conseillers de vente en direct, assistant d’entretien et prise de rendez-vous, salons entre motards et offres en temps réel."
            path="/"
        />
        <section class="hero">
            <div class="hero-inner">
                <p class="eyebrow">"Groupe moto · 42 concessions en France"</p>
                <h1>"Votre concession moto, en direct."</h1>
                <p class="hero-lead">
                    "Paddock réunit nos conseillers, nos ateliers et toute la communauté des motards : "
                    "une question, un entretien, une balade à organiser ? Tout se passe ici, en temps réel."
                </p>
                <div class="hero-actions">
                    <a class="button button-primary" href="/inscription">"Créer mon compte"</a>
                    <a class="button button-ghost" href="/connexion">"J’ai déjà un compte"</a>
                </div>
            </div>
        </section>
        <div class="page">
            <section aria-labelledby="services-title" class="section">
                <h2 id="services-title">"Ce que vous pouvez faire sur Paddock"</h2>
                <ul class="card-grid">
                    {SERVICES
                        .iter()
                        .map(|s| view! {
                            <li class="card feature-card">
                                <h3>{s.title}</h3>
                                <p>{s.text}</p>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
            <section aria-labelledby="range-title" class="section">
                <h2 id="range-title">"Notre gamme"</h2>
                <ul class="card-grid card-grid-3">
                    {RANGE
                        .iter()
                        .map(|f| view! {
                            <li class="card range-card">
                                <p class="tag">{f.use_case}</p>
                                <h3>{f.name}</h3>
                                <p>{f.text}</p>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </section>
        </div>
    }
}
