//! The customer's notification centre (header) with its toasts, and the advisors'
//! compose-and-send page.

use super::{
    api::{mark_notifications_read, sent_notifications, SendNotification},
    is_external,
    state::Inbox,
    MAX_BODY_CHARS, MAX_LINK_CHARS, MAX_TITLE_CHARS,
};
use crate::{
    protocol::notifications::SUPPORT_PAGE,
    ui::{day_of, every, ErrorAlert, Seo},
};
use leptos::prelude::*;

/// A notification's title and message, as the centre, toasts and the preview show them.
#[component]
fn NotificationText(title: String, body: String) -> impl IntoView {
    view! {
        <p class="notification-title">{title}</p>
        <p class="notification-body">{body}</p>
    }
}

/// Marks one notification read; its label names it for screen readers, and begins with
/// the visible text (label in name: « Marquer comme lue » is what voice users say).
#[component]
fn MarkRead(id: i64, title: String, mark: Action<Option<i64>, ()>) -> impl IntoView {
    view! {
        <button type="button" class="link-button"
            aria-label=format!("Marquer comme lue la notification « {title} »")
            on:click=move |_| { mark.dispatch(Some(id)); }>"Marquer comme lue"</button>
    }
}

/// A notification's link: inside Paddock in the same tab, elsewhere in a new one.
#[component]
fn NotificationLink(link: Option<String>) -> impl IntoView {
    link.map(|link| {
        if is_external(&link) {
            view! { <a class="notification-link" href=link target="_blank" rel="noopener noreferrer">"Voir l’offre"</a> }.into_any()
        } else {
            view! { <a class="notification-link" href=link>"Voir l’offre"</a> }.into_any()
        }
    })
}

/// The header's notification centre, for customers: unread count, the list, toasts for
/// notifications that arrive live (an `EventSource` on the SSE stream).
#[component]
pub fn NotificationCenter() -> impl IntoView {
    let inbox = RwSignal::new(Inbox::default());
    let open = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let source = StoredValue::new_local(None::<web_sys::EventSource>);
        let session_end = crate::auth::context::SessionEndWatch::new();
        // Load what is stored, then follow the stream from the newest one held: nothing
        // sent in between is missed.
        leptos::task::spawn_local(async move {
            if let Ok(items) = super::api::my_notifications().await {
                inbox.update(|i| i.load(items));
            }
            let after = inbox.with_untracked(Inbox::last_id);
            source.set_value(open_stream(inbox, after, session_end));
        });
        on_cleanup(move || {
            source.update_value(|s| {
                if let Some(s) = s.take() {
                    s.close();
                }
            })
        });
    }
    let unread = Memo::new(move |_| inbox.with(Inbox::unread));
    let mark = Action::new(move |id: &Option<i64>| {
        let id = *id;
        async move {
            if mark_notifications_read(id).await.is_ok() {
                inbox.update(|i| match id {
                    Some(id) => i.mark_read(id),
                    None => i.mark_all_read(),
                });
            }
        }
    });
    let label = move || match unread.get() {
        0 => "Notifications".to_string(),
        1 => "Notifications, 1 non lue".to_string(),
        n => format!("Notifications, {n} non lues"),
    };
    view! {
        <div class="notification-center">
            <button type="button" class="notification-toggle" aria-controls="notification-panel"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-label=label
                // The header menu closes on clicks: this one must not close it.
                on:click=move |event| { event.stop_propagation(); open.update(|o| *o = !*o); }>
                <svg class="bell" aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                    <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"/>
                </svg>
                // The visible text (« Notifications 3 ») reads as words within the name
                // (label in name): the space between the label and the count matters.
                <span class="notification-label" aria-hidden="true">"Notifications"</span>
                " "
                <Show when=move || { unread.get() > 0 }>
                    <span class="unread" aria-hidden="true">{move || unread.get()}</span>
                </Show>
            </button>
            <Show when=move || open.get()>
                <div id="notification-panel" class="notification-panel" role="region" aria-label="Centre de notifications"
                    on:click=|event| event.stop_propagation()>
                    <div class="notification-panel-head">
                        <h2>"Notifications"</h2>
                        <button type="button" class="link-button" disabled=move || unread.get() == 0
                            on:click=move |_| { mark.dispatch(None); }>"Tout marquer comme lu"</button>
                    </div>
                    <Show when=move || inbox.with(|i| i.items.is_empty())>
                        <p class="field-hint">"Aucune notification pour le moment."</p>
                    </Show>
                    <ul class="notification-list">
                        <For each=move || inbox.with(|i| i.items.clone()) key=|n| (n.id, n.read) let:item>
                            <li class="notification-item" class:unread-item=!item.read>
                                <NotificationText title=item.title.clone() body=item.body.clone()/>
                                <p class="notification-meta">
                                    {day_of(&item.sent_at)}
                                    <NotificationLink link=item.link.clone()/>
                                    {(!item.read).then(|| view! { <MarkRead id=item.id title=item.title.clone() mark/> })}
                                </p>
                            </li>
                        </For>
                    </ul>
                </div>
            </Show>
            <Toasts inbox mark/>
        </div>
    }
}

/// Notifications that arrive while the customer is on a page: announced politely to
/// screen readers, dismissable, with their link.
#[component]
fn Toasts(inbox: RwSignal<Inbox>, mark: Action<Option<i64>, ()>) -> impl IntoView {
    view! {
        // A named region (a plain div may not carry aria-label), polite live region too.
        <div class="toasts" role="region" aria-live="polite" aria-label="Nouvelles notifications">
            <For each=move || inbox.with(|i| i.alerts.clone()) key=|(key, _)| *key let:alert>
                {
                    let (key, alert) = alert;
                    let (title, body) = alert.title_and_body();
                    view! {
                        <div class="toast toast-chat">
                            <NotificationText title=title.clone() body/>
                            <p class="notification-meta">
                                <a class="notification-link" href=SUPPORT_PAGE>"Ouvrir le chat conseiller"</a>
                            </p>
                            <button type="button" class="toast-close" aria-label=format!("Fermer l’alerte « {title} »")
                                on:click=move |_| inbox.update(|i| i.dismiss_alert(key))>"×"</button>
                        </div>
                    }
                }
            </For>
            <For each=move || inbox.with(|i| i.toasts.clone()) key=|n| n.id let:toast>
                {
                    let id = toast.id;
                    view! {
                        <div class="toast">
                            <NotificationText title=toast.title.clone() body=toast.body.clone()/>
                            <p class="notification-meta">
                                <NotificationLink link=toast.link.clone()/>
                                <MarkRead id title=toast.title.clone() mark/>
                            </p>
                            <button type="button" class="toast-close" aria-label=format!("Fermer la notification « {} »", toast.title)
                                on:click=move |_| inbox.update(|i| i.dismiss(id))>"×"</button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}

/// Follows the notification stream; the browser reconnects by itself and sends the
/// last event id it saw, so nothing is missed or repeated.
#[cfg(feature = "hydrate")]
fn open_stream(
    inbox: RwSignal<Inbox>,
    after: i64,
    session_end: crate::auth::context::SessionEndWatch,
) -> Option<web_sys::EventSource> {
    use wasm_bindgen::{closure::Closure, JsCast};
    let source =
        web_sys::EventSource::new(&format!("/api/notifications/stream?after={after}")).ok()?;
    let on_notification =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            if let Ok(super::StreamEvent::Notification(item)) =
                crate::protocol::tagged::decode(&text)
            {
                inbox.update(|i| i.arrived(item));
            }
        });
    source
        .add_event_listener_with_callback(
            super::SSE_EVENT,
            on_notification.as_ref().unchecked_ref(),
        )
        .ok()?;
    let on_support =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            if let Ok(super::StreamEvent::SupportAlert(alert)) =
                crate::protocol::tagged::decode(&text)
            {
                support_alert(inbox, alert);
            }
        });
    source
        .add_event_listener_with_callback(
            crate::protocol::notifications::SUPPORT_SSE_EVENT,
            on_support.as_ref().unchecked_ref(),
        )
        .ok()?;
    // The browser gives up on a stream refused (401 once the session is over, 503):
    // if the session is gone, the user logs in again.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new({
        let source = source.clone();
        move |_: web_sys::Event| {
            if source.ready_state() != web_sys::EventSource::CLOSED {
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(None) = crate::auth::api::fetch_current_user().await {
                    session_end.session_ended();
                }
            });
        }
    });
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The stream lives as long as the page; so do its handlers.
    on_notification.forget();
    on_support.forget();
    on_error.forget();
    Some(source)
}

/// A live chat alert: a toast, and a browser notification when the tab is hidden and the
/// customer allowed them. Not on the live chat's page, which shows it already.
#[cfg(feature = "hydrate")]
fn support_alert(inbox: RwSignal<Inbox>, alert: crate::protocol::notifications::SupportAlert) {
    let window = leptos::prelude::window();
    if window.location().pathname().ok().as_deref() == Some(SUPPORT_PAGE) {
        return;
    }
    let hidden = window.document().is_some_and(|d| d.hidden());
    if hidden && web_sys::Notification::permission() == web_sys::NotificationPermission::Granted {
        let (title, body) = alert.title_and_body();
        let options = web_sys::NotificationOptions::new();
        options.set_body(&body);
        options.set_tag("paddock-support");
        let _ = web_sys::Notification::new_with_options(&title, &options);
    }
    inbox.update(|i| i.alerted(alert));
}

/// The advisors' page: compose with a live preview, send to every customer, and the
/// sent notifications with how many customers received each live.
#[component]
pub fn AdminNotificationsPage() -> impl IntoView {
    let send = ServerAction::<SendNotification>::new();
    let refresh = RwSignal::new(0u32);
    let sent = Resource::new(
        move || (send.version().get(), refresh.get()),
        |_| sent_notifications(),
    );
    // Live deliveries are recorded a moment after sending: refresh while on the page.
    every(std::time::Duration::from_secs(5), move || {
        refresh.update(|r| *r += 1)
    });
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let link = RwSignal::new(String::new());
    // A successful send clears the form.
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            title.set(String::new());
            body.set(String::new());
            link.set(String::new());
        }
    });
    // What customers will see, with placeholders until the fields are filled.
    let or_placeholder = |text: String, placeholder: &str| {
        if text.trim().is_empty() {
            placeholder.to_owned()
        } else {
            text
        }
    };
    view! {
        <Seo title="Notifications commerciales" description="Envoyer une notification à tous les clients." path="/admin/notifications" noindex=true/>
        <div class="page">
            <h1>"Notifications commerciales"</h1>
            <div class="compose-layout">
                <section class="card section" aria-labelledby="compose-title">
                    <h2 id="compose-title">"Nouvelle notification"</h2>
                    <ActionForm action=send attr:class="form">
                        <div class="field">
                            <label for="notification-title">"Titre"</label>
                            <input id="notification-title" name="title" type="text" required maxlength=MAX_TITLE_CHARS.to_string()
                                prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e))/>
                            <p class="field-hint">{move || format!("{} / {MAX_TITLE_CHARS} caractères", title.with(|t| t.chars().count()))}</p>
                        </div>
                        <div class="field">
                            <label for="notification-body">"Message"</label>
                            <textarea id="notification-body" name="body" required rows="4" maxlength=MAX_BODY_CHARS.to_string()
                                prop:value=move || body.get() on:input=move |e| body.set(event_target_value(&e))></textarea>
                            <p class="field-hint">{move || format!("{} / {MAX_BODY_CHARS} caractères", body.with(|t| t.chars().count()))}</p>
                        </div>
                        <div class="field">
                            <label for="notification-link">"Lien (facultatif)"</label>
                            <input id="notification-link" name="link" type="text" maxlength=MAX_LINK_CHARS.to_string() placeholder="/espace/salons ou https://…"
                                aria-describedby="link-hint"
                                prop:value=move || link.get() on:input=move |e| link.set(event_target_value(&e))/>
                            <p id="link-hint" class="field-hint">"Une page Paddock (commençant par /) ou une adresse https://."</p>
                        </div>
                        {move || send.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error/> })}
                        {move || send.value().get().and_then(Result::ok).map(|_| view! {
                            <p class="form-success" role="status">"Notification envoyée à tous les clients."</p>
                        })}
                        <button type="submit" class="button button-primary" disabled=move || send.pending().get()>
                            "Envoyer à tous les clients"
                        </button>
                    </ActionForm>
                </section>
                <section class="card section" aria-labelledby="preview-title">
                    <h2 id="preview-title">"Aperçu"</h2>
                    <p class="field-hint">"Ce que les clients verront apparaître :"</p>
                    {move || view! {
                        <div class="toast toast-preview">
                            <NotificationText
                                title=or_placeholder(title.get(), "Titre de la notification")
                                body=or_placeholder(body.get(), "Le message apparaît ici.")/>
                            <p class="notification-meta">
                                <NotificationLink link=Some(link.get()).filter(|l| !l.trim().is_empty())/>
                            </p>
                        </div>
                    }}
                </section>
            </div>
            <section class="card section" aria-labelledby="sent-title">
                <h2 id="sent-title">"Notifications envoyées"</h2>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || sent.get().map(|result| match result {
                        Ok(list) if list.is_empty() => view! { <p class="field-hint">"Aucune notification envoyée."</p> }.into_any(),
                        Ok(list) => view! {
                            // Scrolls sideways on phones: reachable and named for keyboard users.
                            <div class="table-scroll" role="region" aria-labelledby="sent-title" tabindex="0">
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Titre"</th>
                                            <th scope="col">"Envoyée le"</th>
                                            <th scope="col">"Par"</th>
                                            <th scope="col">"Reçue en direct"</th>
                                            <th scope="col">"Lue"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|n| view! {
                                            <tr>
                                                <td>{n.title}</td>
                                                <td>{day_of(&n.sent_at)}</td>
                                                <td>{n.sent_by}</td>
                                                <td>{format!("{} client{}", n.delivered_live, if n.delivered_live > 1 { "s" } else { "" })}</td>
                                                <td>{format!("{} client{}", n.read_by, if n.read_by > 1 { "s" } else { "" })}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorAlert error/> }.into_any(),
                    })}
                </Transition>
            </section>
        </div>
    }
}
