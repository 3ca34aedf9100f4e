//! The customers' rooms page and the advisors' room management page.

use super::{
    api::{list_rooms, search_customers, CreateRoom, DeleteRoom, RenameRoom, SetRoomCapacity},
    client::ChatClient,
    state::{ChatState, Connection, Delivery},
};
use crate::{
    error::AppError,
    ui::{ErrorAlert, Seo},
};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn RoomsPage() -> impl IntoView {
    let client = ChatClient::start();
    let state = client.state;
    let selected = RwSignal::new(None::<Uuid>);
    // What is on screen counts as read; a conversation this user opens comes on screen.
    Effect::new(move |_| client.view(selected.get()));
    Effect::new(move |_| {
        if let Some(channel) = state.with(|s| s.opened_direct) {
            state.update(|s| s.opened_direct = None);
            selected.set(Some(channel));
        }
    });
    view! {
        <Seo title="Salons" description="Les salons de discussion des clients Paddock." path="/espace/salons" noindex=true/>
        <div class="page chat-page">
            <div class="chat-heading">
                <h1>"Salons"</h1>
                <ConnectionBadge state/>
            </div>
            <ChatNotice state/>
            <div class="chat-layout">
                <section class="card room-list" aria-labelledby="rooms-title">
                    <h2 id="rooms-title">"Tous les salons"</h2>
                    <ul>
                        <For
                            each=move || state.with(|s| s.room_list())
                            key=|room| (room.id, room.name.clone(), room.members, room.capacity)
                            let:room
                        >
                            {
                                let id = room.id;
                                let full = ChatState::is_full(&room);
                                let joined = move || state.with(|s| s.joined.contains(&id));
                                view! {
                                    <li class="room-item" class:selected=move || selected.get() == Some(id)>
                                        <div>
                                            <p class="room-name">
                                                {room.name.clone()}
                                                <UnreadBadge state channel=id/>
                                            </p>
                                            <p class="room-occupancy">{format!("{} / {} membres", room.members, room.capacity)}</p>
                                        </div>
                                        {move || if joined() {
                                            view! {
                                                <button type="button" class="button" on:click=move |_| selected.set(Some(id))>
                                                    "Ouvrir"
                                                </button>
                                            }.into_any()
                                        } else if full {
                                            view! { <span class="badge">"Complet"</span> }.into_any()
                                        } else {
                                            view! {
                                                <button type="button" class="button button-primary"
                                                    on:click=move |_| { client.join(id); selected.set(Some(id)); }>
                                                    "Rejoindre"
                                                </button>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                    <h2 id="directs-title">"Messages privés"</h2>
                    <CustomerSearch client/>
                    <ul aria-labelledby="directs-title">
                        <For
                            each=move || state.with(|s| s.direct_list())
                            key=|direct| direct.channel_id
                            let:direct
                        >
                            {
                                let channel = direct.channel_id;
                                view! {
                                    <li class="room-item" class:selected=move || selected.get() == Some(channel)>
                                        <p class="room-name">
                                            {direct.other_name.clone()}
                                            <UnreadBadge state channel/>
                                        </p>
                                        <button type="button" class="button"
                                            aria-label=format!("Ouvrir la conversation avec {}", direct.other_name)
                                            on:click=move |_| selected.set(Some(channel))>
                                            "Ouvrir"
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </section>
                {move || match selected.get() {
                    Some(channel) => view! { <ChannelView client channel/> }.into_any(),
                    None => view! {
                        <section class="card channel-empty">
                            <p>"Choisissez un salon pour discuter avec les autres motards."</p>
                        </section>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}

/// The last refusal of the server that is not about a post (join refused, …).
#[component]
pub fn ChatNotice(state: RwSignal<ChatState>) -> impl IntoView {
    let notice = Memo::new(move |_| state.with(|s| s.notice.clone()));
    move || {
        notice
            .get()
            .map(|(code, message)| view! { <ErrorAlert error=AppError::new(code, message)/> })
    }
}

#[component]
pub fn UnreadBadge(state: RwSignal<ChatState>, channel: Uuid) -> impl IntoView {
    move || {
        let unread = state.with(|s| s.unread_in(channel));
        (unread > 0).then(|| {
            let label = if unread > 1 {
                format!("{unread} non lus")
            } else {
                "1 non lu".to_string()
            };
            // An image of the count, named in words (a plain span may not carry aria-label).
            view! { <span class="unread" role="img" aria-label=label.clone() title=label>{unread}</span> }
        })
    }
}

#[component]
pub fn ConnectionBadge(state: RwSignal<ChatState>) -> impl IntoView {
    let connection = move || state.with(|s| s.connection);
    view! {
        <p class="connection" role="status"
            class:ok=move || connection() == Connection::Connected
            class:warn=move || connection() != Connection::Connected>
            {move || connection().label()}
        </p>
    }
}

/// One conversation on screen: a room, a direct conversation or an advisor conversation.
/// With `snippets`, typing « / » in the composer lists them (the advisors' canned
/// responses); Enter or a click puts the text in the composer.
#[component]
pub fn ChannelView(
    client: ChatClient,
    channel: Uuid,
    #[prop(optional, into)] snippets: Option<Signal<Vec<super::Snippet>>>,
) -> impl IntoView {
    let state = client.state;
    let draft = RwSignal::new(String::new());
    let offered = Memo::new(move |_| match snippets {
        Some(snippets) => draft.with(|d| snippets.with(|all| super::snippets_for(d, all))),
        None => Vec::new(),
    });
    let direct = move || state.with(|s| s.directs.get(&channel).cloned());
    let is_support = move || state.with(|s| s.advisor_channels.contains_key(&channel));
    let is_direct = move || direct().is_some() || is_support();
    let name = move || {
        let advisor_chat = state.with(|s| s.advisor_channels.get(&channel).cloned());
        match (direct(), advisor_chat) {
            (Some(direct), _) => format!("Conversation avec {}", direct.other_name),
            (None, Some(other)) => format!("Conversation avec {other}"),
            (None, None) => state
                .with(|s| s.rooms.get(&channel).map(|r| r.name.clone()))
                .unwrap_or_else(|| "Salon".into()),
        }
    };
    // An ended advisor conversation closes its channel too (see `ChatState::apply`).
    let closed = move || state.with(|s| s.channels.get(&channel).is_some_and(|c| c.closed));
    let joined = move || is_direct() || state.with(|s| s.joined.contains(&channel));
    let me = move || state.with(|s| s.me);
    // « Vu » under my last message the other side of a conversation has read.
    let seen =
        Memo::new(move |_| state.with(|s| s.channels.get(&channel).and_then(|c| c.seen_seq(s.me))));
    // Messages on screen count as read.
    Effect::new(move |_| {
        if let Some(last) = state
            .with(|s| s.channels.get(&channel).map(|c| c.last_seq()))
            .filter(|l| *l > 0)
        {
            client.mark_read(channel, last);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        // « /hor » then Enter: the first snippet offered, to read over before sending.
        if let Some(first) = offered.with_untracked(|o| o.first().cloned()) {
            draft.set(first.body);
            return;
        }
        let body = draft.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        client.post(channel, body);
        draft.set(String::new());
    };
    view! {
        <section class="card channel" aria-labelledby="channel-title">
            <div class="channel-header">
                <h2 id="channel-title">{name}</h2>
                <Show when=move || joined() && !closed() && !is_direct()>
                    <button type="button" class="button button-ghost" on:click=move |_| client.leave(channel)>"Quitter le salon"</button>
                </Show>
                <Show when=move || is_support() && !closed()>
                    <button type="button" class="button button-ghost" on:click=move |_| client.end_conversation(channel)>"Terminer la conversation"</button>
                </Show>
            </div>
            <Show when=closed>
                <p class="closed-banner" role="alert">
                    {move || if is_support() {
                        "Cette conversation est terminée. Son historique reste lisible."
                    } else {
                        "Ce salon a été supprimé : il est fermé. Son historique reste lisible."
                    }}
                </p>
            </Show>
            <Show when=move || state.with(|s| s.channels.get(&channel).is_some_and(|c| c.may_have_older()))>
                <button type="button" class="button button-ghost older" on:click=move |_| client.older(channel)>
                    "Messages précédents"
                </button>
            </Show>
            // The live log wraps the list (a list keeps its role, its items their list);
            // it scrolls, so it takes the focus for keyboard users.
            <div
                class="messages-scroll"
                role="log"
                aria-live="polite"
                aria-label="Messages"
                tabindex="0"
                // Scrolling up to the oldest message held loads the page before it.
                on:scroll=move |event| {
                    let list = event_target::<leptos::web_sys::Element>(&event);
                    let more = state.with_untracked(|s| s.channels.get(&channel).is_some_and(|c| c.may_have_older()));
                    if list.scroll_top() <= 0 && more {
                        client.older(channel);
                    }
                }
            >
            <ol class="messages">
                <For
                    each=move || state.with(|s| s.channels.get(&channel).map(|c| c.messages.values().cloned().collect::<Vec<_>>()).unwrap_or_default())
                    key=|m| m.seq
                    let:message
                >
                    <li class="message" class:mine=move || Some(message.author_id) == me()>
                        <span class="message-author">{message.author_name.clone()}</span>
                        <span class="message-body">{message.body.clone()}</span>
                        <Show when=move || is_direct() && seen.get() == Some(message.seq)>
                            <span class="message-status seen">"Vu"</span>
                        </Show>
                    </li>
                </For>
                <For
                    each=move || state.with(|s| s.outgoing.iter().filter(|p| p.channel_id == channel).cloned().collect::<Vec<_>>())
                    key=|p| (p.client_id, p.delivery == Delivery::Failed)
                    let:post
                >
                    {
                        let failed = post.delivery == Delivery::Failed;
                        let client_id = post.client_id;
                        view! {
                            <li class="message mine" class:pending=!failed class:failed=failed>
                                <span class="message-body">{post.body.clone()}</span>
                                {if failed {
                                    view! {
                                        <span class="message-status">
                                            {post.error.clone().unwrap_or_else(|| "Échec de l’envoi.".into())}
                                            " "
                                            <button type="button" class="link-button" on:click=move |_| client.retry(client_id)>"Réessayer"</button>
                                        </span>
                                    }.into_any()
                                } else {
                                    view! { <span class="message-status">"Envoi…"</span> }.into_any()
                                }}
                            </li>
                        }
                    }
                </For>
            </ol>
            </div>
            <p class="typing" aria-live="polite">
                {move || {
                    let names = state.with(|s| s.channels.get(&channel).map(|c| c.typing.clone()).unwrap_or_default());
                    (!names.is_empty()).then(|| format!("{} écrit…", names.join(", ")))
                }}
            </p>
            <Show when=move || !is_direct() && joined()>
                <MemberList client room=channel/>
            </Show>
            <Show when=move || offered.with(|o| !o.is_empty())>
                <ul class="snippets" aria-label="Réponses types">
                    <For each=move || offered.get() key=|s| s.title.clone() let:snippet>
                        {
                            let body = snippet.body.clone();
                            view! {
                                <li>
                                    <button type="button" class="snippet" on:click=move |_| draft.set(body.clone())>
                                        <span class="snippet-title">{snippet.title.clone()}</span>
                                        <span class="snippet-body">{snippet.body.clone()}</span>
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
            <form class="composer" on:submit=submit>
                <label for="composer-input" class="visually-hidden">"Votre message"</label>
                <input id="composer-input" type="text" maxlength=super::MAX_MESSAGE_CHARS.to_string() autocomplete="off"
                    placeholder=move || match (closed(), is_support()) {
                        (true, true) => "Conversation terminée",
                        (true, false) => "Salon fermé",
                        _ => "Votre message",
                    }
                    prop:value=move || draft.get()
                    on:input=move |event| { draft.set(event_target_value(&event)); client.typing(channel); }
                    disabled=move || closed() || !joined()/>
                <button type="submit" class="button button-primary" disabled=move || closed() || !joined()>"Envoyer"</button>
            </form>
        </section>
    }
}

/// Finds a customer by name or email to start a conversation.
#[component]
fn CustomerSearch(client: ChatClient) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let search = Action::new(|query: &String| {
        let query = query.clone();
        async move { search_customers(query).await }
    });
    view! {
        <form class="customer-search" role="search"
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                search.dispatch(query.get_untracked());
            }>
            <label for="customer-query">"Écrire à un client"</label>
            <div class="bot-input">
                <input id="customer-query" type="search" minlength=super::MIN_SEARCH_CHARS.to_string() maxlength=super::MAX_SEARCH_CHARS.to_string() placeholder="Nom, ou adresse e-mail complète"
                    prop:value=move || query.get() on:input=move |e| query.set(event_target_value(&e))/>
                <button type="submit" class="button">"Chercher"</button>
            </div>
        </form>
        {move || search.value().get().map(|result| match result {
            Ok(hits) if hits.is_empty() => view! { <p class="field-hint">"Aucun client trouvé."</p> }.into_any(),
            Ok(hits) => view! {
                <ul class="search-results">
                    {hits.into_iter().map(|hit| {
                        let id = hit.id;
                        view! {
                            <li class="member">
                                {hit.name.clone()}
                                <button type="button" class="link-button"
                                    aria-label=format!("Écrire à {}", hit.name)
                                    on:click=move |_| client.open_direct(id)>"Écrire"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
            Err(err) => view! { <ErrorAlert error=err/> }.into_any(),
        })}
    }
}

/// The members of a room, with a button to write to each other customer.
#[component]
fn MemberList(client: ChatClient, room: Uuid) -> impl IntoView {
    let state = client.state;
    let me = move || state.with(|s| s.me);
    view! {
        <details class="members" on:toggle=move |_| client.members(room)>
            <summary>"Membres du salon"</summary>
            <ul>
                <For
                    each=move || state.with(|s| s.members.get(&room).cloned().unwrap_or_default())
                    key=|m| (m.user_id, m.online)
                    let:member
                >
                    {
                        let user_id = member.user_id;
                        let can_write = member.customer && Some(user_id) != me();
                        view! {
                            <li class="member">
                                <span class="presence" class:online=member.online role="img"
                                    aria-label=if member.online { "en ligne" } else { "hors ligne" }></span>
                                {member.name.clone()}
                                {can_write.then(|| view! {
                                    <button type="button" class="link-button"
                                        aria-label=format!("Écrire à {}", member.name)
                                        on:click=move |_| client.open_direct(user_id)>
                                        "Écrire"
                                    </button>
                                })}
                            </li>
                        }
                    }
                </For>
            </ul>
        </details>
    }
}

#[component]
pub fn AdminRoomsPage() -> impl IntoView {
    let create = ServerAction::<CreateRoom>::new();
    let rename = ServerAction::<RenameRoom>::new();
    let resize = ServerAction::<SetRoomCapacity>::new();
    let delete = ServerAction::<DeleteRoom>::new();
    // Member counts stay live through the advisor's own socket.
    let live = ChatClient::start().state;
    let rooms = Resource::new(
        move || {
            (
                create.version().get(),
                rename.version().get(),
                resize.version().get(),
                delete.version().get(),
            )
        },
        |_| list_rooms(),
    );
    let error = move || {
        create
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| rename.value().get().and_then(Result::err))
            .or_else(|| resize.value().get().and_then(Result::err))
            .or_else(|| delete.value().get().and_then(Result::err))
    };
    view! {
        <Seo title="Gestion des salons" description="Créer, renommer, redimensionner et supprimer les salons." path="/admin/salons" noindex=true/>
        <div class="page">
            <h1>"Gestion des salons"</h1>
            {move || error().map(|err| view! { <ErrorAlert error=err/> })}
            <section class="card section" aria-labelledby="new-room">
                <h2 id="new-room">"Nouveau salon"</h2>
                <ActionForm action=create attr:class="form form-inline">
                    <div class="field">
                        <label for="room-name">"Nom du salon"</label>
                        <input id="room-name" name="name" type="text" required minlength=super::MIN_ROOM_NAME_CHARS.to_string() maxlength=super::MAX_ROOM_NAME_CHARS.to_string()/>
                    </div>
                    <div class="field">
                        <label for="room-capacity">"Capacité"</label>
                        <input id="room-capacity" name="capacity" type="number" required min=super::MIN_ROOM_CAPACITY.to_string() max=super::MAX_ROOM_CAPACITY.to_string() value="20"/>
                    </div>
                    <button type="submit" class="button button-primary">"Créer le salon"</button>
                </ActionForm>
            </section>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || rooms.get().map(|result| match result {
                    Ok(list) => view! {
                        <ul class="admin-rooms">
                            {list.into_iter().map(|room| {
                                let id = room.id.to_string();
                                let (rename_id, resize_id, delete_id) = (id.clone(), id.clone(), id);
                                let current_name = room.name.clone();
                                let (room_id, loaded_members, room_capacity) = (room.id, room.members, room.capacity);
                                let (room_name_a, room_name_b) = (room.name.clone(), room.name.clone());
                                let delete_label = format!("Supprimer le salon {}", room.name);
                                let capacity = room.capacity.to_string();
                                view! {
                                    <li class="card admin-room">
                                        <h2>{room.name.clone()}</h2>
                                        <p class="room-occupancy">
                                            {move || {
                                                let members = live.with(|s| s.rooms.get(&room_id).map(|r| r.members)).unwrap_or(loaded_members);
                                                format!("{members} / {} membres", room_capacity)
                                            }}
                                        </p>
                                        <ActionForm action=rename attr:class="form-inline">
                                            <input type="hidden" name="room_id" value=rename_id/>
                                            <label>"Nouveau nom" <span class="visually-hidden">{format!(" du salon {}", room_name_a)}</span> <input name="name" type="text" required minlength=super::MIN_ROOM_NAME_CHARS.to_string() maxlength=super::MAX_ROOM_NAME_CHARS.to_string() value=current_name/></label>
                                            <button type="submit" class="button">"Renommer"</button>
                                        </ActionForm>
                                        <ActionForm action=resize attr:class="form-inline">
                                            <input type="hidden" name="room_id" value=resize_id/>
                                            <label>"Capacité" <span class="visually-hidden">{format!(" du salon {}", room_name_b)}</span> <input name="capacity" type="number" required min=super::MIN_ROOM_CAPACITY.to_string() max=super::MAX_ROOM_CAPACITY.to_string() value=capacity/></label>
                                            <button type="submit" class="button">"Modifier la capacité"</button>
                                        </ActionForm>
                                        <ActionForm action=delete attr:class="form-inline">
                                            <input type="hidden" name="room_id" value=delete_id/>
                                            <button type="submit" class="button button-danger" aria-label=delete_label>"Supprimer"</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <ErrorAlert error=err/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}
