//! The customers' « Parler à un conseiller » page, the advisors' desk on the admin
//! dashboard (availability, queue, conversations) and the conversation archive.

use super::client::SupportClient;
use super::{
    advisors_label,
    api::{
        advisor_ratings, available_colleagues, canned_responses, customer_context, support_history,
        support_transcript, DeleteCannedResponse, RateConversation, SaveCannedResponse,
        SearchTranscripts,
    },
    average_label, excerpt_parts, expiry_label, position_label, waiting_label, QueuedRequest,
    Rating, SupportConversation,
};
use crate::{
    auth::context::use_auth,
    chat::{
        components::{ChannelView, ChatNotice, ConnectionBadge, UnreadBadge},
        state::Connection,
    },
    ui::{day_of, every, reopening_label, ErrorAlert, Seo},
};
use leptos::prelude::*;
use uuid::Uuid;

/// Milliseconds since the epoch of an RFC 3339 date (0 if unreadable).
fn millis_of(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|d| d.timestamp_millis())
        .unwrap_or(0)
}

/// Outside opening hours, when advisors are back: « demain à 9 h ».
fn reopening(
    desk: RwSignal<super::state::SupportState>,
    now: RwSignal<i64>,
) -> Memo<Option<String>> {
    Memo::new(move |_| {
        let now = chrono::DateTime::from_timestamp_millis(now.get())?;
        desk.with(|s| {
            s.closed_until
                .as_deref()
                .and_then(|at| reopening_label(at, now))
        })
    })
}

/// The current time in milliseconds, refreshed every 15 seconds in the browser so that
/// waiting times move on their own.
fn ticking_now() -> RwSignal<i64> {
    let now = RwSignal::new(chrono::Utc::now().timestamp_millis());
    every(std::time::Duration::from_secs(15), move || {
        now.set(chrono::Utc::now().timestamp_millis())
    });
    now
}

/// The customers' page: live advisor count, request with topic, position in the
/// queue, cancel, the conversation once accepted, and past conversations.
#[component]
pub fn AdvisorChatPage() -> impl IntoView {
    let support = SupportClient::start();
    let client = support.chat;
    let state = client.state;
    let desk = support.state;
    let topic = RwSignal::new(String::new());
    let available = Memo::new(move |_| desk.with(|s| s.available_advisors));
    let loaded = Memo::new(move |_| desk.with(|s| s.loaded));
    let connected = Memo::new(move |_| state.with(|s| s.connection == Connection::Connected));
    let current = Memo::new(move |_| {
        desk.with(|s| s.current_conversation().map(|c| (c.channel_id, c.ended)))
    });
    let waiting = Memo::new(move |_| desk.with(|s| s.waiting.clone()));
    let refused = Memo::new(move |_| desk.with(|s| s.refused.clone()));
    let expired = Memo::new(move |_| desk.with(|s| s.expired));
    let may_request = Memo::new(move |_| desk.with(|s| s.may_request()));
    let now = ticking_now();
    let back_at = reopening(desk, now);
    // The archive reloads when a conversation opens or ends.
    let archive_version = Signal::derive(move || {
        desk.with(|s| {
            s.conversations.len() * 2 + s.conversations.values().filter(|c| c.ended).count()
        })
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        ask_notification_permission();
        support.request_advisor(topic.get_untracked());
    };
    view! {
        <Seo title="Parler à un conseiller" description="Discutez en direct avec un conseiller commercial Paddock." path="/espace/conseiller" noindex=true/>
        <div class="page chat-page">
            <div class="chat-heading">
                <h1>"Parler à un conseiller"</h1>
                <ConnectionBadge state/>
            </div>
            <p class="advisor-count" role="status" class:none=move || available.get() == 0 || back_at.with(Option::is_some)>
                {move || match (loaded.get(), back_at.get()) {
                    (false, _) => "Recherche des conseillers disponibles…".into(),
                    (true, Some(back_at)) => format!("Fermé : nos conseillers sont de retour {back_at}"),
                    (true, None) => advisors_label(available.get() as usize),
                }}
            </p>
            <ChatNotice state/>
            {move || match (current.get(), waiting.get()) {
                (Some((channel, ended)), _) => view! {
                    <HandoverNote desk channel on_desk=false/>
                    <ChannelView client channel/>
                    {ended.then(|| view! {
                        {desk.with_untracked(|s| s.conversations.get(&channel).is_some_and(|c| c.rating.is_none()))
                            .then(|| view! { <RatingForm channel/> })}
                        <p>
                            <button type="button" class="button" on:click=move |_| desk.update(|s| s.opened = None)>
                                "Nouvelle demande"
                            </button>
                        </p>
                    })}
                }.into_any(),
                (None, Some(request)) => view! {
                    <section class="card section waiting-card" aria-labelledby="waiting-title">
                        <h2 id="waiting-title">"Votre demande est en attente"</h2>
                        {request.topic.clone().map(|topic| view! { <p>"Sujet : " {topic}</p> })}
                        <p class="queue-position" role="status">{position_label(request.position)}</p>
                        {
                            let expires = millis_of(&request.expires_at);
                            view! {
                                <p class="field-hint request-expiry">
                                    {move || format!(
                                        "Sans réponse, votre demande expirera {} ; vous pourrez alors en refaire une.",
                                        expiry_label((expires - now.get()) / 1000),
                                    )}
                                </p>
                            }
                        }
                        {move || match back_at.get() {
                            Some(back_at) => Some(view! {
                                <p class="info-banner opening-wait" role="status">
                                    {if available.get() == 0 {
                                        format!("Votre demande attend l’ouverture : nos conseillers sont de retour {back_at}. Vous serez prévenu dès que l’un d’eux la prendra.")
                                    } else {
                                        format!("Hors des heures d’ouverture, un conseiller est tout de même en ligne et peut prendre votre demande ; sinon, elle attend l’ouverture, {back_at}.")
                                    }}
                                </p>
                            }.into_any()),
                            None if available.get() == 0 => Some(view! {
                                <p class="closed-banner" role="alert">
                                    "Plus aucun conseiller n’est disponible pour le moment. Votre demande garde sa place dans la file : elle sera traitée dès le retour d’un conseiller. Vous pouvez aussi l’annuler."
                                </p>
                            }.into_any()),
                            None => None,
                        }}
                        <button type="button" class="button button-ghost" on:click=move |_| support.cancel_request()>
                            "Annuler ma demande"
                        </button>
                    </section>
                }.into_any(),
                (None, None) => view! {
                    <section class="card section" aria-labelledby="request-title">
                        <h2 id="request-title">"Une question sur un modèle, un achat, une reprise ?"</h2>
                        <Show when=move || expired.get()>
                            <div class="closed-banner" role="alert">
                                <p>"Votre demande a expiré : aucun conseiller n’a pu la prendre à temps. Vous pouvez en faire une nouvelle."</p>
                            </div>
                        </Show>
                        {move || refused.get().map(|reason| view! {
                            <div class="closed-banner" role="alert">
                                <p>"Votre demande a été refusée par le conseiller."</p>
                                {reason.map(|reason| view! { <p class="refusal-reason">"Motif : " {reason}</p> })}
                            </div>
                        })}
                        <form class="form" on:submit=submit>
                            <div class="field">
                                <label for="advisor-topic">"Sujet (facultatif)"</label>
                                <input id="advisor-topic" type="text" maxlength=super::MAX_TOPIC_CHARS.to_string() autocomplete="off"
                                    placeholder="Ex. : essai du trail 700, reprise de ma moto"
                                    prop:value=move || topic.get()
                                    on:input=move |e| topic.set(event_target_value(&e))/>
                            </div>
                            <button type="submit" class="button button-primary"
                                aria-describedby="advisor-help"
                                disabled=move || !may_request.get() || !connected.get()>
                                "Parler à un conseiller"
                            </button>
                            <p id="advisor-help" class="field-hint">
                                {move || if let Some(back_at) = back_at.get() {
                                    if available.get() == 0 {
                                        format!(
                                            "Nos conseillers sont de retour {back_at}. Laissez votre demande dès maintenant : elle attendra l’ouverture dans la file, et vous serez prévenu dès qu’un conseiller la prendra."
                                        ).into_any()
                                    } else {
                                        format!(
                                            "Hors des heures d’ouverture, un conseiller est tout de même en ligne : il peut prendre votre demande dès maintenant ; sinon, elle attendra l’ouverture, {back_at}."
                                        ).into_any()
                                    }
                                } else if available.get() == 0 {
                                    view! {
                                        "Aucun conseiller n’est disponible pour le moment : la demande sera possible dès qu’un conseiller se connectera. En attendant, "
                                        <a href="/espace/assistant">"l’assistant d’entretien"</a>
                                        " peut vous proposer un rendez-vous."
                                    }.into_any()
                                } else {
                                    "Un conseiller vous répond en direct ; vous voyez votre place dans la file en attendant.".into_any()
                                }}
                            </p>
                        </form>
                    </section>
                }.into_any(),
            }}
            <ConversationArchive title="Mes conversations passées" version=archive_version/>
        </div>
    }
}

/// Who handed the conversation over, with their note (on the desk), or who took it
/// over (on the customer's page).
#[component]
fn HandoverNote(
    desk: RwSignal<super::state::SupportState>,
    channel: Uuid,
    on_desk: bool,
) -> impl IntoView {
    let handover = Memo::new(move |_| desk.with(|s| s.handovers.get(&channel).cloned()));
    move || {
        handover.get().map(|handover| {
            let text = if on_desk {
                match &handover.note {
                    Some(note) => format!("Transmise par {} : « {note} »", handover.from_name),
                    None => format!("Transmise par {}.", handover.from_name),
                }
            } else {
                format!(
                    "{} a repris la conversation (transmise par {}).",
                    handover.to_name, handover.from_name
                )
            };
            view! { <p class="handover-note" role="status">{text}</p> }
        })
    }
}

/// Hands the conversation to another available advisor, with a note for them.
#[component]
fn TransferForm(support: SupportClient, channel: Uuid) -> impl IntoView {
    let opened = RwSignal::new(false);
    let colleagues = Resource::new(
        move || opened.get(),
        |opened| async move {
            if opened {
                available_colleagues().await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let chosen = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Ok(advisor) = chosen.get_untracked().parse::<Uuid>() {
            support.transfer(channel, advisor, note.get_untracked());
        }
    };
    view! {
        <details class="transfer" on:toggle=move |_| opened.set(true)>
            <summary class="button button-ghost">"Transférer la conversation"</summary>
            <form class="form" on:submit=submit>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || colleagues.get().map(|result| match result {
                        Ok(list) if list.is_empty() => view! {
                            <p class="field-hint">"Aucun autre conseiller n’est disponible pour le moment."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <div class="field">
                                <label for="transfer-to">"Conseiller"</label>
                                <select id="transfer-to" required=true on:change=move |e| chosen.set(event_target_value(&e))>
                                    <option value="">"Choisir…"</option>
                                    {list.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                                </select>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorAlert error/> }.into_any(),
                    })}
                </Transition>
                <div class="field">
                    <label for="transfer-note">"Note pour le conseiller (facultatif)"</label>
                    <input id="transfer-note" type="text" maxlength=super::MAX_REASON_CHARS.to_string()
                        prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e))/>
                </div>
                <button type="submit" class="button button-primary">"Transférer"</button>
            </form>
        </details>
    }
}

/// Asked once, with the customer's request (a click): the answer may come while they
/// are in another tab.
fn ask_notification_permission() {
    #[cfg(feature = "hydrate")]
    if web_sys::Notification::permission() == web_sys::NotificationPermission::Default {
        let _ = web_sys::Notification::request_permission();
    }
}

/// The advisor's desk, on the admin dashboard.
#[component]
pub fn SupportDesk() -> impl IntoView {
    let support = SupportClient::start();
    let client = support.chat;
    let state = client.state;
    let desk = support.state;
    let now = ticking_now();
    let back_at = reopening(desk, now);
    let available = Memo::new(move |_| support.is_available());
    let connected = Memo::new(move |_| state.with(|s| s.connection == Connection::Connected));
    let queue = Memo::new(move |_| desk.with(|s| s.queue.clone()));
    let conversations = Memo::new(move |_| desk.with(|s| s.open_conversations()));
    let selected = RwSignal::new(None::<Uuid>);
    // The canned responses, offered by « / » in the composer.
    let canned = Resource::new(|| (), |_| canned_responses());
    let snippets = Signal::derive(move || {
        canned
            .get()
            .and_then(Result::ok)
            .map(|list| list.into_iter().map(crate::chat::Snippet::from).collect())
            .unwrap_or_default()
    });
    // The conversation on screen is read as messages come; the others count unread ones.
    Effect::new(move |_| client.view(selected.get()));
    // New requests alert an available advisor, even with the tab in the background.
    Effect::new(move |_| {
        queue.track();
        let arrivals = desk
            .try_update_untracked(|s| s.take_arrivals())
            .unwrap_or_default();
        if !arrivals.is_empty() && untrack(|| support.is_available()) {
            alert_advisor(&arrivals);
        }
    });
    // A conversation handed to a colleague leaves the screen.
    Effect::new(move |_| {
        if let Some(channel) = selected.get() {
            if !desk.with(|s| s.conversations.contains_key(&channel)) {
                selected.set(None);
            }
        }
    });
    // A conversation this advisor just accepted comes on screen.
    Effect::new(move |_| {
        if let Some(channel) = desk.with(|s| s.opened) {
            desk.update(|s| s.opened = None);
            selected.set(Some(channel));
        }
    });
    view! {
        <section class="card section support-desk" aria-labelledby="desk-title">
            <div class="chat-heading">
                <h2 id="desk-title">"Chat conseiller"</h2>
                <ConnectionBadge state/>
            </div>
            <ChatNotice state/>
            <div class="desk-switches">
                <label class="switch">
                    // Usable once the queue has said whether this advisor is available.
                    <input type="checkbox" role="switch" id="advisor-available"
                        prop:checked=move || available.get()
                        disabled=move || !connected.get() || !desk.with(|s| s.loaded)
                        on:change=move |e| {
                            let available = event_target_checked(&e);
                            if available {
                                prepare_alerts();
                            }
                            support.set_available(available);
                        }/>
                    <span>{move || if available.get() { "Disponible pour le chat" } else { "Indisponible pour le chat" }}</span>
                </label>
                <AlertSwitch/>
            </div>
            <p class="field-hint">
                "Vous restez disponible tant qu’une page Paddock est ouverte ; 30 secondes après la fermeture de la dernière, vous passez indisponible."
            </p>
            {move || back_at.get().map(|back_at| view! {
                <p class="info-banner desk-closed" role="status">
                    {format!("Hors des heures d’ouverture : les clients sont prévenus que vous êtes de retour {back_at}, et leurs demandes attendent l’ouverture. Vous pouvez les prendre dès maintenant.")}
                </p>
            })}
            <h3 id="queue-title">{move || format!("File d’attente ({})", queue.with(Vec::len))}</h3>
            <Show when=move || queue.with(Vec::is_empty)>
                <p class="field-hint">"Aucune demande en attente."</p>
            </Show>
            <ol class="support-queue" aria-labelledby="queue-title">
                <For each=move || queue.get() key=|request| request.id let:request>
                    <QueueEntry support request now/>
                </For>
            </ol>
            <h3 id="open-title">"Mes conversations en cours"</h3>
            <Show when=move || conversations.with(Vec::is_empty)>
                <p class="field-hint">"Aucune conversation en cours."</p>
            </Show>
            <ul class="open-conversations" aria-labelledby="open-title">
                <For each=move || conversations.get() key=|c| c.channel_id let:conversation>
                    {
                        let channel = conversation.channel_id;
                        let label = conversation_label(&conversation);
                        view! {
                            <li class="room-item" class:selected=move || selected.get() == Some(channel)>
                                <p class="room-name">{label.clone()} <UnreadBadge state channel/></p>
                                <button type="button" class="button"
                                    aria-label=format!("Ouvrir la conversation avec {}", conversation.customer_name)
                                    on:click=move |_| selected.set(Some(channel))>"Ouvrir"</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || selected.get().map(|channel| view! {
                <HandoverNote desk channel on_desk=true/>
                <div class="desk-conversation">
                    <ChannelView client channel snippets/>
                    <CustomerPanel channel/>
                </div>
                <TransferForm support channel/>
            })}
            <AdvisorRatings/>
            <p><a href="/admin/conversations">"Historique et recherche des conversations"</a></p>
        </section>
    }
}

/// « 12/11/2026 · Julie Petit et Claire Martin · Reprise », in the archive and the
/// search results.
fn archive_label(conversation: &SupportConversation) -> String {
    format!(
        "{} · {} et {}{}",
        day_of(&conversation.started_at),
        conversation.customer_name,
        conversation.advisor_name,
        conversation
            .topic
            .as_ref()
            .map(|t| format!(" · {t}"))
            .unwrap_or_default(),
    )
}

fn conversation_label(conversation: &SupportConversation) -> String {
    match &conversation.topic {
        Some(topic) => format!("{} — {topic}", conversation.customer_name),
        None => conversation.customer_name.clone(),
    }
}

/// One pending request: who, about what, for how long; accept, or refuse with a reason.
#[component]
fn QueueEntry(support: SupportClient, request: QueuedRequest, now: RwSignal<i64>) -> impl IntoView {
    let requested = millis_of(&request.requested_at);
    let expires = millis_of(&request.expires_at);
    let reason = RwSignal::new(String::new());
    let id = request.id;
    let name = request.customer_name.clone();
    let reason_id = format!("reason-{id}");
    view! {
        <li class="queue-entry">
            <div>
                <p class="room-name">{request.customer_name.clone()}</p>
                <p class="field-hint">
                    {request.topic.clone().unwrap_or_else(|| "Sans sujet".into())}
                    " · en attente depuis "
                    {move || waiting_label((now.get() - requested) / 1000)}
                    " · expire "
                    {move || expiry_label((expires - now.get()) / 1000)}
                </p>
            </div>
            <div class="queue-actions">
                <button type="button" class="button button-primary"
                    aria-label=format!("Accepter la demande de {name}")
                    on:click=move |_| support.accept_request(id)>"Accepter"</button>
                <details class="refuse">
                    <summary class="button button-ghost">"Refuser"</summary>
                    <form class="form-inline" on:submit=move |event: leptos::ev::SubmitEvent| {
                        event.prevent_default();
                        support.refuse_request(id, reason.get_untracked());
                    }>
                        <label for=reason_id.clone()>"Motif (facultatif, visible du client)"</label>
                        <input id=reason_id type="text" maxlength=super::MAX_REASON_CHARS.to_string()
                            prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e))/>
                        <button type="submit" class="button button-danger">"Confirmer le refus"</button>
                    </form>
                </details>
            </div>
        </li>
    }
}

/// Where an advisor keeps the choice of being alerted (sound and browser notification).
#[cfg(feature = "hydrate")]
const ALERTS_KEY: &str = "paddock.advisor-alerts";

#[cfg(feature = "hydrate")]
fn alerts_enabled() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item(ALERTS_KEY).ok().flatten())
        .is_none_or(|value| value != "off")
}

/// The switch for alerts on new requests; turning it on asks for the browser's
/// permission to show notifications.
#[component]
fn AlertSwitch() -> impl IntoView {
    let enabled = RwSignal::new(true);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| enabled.set(alerts_enabled()));
    let toggle = move |on: bool| {
        enabled.set(on);
        #[cfg(feature = "hydrate")]
        {
            if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten())
            {
                let _ = storage.set_item(ALERTS_KEY, if on { "on" } else { "off" });
            }
            if on && web_sys::Notification::permission() == web_sys::NotificationPermission::Default
            {
                let _ = web_sys::Notification::request_permission();
            }
        }
    };
    view! {
        <label class="switch">
            <input type="checkbox" role="switch" id="advisor-alerts"
                prop:checked=move || enabled.get()
                on:change=move |e| toggle(event_target_checked(&e))/>
            <span>"Alerte sonore et notification à chaque nouvelle demande"</span>
        </label>
    }
}

/// Readies alerts while the advisor is clicking (browsers allow sound and the
/// notification prompt only after a user gesture): asks for the permission to notify and
/// opens the audio context, when alerts are on.
fn prepare_alerts() {
    #[cfg(feature = "hydrate")]
    {
        if !alerts_enabled() {
            return;
        }
        if web_sys::Notification::permission() == web_sys::NotificationPermission::Default {
            let _ = web_sys::Notification::request_permission();
        }
        with_audio(|context| {
            let _ = context.resume();
        });
    }
}

/// Alerts an available advisor of new requests, even with the tab in the background:
/// a short chime and, when the browser allows it, a system notification.
pub fn alert_advisor(arrivals: &[QueuedRequest]) {
    #[cfg(feature = "hydrate")]
    {
        if !alerts_enabled() {
            return;
        }
        chime();
        if let Some(first) = arrivals.first() {
            if web_sys::Notification::permission() == web_sys::NotificationPermission::Granted {
                let options = web_sys::NotificationOptions::new();
                options.set_body(&conversation_topic(first));
                options.set_tag("paddock-support-queue");
                let _ =
                    web_sys::Notification::new_with_options("Nouvelle demande de chat", &options);
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = arrivals;
}

#[cfg(feature = "hydrate")]
fn conversation_topic(request: &QueuedRequest) -> String {
    match &request.topic {
        Some(topic) => format!("{} : {topic}", request.customer_name),
        None => request.customer_name.clone(),
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// One audio context for the page: browsers limit how many may exist.
    static AUDIO: std::cell::RefCell<Option<web_sys::AudioContext>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with the page's audio context, created on first use.
#[cfg(feature = "hydrate")]
fn with_audio(f: impl FnOnce(&web_sys::AudioContext)) {
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = web_sys::AudioContext::new().ok();
        }
        if let Some(context) = audio.as_ref() {
            f(context);
        }
    });
}

/// Two short notes, synthesised: no sound file to download.
#[cfg(feature = "hydrate")]
fn chime() {
    with_audio(|context| {
        let start = context.current_time();
        for (offset, frequency) in [(0.0, 880.0), (0.18, 1320.0)] {
            let played = (|| -> Result<(), wasm_bindgen::JsValue> {
                let oscillator = context.create_oscillator()?;
                let gain = context.create_gain()?;
                oscillator.frequency().set_value(frequency);
                let at = start + offset;
                gain.gain().set_value_at_time(0.0001, at)?;
                gain.gain()
                    .exponential_ramp_to_value_at_time(0.25, at + 0.02)?;
                gain.gain()
                    .exponential_ramp_to_value_at_time(0.0001, at + 0.3)?;
                oscillator.connect_with_audio_node(&gain)?;
                gain.connect_with_audio_node(&context.destination())?;
                oscillator.start_with_when(at)?;
                oscillator.stop_with_when(at + 0.32)?;
                Ok(())
            })();
            if played.is_err() {
                return;
            }
        }
    });
}

/// Past and current advisor conversations, each readable in full.
#[component]
pub fn ConversationArchive(
    title: &'static str,
    #[prop(into)] version: Signal<usize>,
) -> impl IntoView {
    let history = Resource::new(move || version.get(), |_| support_history());
    let reading = RwSignal::new(None::<Uuid>);
    let transcript = Resource::new(
        move || reading.get(),
        |channel| async move {
            match channel {
                Some(channel) => Some(support_transcript(channel).await),
                None => None,
            }
        },
    );
    view! {
        <section class="card section archive" aria-labelledby="archive-title">
            <h2 id="archive-title">{title}</h2>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || history.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p class="field-hint">"Aucune conversation pour le moment."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="archive-list">
                            {list.into_iter().map(|conversation| {
                                let channel = conversation.channel_id;
                                let label = archive_label(&conversation);
                                view! {
                                    <li class="room-item" class:selected=move || reading.get() == Some(channel)>
                                        <p class="room-name">{label}</p>
                                        <span class="badge">{if conversation.ended { "Terminée" } else { "En cours" }}</span>
                                        <button type="button" class="button" on:click=move |_| reading.set(Some(channel))>"Lire"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorAlert error/> }.into_any(),
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || transcript.get().flatten().map(|result| match result {
                    Ok(transcript) => view! {
                        <h3>{format!("Conversation du {}", day_of(&transcript.conversation.started_at))}</h3>
                        <TranscriptRating conversation=transcript.conversation.clone()/>
                        <ol class="messages transcript" aria-label="Transcription">
                            {transcript.messages.into_iter().map(|message| view! {
                                <li class="message" class:mine=message.author_id == transcript.conversation.customer_id>
                                    <span class="message-author">{message.author_name}</span>
                                    <span class="message-body">{message.body}</span>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(error) => view! { <ErrorAlert error/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// « Note du client : 4/5 », with the comment, or the form to rate for a customer who
/// has not yet rated their ended conversation.
#[component]
fn TranscriptRating(conversation: SupportConversation) -> impl IntoView {
    let me = use_auth()
        .user
        .get_untracked()
        .and_then(Result::ok)
        .flatten();
    let is_customer = me.is_some_and(|user| user.id == conversation.customer_id);
    match conversation.rating {
        Some(rating) => view! { <RatingSummary rating/> }.into_any(),
        None if is_customer && conversation.ended => {
            view! { <RatingForm channel=conversation.channel_id/> }.into_any()
        }
        None => ().into_any(),
    }
}

#[component]
fn RatingSummary(rating: Rating) -> impl IntoView {
    view! {
        <p class="rating-summary">
            {format!("Note du client : {}/5", rating.score)}
            {rating.comment.map(|comment| view! { <span class="rating-comment">" — « " {comment} " »"</span> })}
        </p>
    }
}

/// The customer's rating of an ended conversation: 1 to 5 and an optional comment.
/// A plain form: it works before the page has hydrated.
#[component]
fn RatingForm(channel: Uuid) -> impl IntoView {
    let rate = ServerAction::<RateConversation>::new();
    let done = move || rate.value().with(|v| matches!(v, Some(Ok(()))));
    view! {
        <section class="card section rating-card" aria-labelledby=format!("rating-{channel}")>
            <Show when=done fallback=move || view! {
                <ActionForm action=rate attr:class="form">
                    <input type="hidden" name="channel_id" value=channel.to_string()/>
                    <fieldset class="rating-scale">
                        <legend id=format!("rating-{channel}")>"Comment s’est passée cette conversation ?"</legend>
                        {(1..=5u8).map(|score| {
                            let id = format!("rating-{channel}-{score}");
                            view! {
                                <span class="rating-choice">
                                    <input type="radio" name="score" id=id.clone() value=score.to_string() required=true/>
                                    <label for=id>{format!("{score} sur 5")}</label>
                                </span>
                            }
                        }).collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for=format!("rating-comment-{channel}")>"Un commentaire (facultatif)"</label>
                        <textarea id=format!("rating-comment-{channel}") name="comment" rows="2"
                            maxlength=super::MAX_RATING_COMMENT_CHARS.to_string()></textarea>
                    </div>
                    {move || rate.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
                    <p><button type="submit" class="button button-primary">"Envoyer mon avis"</button></p>
                </ActionForm>
            }>
                <p id=format!("rating-{channel}") role="status">"Merci pour votre avis !"</p>
            </Show>
        </section>
    }
}

/// Beside an open conversation: who the customer is to the group — the request's topic,
/// their upcoming appointments, their earlier conversations.
#[component]
fn CustomerPanel(channel: Uuid) -> impl IntoView {
    let context = Resource::new(move || channel, customer_context);
    view! {
        <aside class="card customer-panel" aria-label="Fiche client">
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {
                    move || context.get().map(|result| match result {
                        Ok(context) => view! {
                            <h3>{format!("Client : {}", context.customer_name)}</h3>
                            <p>{format!("Sujet : {}", context.topic.unwrap_or_else(|| "aucun".into()))}</p>
                            <h4>"Rendez-vous à venir"</h4>
                            {if context.appointments.is_empty() {
                                view! { <p class="field-hint">"Aucun rendez-vous à venir."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="context-list">
                                        {context.appointments.into_iter().map(|appointment| view! {
                                            <li>{format!(
                                                "{} · {}",
                                                appointment.calendar.label(),
                                                crate::ui::numeric_date_time(appointment.starts_at),
                                            )}</li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <h4>"Conversations précédentes"</h4>
                            {if context.past_conversations.is_empty() {
                                view! { <p class="field-hint">"Aucune conversation précédente."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="context-list">
                                        {context.past_conversations.into_iter().map(|past| view! {
                                            <li>
                                                {format!(
                                                    "{} · {} · avec {}",
                                                    day_of(&past.started_at),
                                                    past.topic.clone().unwrap_or_else(|| "Sans sujet".into()),
                                                    past.advisor_name,
                                                )}
                                                {past.rating.map(|rating| format!(" · {}/5", rating.score))}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any(),
                        Err(error) => view! { <ErrorAlert error/> }.into_any(),
                    })
                }
            </Transition>
        </aside>
    }
}

/// Each advisor's average rating, on the dashboard.
#[component]
fn AdvisorRatings() -> impl IntoView {
    let ratings = Resource::new(|| (), |_| advisor_ratings());
    view! {
        <h3 id="ratings-title">"Satisfaction des clients"</h3>
        <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
            {move || ratings.get().map(|result| match result {
                Ok(list) if list.is_empty() => view! { <p class="field-hint">"Aucune conversation notée pour le moment."</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="advisor-ratings" aria-labelledby="ratings-title">
                        {list.into_iter().map(|rating| view! {
                            <li>
                                <span class="room-name">{rating.advisor_name}</span>
                                " : "
                                <span class="rating-average">{average_label(rating.average, rating.ratings)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(error) => view! { <ErrorAlert error/> }.into_any(),
            })}
        </Transition>
    }
}

/// Advisors' search of the transcripts: customer, days, words.
#[component]
fn TranscriptSearch() -> impl IntoView {
    let search = ServerAction::<SearchTranscripts>::new();
    view! {
        <section class="card section" aria-labelledby="search-title">
            <h2 id="search-title">"Rechercher dans les conversations"</h2>
            <ActionForm action=search attr:class="form search-form">
                <div class="field">
                    <label for="search-customer">"Client (nom ou e-mail)"</label>
                    <input id="search-customer" name="customer" type="search" maxlength=super::MAX_SEARCH_CHARS.to_string() autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="search-from">"Du"</label>
                    <input id="search-from" name="from" type="date"/>
                </div>
                <div class="field">
                    <label for="search-to">"Au"</label>
                    <input id="search-to" name="to" type="date"/>
                </div>
                <div class="field">
                    <label for="search-text">"Mots des messages"</label>
                    <input id="search-text" name="text" type="search" maxlength=super::MAX_SEARCH_CHARS.to_string()
                        placeholder="Ex. : reprise, financement"/>
                </div>
                <p><button type="submit" class="button button-primary">"Rechercher"</button></p>
            </ActionForm>
            {move || search.value().get().map(|result| match result {
                Ok(hits) if hits.is_empty() => view! { <p role="status">"Aucune conversation ne correspond."</p> }.into_any(),
                Ok(hits) => view! {
                    <p role="status">{match hits.len() { 1 => "1 conversation trouvée".to_owned(), n => format!("{n} conversations trouvées") }}</p>
                    <ul class="search-results" aria-label="Résultats de la recherche">
                        {hits.into_iter().map(|hit| view! {
                            <li class="search-hit">
                                <p class="room-name">{archive_label(&hit.conversation)}</p>
                                {hit.excerpt.map(|excerpt| view! {
                                    <p class="search-excerpt">
                                        {excerpt_parts(&excerpt).into_iter().map(|(text, matching)| if matching {
                                            view! { <mark>{text}</mark> }.into_any()
                                        } else {
                                            text.into_any()
                                        }).collect_view()}
                                    </p>
                                })}
                                {hit.conversation.rating.map(|rating| view! { <RatingSummary rating/> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(error) => view! { <ErrorAlert error/> }.into_any(),
            })}
        </section>
    }
}

/// The advisors' shared canned responses: add, change, delete.
#[component]
fn CannedResponses() -> impl IntoView {
    let save = ServerAction::<SaveCannedResponse>::new();
    let delete = ServerAction::<DeleteCannedResponse>::new();
    let list = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| canned_responses(),
    );
    let editing = RwSignal::new(None::<super::CannedResponse>);
    // A saved change closes the form.
    Effect::new(move |_| {
        if save.value().with(|v| matches!(v, Some(Ok(())))) {
            editing.set(None);
        }
    });
    view! {
        <section class="card section" aria-labelledby="canned-title">
            <h2 id="canned-title">"Réponses types"</h2>
            <p class="field-hint">"Dans une conversation, tapez « / » puis le début du titre pour insérer une réponse type."</p>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || list.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p class="field-hint">"Aucune réponse type."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="canned-list" aria-labelledby="canned-title">
                            {list.into_iter().map(|canned| {
                                let id = canned.id;
                                let title = canned.title.clone();
                                let edited = canned.clone();
                                view! {
                                    <li class="canned-item">
                                        <p class="room-name">{canned.title.clone()}</p>
                                        <p class="field-hint">{canned.body.clone()}</p>
                                        <p class="form-actions">
                                            <button type="button" class="button"
                                                aria-label=format!("Modifier « {title} »")
                                                on:click=move |_| editing.set(Some(edited.clone()))>"Modifier"</button>
                                            <button type="button" class="button button-ghost"
                                                aria-label=format!("Supprimer « {title} »")
                                                on:click=move |_| { delete.dispatch(DeleteCannedResponse { id }); }>"Supprimer"</button>
                                        </p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorAlert error/> }.into_any(),
                })}
            </Transition>
            {move || delete.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
            {move || {
                let current = editing.get();
                let heading = if current.is_some() { "Modifier la réponse type" } else { "Nouvelle réponse type" };
                view! {
                    <h3 id="canned-form-title">{heading}</h3>
                    <ActionForm action=save attr:class="form" attr:aria-labelledby="canned-form-title">
                        {current.as_ref().map(|c| view! { <input type="hidden" name="id" value=c.id.to_string()/> })}
                        <div class="field">
                            <label for="canned-title-input">"Titre"</label>
                            <input id="canned-title-input" name="title" type="text" required=true
                                maxlength=super::MAX_CANNED_TITLE_CHARS.to_string()
                                value=current.as_ref().map(|c| c.title.clone()).unwrap_or_default()/>
                        </div>
                        <div class="field">
                            <label for="canned-body-input">"Texte"</label>
                            <textarea id="canned-body-input" name="body" rows="3" required=true
                                maxlength=crate::chat::MAX_MESSAGE_CHARS.to_string()>
                                {current.as_ref().map(|c| c.body.clone()).unwrap_or_default()}
                            </textarea>
                        </div>
                        {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
                        <p class="form-actions">
                            <button type="submit" class="button button-primary">"Enregistrer"</button>
                            {current.is_some().then(|| view! {
                                <button type="button" class="button button-ghost" on:click=move |_| editing.set(None)>"Annuler"</button>
                            })}
                        </p>
                    </ActionForm>
                }
            }}
        </section>
    }
}

/// Every advisor conversation, for the advisors, their search and the canned responses.
#[component]
pub fn AdminConversationsPage() -> impl IntoView {
    view! {
        <Seo title="Conversations" description="Historique des conversations entre clients et conseillers." path="/admin/conversations" noindex=true/>
        <div class="page">
            <h1>"Conversations avec les clients"</h1>
            <TranscriptSearch/>
            <CannedResponses/>
            <ConversationArchive title="Toutes les conversations" version=Signal::derive(|| 0usize)/>
        </div>
    }
}
