//! The assistant page, the customer's appointments and the advisors' agenda.

use super::{
    api::{
        load_agenda, load_conversation, my_appointments, start_test_ride, CancelAppointment,
        SendAnswer,
    },
    format_slot, BotView, Calendar,
};
use crate::ui::{ErrorAlert, Seo};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/espace/assistant`; with `?essai=<slug>` (« Réserver un essai » on a model's page),
/// the conversation starts on that model's test ride.
#[component]
pub fn AssistantPage() -> impl IntoView {
    let query = use_query_map();
    let initial = Resource::new(
        move || query.read().get("essai"),
        |test_ride| async move {
            // A refused test ride (unknown model…) is said above the conversation.
            let refused = match test_ride {
                Some(slug) => match start_test_ride(slug).await {
                    Ok(conversation) => return (None, Ok(conversation)),
                    Err(error) => Some(error),
                },
                None => None,
            };
            (refused, load_conversation().await)
        },
    );
    let send = ServerAction::<SendAnswer>::new();
    view! {
        <Seo title="Assistant entretien" description="L’assistant Paddock vérifie l’entretien de votre moto et réserve vos rendez-vous." path="/espace/assistant" noindex=true/>
        <div class="page page-narrow">
            <h1>"Assistant entretien"</h1>
            <p class="lead">"Entretien, essais, coordonnées : répondez aux questions ou touchez une proposition."</p>
            <Transition fallback=|| view! { <p class="loading">"Chargement de la conversation…"</p> }>
                {move || {
                    let latest = send.value().get().and_then(Result::ok);
                    let (refused, loaded) = match initial.get() {
                        // Once the customer answers, the refusal is history.
                        Some((refused, loaded)) => (refused.filter(|_| latest.is_none()), Some(loaded)),
                        None => (None, None),
                    };
                    match latest.map(Ok).or(loaded) {
                        Some(Ok(conversation)) => view! {
                            {refused.map(|error| view! { <ErrorAlert error/> })}
                            <Conversation conversation send/>
                        }.into_any(),
                        Some(Err(err)) => view! { <ErrorAlert error=err/> }.into_any(),
                        None => ().into_any(),
                    }
                }}
            </Transition>
            {move || {
                send.value()
                    .get()
                    .and_then(Result::err)
                    .map(|err| view! { <ErrorAlert error=err/> })
            }}
        </div>
    }
}

#[component]
fn Conversation(conversation: BotView, send: ServerAction<SendAnswer>) -> impl IntoView {
    let log = NodeRef::<leptos::html::Div>::new();
    let input = NodeRef::<leptos::html::Input>::new();
    // Keep the newest line in view and clear the field after each answer.
    Effect::new(move |_| {
        send.version().track();
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
        if let Some(input) = input.get() {
            input.set_value("");
        }
    });
    let BotView {
        lines,
        quick_replies,
        input_hint,
    } = conversation;
    view! {
        <section class="card bot" aria-label="Conversation avec l’assistant">
            // The live log wraps the list (a list keeps its role, its items their list);
            // it scrolls, so it takes the focus for keyboard users.
            <div class="bot-log" role="log" aria-live="polite" aria-label="Conversation" tabindex="0" node_ref=log>
                <ol class="bot-lines">
                {lines.into_iter().map(|line| {
                    let (class, who) = if line.from_bot { ("bot-line from-bot", "Assistant") } else { ("bot-line from-me", "Vous") };
                    view! {
                        <li class=class>
                            <span class="visually-hidden">{who} " : "</span>
                            {line.text}
                        </li>
                    }
                }).collect_view()}
                </ol>
            </div>
            <div class="quick-replies" role="group" aria-label="Réponses proposées">
                {quick_replies.into_iter().map(|choice| view! {
                    <ActionForm action=send attr:class="quick-reply-form">
                        <input type="hidden" name="text" value=choice.value/>
                        <button type="submit" class="button quick-reply" disabled=move || send.pending().get()>{choice.label}</button>
                    </ActionForm>
                }).collect_view()}
            </div>
            <ActionForm action=send attr:class="bot-input">
                <label for="bot-answer" class="visually-hidden">"Votre réponse"</label>
                <input id="bot-answer" name="text" type="text" required maxlength=super::MAX_ANSWER_CHARS.to_string() autocomplete="off" placeholder=input_hint node_ref=input/>
                <button type="submit" class="button button-primary" disabled=move || send.pending().get()>"Envoyer"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AppointmentsPage() -> impl IntoView {
    let cancel = ServerAction::<CancelAppointment>::new();
    let appointments = Resource::new(move || cancel.version().get(), |_| my_appointments());
    view! {
        <Seo title="Mes rendez-vous" description="Vos rendez-vous d’atelier et d’essai chez Paddock." path="/espace/rendez-vous" noindex=true/>
        <div class="page page-narrow">
            <h1>"Mes rendez-vous"</h1>
            {move || cancel.value().get().and_then(Result::err).map(|err| view! { <ErrorAlert error=err/> })}
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || appointments.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! {
                        <section class="card">
                            <p>"Aucun rendez-vous à venir."</p>
                            <p><a class="button button-primary" href="/espace/assistant">"Prendre rendez-vous avec l’assistant"</a></p>
                        </section>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="appointment-list">
                            {list.into_iter().map(|appointment| view! {
                                <li class="card appointment">
                                    <div>
                                        <p class="tag">{appointment.calendar.label()}</p>
                                        <p class="appointment-when">{format_slot(appointment.starts_at)}</p>
                                    </div>
                                    <ActionForm action=cancel>
                                        <input type="hidden" name="id" value=appointment.id.to_string()/>
                                        <button type="submit" class="button button-ghost"
                                            aria-label=format!("Annuler le rendez-vous du {}", format_slot(appointment.starts_at))>
                                            "Annuler"
                                        </button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <ErrorAlert error=err/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
pub fn AgendaPage() -> impl IntoView {
    let query = use_query_map();
    let agenda = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("calendrier")
                    .unwrap_or_else(|| Calendar::Maintenance.as_str().into()),
                q.get("semaine"),
            )
        },
        |(calendar, week)| load_agenda(calendar, week),
    );
    view! {
        <Seo title="Agenda des rendez-vous" description="Agenda des calendriers d’atelier et d’essais." path="/admin/agenda" noindex=true/>
        <div class="page">
            <h1>"Agenda des rendez-vous"</h1>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || agenda.get().map(|result| match result {
                    Ok(agenda) => {
                        let current = agenda.calendar;
                        let week = agenda.week_start.clone();
                        view! {
                            <nav class="tabs" aria-label="Calendriers">
                                {Calendar::ALL.into_iter().map(|calendar| view! {
                                    <a href=format!("/admin/agenda?calendrier={}&semaine={}", calendar.as_str(), week)
                                        aria-current=(calendar == current).then_some("page")>
                                        {calendar.label()}
                                    </a>
                                }).collect_view()}
                            </nav>
                            <div class="week-nav">
                                <a href=format!("/admin/agenda?calendrier={}&semaine={}", current.as_str(), agenda.previous_week)>"← Semaine précédente"</a>
                                <h2 id="week-title">"Semaine du " {agenda.week_start.clone()}</h2>
                                <a href=format!("/admin/agenda?calendrier={}&semaine={}", current.as_str(), agenda.next_week)>"Semaine suivante →"</a>
                            </div>
                            {if agenda.appointments.is_empty() {
                                view! { <p class="card">"Aucun rendez-vous cette semaine."</p> }.into_any()
                            } else {
                                view! {
                                    // Scrolls sideways on phones: reachable and named for keyboard users.
                                    <div class="card table-scroll" role="region" aria-labelledby="week-title" tabindex="0">
                                        <table class="table">
                                            <thead><tr><th scope="col">"Créneau"</th><th scope="col">"Client"</th></tr></thead>
                                            <tbody>
                                                {agenda.appointments.into_iter().map(|a| view! {
                                                    <tr><td>{format_slot(a.starts_at)}</td><td>{a.customer.unwrap_or_default()}</td></tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorAlert error=err/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}
