//! The catalogue's pages: home, the range (`/motos`), a model (`/motos/{slug}`), the
//! dealerships (`/concessions`) and the advisors' catalogue (`/admin/catalogue`). The
//! public ones render completely on the server (their routes use `SsrMode::Async`), so
//! they read well without JavaScript and carry their metadata in the first response.

use super::{
    api::{
        admin_models, list_dealerships, list_models, load_model, CreateModel, SetModelHidden,
        UpdateModel,
    },
    format_price, jsonld, Dealership, Licence, Model, RangeFilter, Usage, IMAGE_DIR, IMAGE_HEIGHT,
    IMAGE_WIDTH,
};
use crate::{
    error::ErrorCode,
    ui::{site_url, ErrorAlert, JsonLd, Seo},
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

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
    usage: Usage,
    text: &'static str,
}

const RANGE: &[Family] = &[
    Family {
        name: "Roadsters et routières",
        usage: Usage::Road,
        text: "Agiles en ville, généreuses sur les départementales. Essai routier sur rendez-vous.",
    },
    Family {
        name: "Trails et enduros",
        usage: Usage::OffRoad,
        text: "Du bitume aux pistes : essais tout-terrain encadrés sur notre terrain privé.",
    },
    Family {
        name: "Sportives",
        usage: Usage::Sport,
        text: "Pensées pour le circuit : sessions de roulage sur piste avec nos instructeurs.",
    },
];

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Seo
            title="Votre concession moto en direct"
            description="Paddock, la plateforme client du groupe moto : la gamme et les concessions, conseillers de vente en direct, assistant d’entretien et prise de rendez-vous, salons entre motards et offres en temps réel."
            path="/"
        />
        <JsonLd data=move || jsonld::organization(&site_url())/>
        <section class="hero">
            <div class="hero-inner">
                <p class="eyebrow">"Groupe moto · concessions en France"</p>
                <h1>"Votre concession moto, en direct."</h1>
                <p class="hero-lead">
                    "Paddock réunit nos conseillers, nos ateliers et toute la communauté des motards : "
                    "une question, un entretien, une balade à organiser ? Tout se passe ici, en temps réel."
                </p>
                <div class="hero-actions">
                    <a class="button button-primary" href="/motos">"Découvrir la gamme"</a>
                    <a class="button button-ghost" href="/inscription">"Créer mon compte"</a>
                </div>
            </div>
        </section>
        <div class="page">
            <section aria-labelledby="range-title" class="section">
                <h2 id="range-title">"Notre gamme"</h2>
                <ul class="card-grid card-grid-3">
                    {RANGE
                        .iter()
                        .map(|f| view! {
                            <li class="card range-card">
                                <p class="tag">{f.usage.label()}</p>
                                <h3>
                                    <a href=RangeFilter { usage: Some(f.usage) }.path()>{f.name}</a>
                                </h3>
                                <p>{f.text}</p>
                            </li>
                        })
                        .collect_view()}
                </ul>
                <p class="section-more">
                    <a href="/motos">"Toute la gamme"</a>
                    " · "
                    <a href="/concessions">"Nos concessions et leurs horaires"</a>
                </p>
            </section>
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
        </div>
    }
}

/// The trail from the home page, its last item the current page.
#[component]
fn Breadcrumbs(trail: Vec<(&'static str, String)>, current: String) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="Fil d’Ariane">
            <ol>
                {trail.into_iter().map(|(name, path)| view! { <li><a href=path>{name}</a></li> }).collect_view()}
                <li aria-current="page">{current}</li>
            </ol>
        </nav>
    }
}

/// A model's illustration at its intrinsic size (no layout shift); `alt` empty where the
/// model's name is next to it.
#[component]
fn ModelImage(model: Model, #[prop(optional)] lazy: bool, alt: String) -> impl IntoView {
    view! {
        <img
            class="model-image"
            src=model.image
            alt=alt
            width=IMAGE_WIDTH.to_string()
            height=IMAGE_HEIGHT.to_string()
            loading=lazy.then_some("lazy")
            decoding="async"
        />
    }
}

/// Engine, power, weight and licence.
#[component]
fn Specs(model: Model) -> impl IntoView {
    view! {
        <dl class="specs">
            <div><dt>"Moteur"</dt><dd>{format!("{}\u{a0}cm³", model.engine_cc)}</dd></div>
            <div><dt>"Puissance"</dt><dd>{format!("{}\u{a0}ch ({}\u{a0}kW)", model.power_hp(), model.power_kw)}</dd></div>
            <div><dt>"Poids"</dt><dd>{format!("{}\u{a0}kg", model.weight_kg)}</dd></div>
            <div><dt>"Permis"</dt><dd>{model.licence.as_str()}</dd></div>
        </dl>
    }
}

/// The uses to filter the range on, each a plain link with its count of models.
#[component]
fn FilterNav(current: RangeFilter, models: Vec<Model>) -> impl IntoView {
    let filters = std::iter::once(RangeFilter::default())
        .chain(Usage::ALL.map(|usage| RangeFilter { usage: Some(usage) }));
    view! {
        <nav class="tabs" aria-label="Filtrer par usage">
            {filters.map(|filter| {
                let count = filter.apply(&models).len();
                let label = filter.usage.map_or("Toutes", Usage::label);
                view! {
                    <a href=filter.path() aria-current=(filter == current).then_some("page")>
                        {label} " " <span class="count">{format!("({count})")}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn ModelCard(model: Model, lazy: bool) -> impl IntoView {
    let path = model.path();
    view! {
        <li class="card model-card">
            <ModelImage model=model.clone() lazy alt=String::new()/>
            <div class="model-card-body">
                <p class="tag">{model.usage.label()}</p>
                <h2><a href=path>{model.name.clone()}</a></h2>
                <p>{model.summary.clone()}</p>
                <Specs model=model.clone()/>
                <p class="price">{format_price(model.price_cents)}</p>
            </div>
        </li>
    }
}

/// `/motos`: the range, filtered by use with `?usage=route|tout-terrain|sport`.
#[component]
pub fn ModelsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| RangeFilter::from_query(query.read().get("usage").as_deref()));
    let models = Resource::new(|| (), |_| list_models());
    view! {
        {move || {
            let filter = filter.get();
            view! { <Seo title=filter.title() description=filter.description() path=filter.path()/> }
        }}
        <div class="page">
            {move || match filter.get().usage {
                None => view! { <Breadcrumbs trail=vec![("Accueil", "/".into())] current="Motos".into()/> },
                Some(usage) => view! {
                    <Breadcrumbs
                        trail=vec![("Accueil", "/".into()), ("Motos", "/motos".into())]
                        current=usage.range_title().into()
                    />
                },
            }}
            <h1>{move || filter.get().title()}</h1>
            <p class="lead">
                "Prix TTC conseillés. Chaque modèle s’essaie sur rendez-vous : essai routier, "
                "essai tout-terrain ou session sur piste selon son usage."
            </p>
            <Suspense fallback=|| view! { <p class="loading">"Chargement de la gamme…"</p> }>
                {move || models.get().map(|result| match result {
                    Ok(models) => {
                        let current = filter.get();
                        let shown = current.apply(&models);
                        view! {
                            <FilterNav current models/>
                            {if shown.is_empty() {
                                view! { <p class="card">"Aucun modèle pour cet usage en ce moment."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="model-grid">
                                        {shown.into_iter().enumerate().map(|(i, model)| view! {
                                            <ModelCard model lazy={i >= 3}/>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorAlert error/> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// `/motos/{slug}`: one model; 404 for an unknown or hidden one.
#[component]
pub fn ModelPage() -> impl IntoView {
    let params = use_params_map();
    let model = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        load_model,
    );
    view! {
        <Suspense fallback=|| view! { <div class="page"><p class="loading">"Chargement…"</p></div> }>
            {move || model.get().map(|result| match result {
                Ok(model) => view! { <ModelDetail model/> }.into_any(),
                Err(error) if error.code == ErrorCode::NotFound => view! { <ModelNotFound/> }.into_any(),
                Err(error) => view! { <div class="page"><ErrorAlert error/></div> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ModelDetail(model: Model) -> impl IntoView {
    let base = site_url();
    let path = model.path();
    let range = RangeFilter {
        usage: Some(model.usage),
    };
    let product = {
        let (base, model) = (base.clone(), model.clone());
        move || jsonld::product(&base, &model)
    };
    let breadcrumbs = {
        let (base, model, path) = (base.clone(), model.clone(), path.clone());
        move || {
            jsonld::breadcrumbs(
                &base,
                &[
                    ("Accueil", "/"),
                    ("Motos", "/motos"),
                    (model.usage.range_title(), &range.path()),
                    (&model.name, &path),
                ],
            )
        }
    };
    // The assistant's entry point: a member page, so a visitor goes through the login
    // page and comes back here. A full page load (rel=external), for the server's guard.
    let book = format!("/espace/assistant?essai={}", model.slug);
    let description = format!(
        "{} : {} Moteur {} cm³, {} ch, {} kg, permis {}. {} TTC, essai sur rendez-vous.",
        model.name,
        model.summary,
        model.engine_cc,
        model.power_hp(),
        model.weight_kg,
        model.licence.as_str(),
        format_price(model.price_cents)
    );
    view! {
        <Seo
            title=format!("{} – {}, permis {}", model.name, model.usage.kind(), model.licence.as_str())
            description
            path=path.clone()
            image=model.image.clone()
            kind="product"
        />
        <JsonLd data=product/>
        <JsonLd data=breadcrumbs/>
        <div class="page">
            <Breadcrumbs
                trail=vec![
                    ("Accueil", "/".into()),
                    ("Motos", "/motos".into()),
                    (model.usage.range_title(), range.path()),
                ]
                current=model.name.clone()
            />
            <article class="model" aria-labelledby="model-title">
                <div class="model-media card">
                    <ModelImage model=model.clone() alt=format!("Illustration de la {}", model.name)/>
                </div>
                <div class="model-body">
                    <p class="tag">{model.usage.label()}</p>
                    <h1 id="model-title">{model.name.clone()}</h1>
                    <p class="lead">{model.summary.clone()}</p>
                    <p class="model-price">
                        <span class="price" data-price-cents=model.price_cents.to_string()>{format_price(model.price_cents)}</span>
                        " TTC"
                    </p>
                    <Specs model=model.clone()/>
                    <div class="model-actions">
                        <a class="button button-primary" href=book rel="external">"Réserver un essai"</a>
                        <p class="field-hint">
                            {model.usage.test_ride()}
                            " sur rendez-vous, avec l’assistant Paddock. Connexion requise."
                        </p>
                    </div>
                </div>
            </article>
            <p class="section-more">
                <a href=range.path()>{format!("Toutes les {}", model.usage.range_title().to_lowercase())}</a>
                " · "
                <a href="/concessions">"Nos concessions"</a>
            </p>
        </div>
    }
}

#[component]
fn ModelNotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Seo
            title="Modèle introuvable"
            description="Ce modèle n’existe pas ou n’est plus au catalogue Paddock."
            path="/motos"
            noindex=true
        />
        <div class="page page-narrow">
            <section class="card error-card">
                <h1>"Modèle introuvable"</h1>
                <p>"Ce modèle n’existe pas ou n’est plus au catalogue."</p>
                <p><a class="button" href="/motos">"Voir toute la gamme"</a></p>
            </section>
        </div>
    }
}

#[component]
fn DealershipCard(dealer: Dealership) -> impl IntoView {
    view! {
        <li class="card dealer" id=dealer.anchor()>
            <h2>{dealer.name.clone()}</h2>
            <address>
                {dealer.street.clone()}<br/>
                {format!("{} {}", dealer.postal_code, dealer.city)}<br/>
                <a href=dealer.phone_href()>{dealer.phone.clone()}</a>
            </address>
            <h3>"Horaires"</h3>
            <ul class="hours">
                {dealer.hours_text().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
        </li>
    }
}

/// `/concessions`: the dealerships, their addresses and opening hours.
#[component]
pub fn DealershipsPage() -> impl IntoView {
    let dealers = Resource::new(|| (), |_| list_dealerships());
    view! {
        <Seo
            title="Nos concessions"
            description="Les concessions Paddock : adresses, téléphones et horaires d’ouverture. Essais, entretien et conseil du lundi au samedi."
            path="/concessions"
        />
        <div class="page">
            <Breadcrumbs trail=vec![("Accueil", "/".into())] current="Concessions".into()/>
            <h1>"Nos concessions"</h1>
            <p class="lead">
                "Essais et entretien sur rendez-vous aux horaires d’ouverture, avec l’assistant de votre espace client. "
                <a href="/motos">"Choisissez une moto à essayer"</a> "."
            </p>
            <Suspense fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || dealers.get().map(|result| match result {
                    Ok(list) => view! {
                        <JsonLd data={
                            let list = list.clone();
                            move || jsonld::auto_dealers(&site_url(), &list)
                        }/>
                        <ul class="card-grid">
                            {list.into_iter().map(|dealer| view! { <DealershipCard dealer/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorAlert error/> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// The fields of a model, empty or filled with `model`; their names are the arguments
/// of the create and update server functions.
#[component]
fn ModelFields(prefix: &'static str, model: Option<Model>) -> impl IntoView {
    let id = move |field: &str| format!("{prefix}-{field}");
    let value = |f: fn(&Model) -> String| model.as_ref().map(f).unwrap_or_default();
    let usage = model.as_ref().map(|m| m.usage);
    let licence = model.as_ref().map(|m| m.licence);
    let text = |field: &'static str,
                label: &'static str,
                current: String,
                max: usize,
                hint: Option<&'static str>| {
        let hint_id = format!("{prefix}-{field}-hint");
        view! {
            <div class="field">
                <label for=id(field)>{label}</label>
                <input
                    id=id(field)
                    name=field
                    type="text"
                    maxlength=max.to_string()
                    value=current
                    required=hint.is_none()
                    aria-describedby=hint.map(|_| hint_id.clone())
                />
                {hint.map(|hint| view! { <p class="field-hint" id=hint_id.clone()>{hint}</p> })}
            </div>
        }
    };
    let number = |field: &'static str,
                  label: &'static str,
                  current: String,
                  (min, max): (i32, i32)| {
        view! {
            <div class="field">
                <label for=id(field)>{label}</label>
                <input id=id(field) name=field type="number" required min=min.to_string() max=max.to_string() value=current/>
            </div>
        }
    };
    view! {
        <div class="form-grid">
            {text("name", "Nom", value(|m| m.name.clone()), super::MAX_NAME_CHARS, None)}
            {text("slug", "Adresse de la page", value(|m| m.slug.clone()), super::MAX_SLUG_CHARS,
                Some("Minuscules, chiffres et tirets : /motos/strada-700. Vide : faite à partir du nom."))}
            <div class="field">
                <label for=id("usage")>"Usage"</label>
                <select id=id("usage") name="usage" required>
                    {Usage::ALL.map(|u| view! {
                        <option value=u.as_str() selected=usage == Some(u)>{format!("{} ({})", u.label(), u.test_ride().to_lowercase())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=id("licence")>"Permis"</label>
                <select id=id("licence") name="licence" required>
                    {Licence::ALL.map(|l| view! {
                        <option value=l.as_str() selected=licence == Some(l)>{l.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            {number("engine_cc", "Cylindrée (cm³)", value(|m| m.engine_cc.to_string()), super::ENGINE_CC)}
            {number("power_kw", "Puissance (kW)", value(|m| m.power_kw.to_string()), super::POWER_KW)}
            {number("weight_kg", "Poids (kg)", value(|m| m.weight_kg.to_string()), super::WEIGHT_KG)}
            <div class="field">
                <label for=id("price")>"Prix TTC (€)"</label>
                <input id=id("price") name="price" type="text" inputmode="decimal" required maxlength="16"
                    value=value(|m| super::schema_price(m.price_cents).replace('.', ","))/>
            </div>
            <div class="field field-wide">
                <label for=id("summary")>"Description courte"</label>
                <textarea id=id("summary") name="summary" required rows="3"
                    minlength=super::MIN_SUMMARY_CHARS.to_string() maxlength=super::MAX_SUMMARY_CHARS.to_string()>
                    {value(|m| m.summary.clone())}
                </textarea>
            </div>
            {text("image", "Image", model.as_ref().map_or_else(|| IMAGE_DIR.to_owned(), |m| m.image.clone()), super::MAX_IMAGE_CHARS, None)}
        </div>
    }
}

/// `/admin/catalogue`: advisors add, edit, hide and show models.
#[component]
pub fn AdminCataloguePage() -> impl IntoView {
    let create = ServerAction::<CreateModel>::new();
    let update = ServerAction::<UpdateModel>::new();
    let visibility = ServerAction::<SetModelHidden>::new();
    let models = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                visibility.version().get(),
            )
        },
        |_| admin_models(),
    );
    let query = use_query_map();
    let editing = move || query.read().get("modele");
    let saved = move || {
        let created = create
            .value()
            .get()
            .and_then(Result::ok)
            .map(|m| format!("« {} » a été ajouté au catalogue.", m.name));
        let updated = update
            .value()
            .get()
            .and_then(Result::ok)
            .map(|m| format!("« {} » a été enregistré.", m.name));
        let shown = visibility.value().get().and_then(Result::ok).map(|m| {
            if m.hidden {
                format!(
                    "« {} » est masqué : il n’apparaît plus sur le site.",
                    m.name
                )
            } else {
                format!("« {} » est de nouveau visible sur le site.", m.name)
            }
        });
        shown.or(updated).or(created)
    };
    view! {
        <Seo title="Catalogue" description="Gérer les modèles de la gamme." path="/admin/catalogue" noindex=true/>
        <div class="page">
            <h1>"Catalogue"</h1>
            <p class="lead">
                "Ajoutez, modifiez, masquez ou réaffichez les modèles de la gamme. "
                "Un modèle masqué disparaît du site public et du plan du site."
            </p>
            <p class="form-success" role="status">{saved}</p>
            {move || visibility.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || models.get().map(|result| match result {
                    Ok(list) => {
                        let edited = editing().and_then(|slug| list.iter().find(|m| m.slug == slug).cloned());
                        view! {
                            <ModelTable models=list visibility/>
                            {match edited {
                                Some(model) => view! { <EditModel model update/> }.into_any(),
                                None => view! { <NewModel create/> }.into_any(),
                            }}
                        }.into_any()
                    }
                    Err(error) if error.code == ErrorCode::Forbidden => view! {
                        <section class="card error-card">
                            <h2>"Accès refusé"</h2>
                            <p>{error.message}</p>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorAlert error/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn ModelTable(models: Vec<Model>, visibility: ServerAction<SetModelHidden>) -> impl IntoView {
    view! {
        <section class="card section" aria-labelledby="models-title">
            <h2 id="models-title">{format!("Modèles ({})", models.len())}</h2>
            // Scrolls sideways on phones: reachable and named for keyboard users.
            <div class="table-scroll" role="region" aria-labelledby="models-title" tabindex="0">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Modèle"</th>
                            <th scope="col">"Usage"</th>
                            <th scope="col">"Prix"</th>
                            <th scope="col">"État"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {models.into_iter().map(|model| {
                            let toggle = if model.hidden { "Afficher" } else { "Masquer" };
                            view! {
                                <tr class:hidden-model=model.hidden>
                                    <th scope="row">
                                        {if model.hidden {
                                            view! { <span>{model.name.clone()}</span> }.into_any()
                                        } else {
                                            view! { <a href=model.path()>{model.name.clone()}</a> }.into_any()
                                        }}
                                    </th>
                                    <td>{model.usage.label()}</td>
                                    <td>{format_price(model.price_cents)}</td>
                                    <td>{if model.hidden { "Masqué" } else { "Visible" }}</td>
                                    <td class="row-actions">
                                        <a href=format!("/admin/catalogue?modele={}", model.slug)
                                            aria-label=format!("Modifier {}", model.name)>"Modifier"</a>
                                        <ActionForm action=visibility attr:class="form-inline">
                                            <input type="hidden" name="id" value=model.id.to_string()/>
                                            <input type="hidden" name="hidden" value=(!model.hidden).to_string()/>
                                            <button type="submit" class="button"
                                                aria-label=format!("{toggle} {}", model.name)>{toggle}</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn NewModel(create: ServerAction<CreateModel>) -> impl IntoView {
    view! {
        <section class="card section" aria-labelledby="new-model-title">
            <h2 id="new-model-title">"Nouveau modèle"</h2>
            <ActionForm action=create attr:class="form">
                <ModelFields prefix="new-model" model=None/>
                {move || create.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
                <p><button type="submit" class="button button-primary">"Ajouter au catalogue"</button></p>
            </ActionForm>
        </section>
    }
}

#[component]
fn EditModel(model: Model, update: ServerAction<UpdateModel>) -> impl IntoView {
    let title = format!("Modifier {}", model.name);
    view! {
        <section class="card section" aria-labelledby="edit-model-title">
            <h2 id="edit-model-title">{title}</h2>
            <ActionForm action=update attr:class="form">
                <input type="hidden" name="id" value=model.id.to_string()/>
                <ModelFields prefix="edit-model" model=Some(model)/>
                {move || update.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
                <p class="form-actions">
                    <button type="submit" class="button button-primary">"Enregistrer"</button>
                    <a href="/admin/catalogue">"Fermer"</a>
                </p>
            </ActionForm>
        </section>
    }
}
