//! The whole server, put together: every feature's routes, the socket that carries
//! their frames, and the bus subscribers that deliver their events. The only module
//! that knows every feature; nothing imports it but the binary and the tests.

use crate::{
    app::{shell, App},
    auth::{sessions::IdleExpiryStore, CurrentUser},
    chat::server::{delivery::ChatEvents, socket::ChatSocket, Chat},
    error::{AppError, ErrorCode},
    monitoring,
    notifications::server::{stream as notification_stream, NotificationEvents},
    protocol::{chat::ChatRequest, ClientFrame, ClientMessage, ServerMessage, PROTOCOL_VERSION},
    realtime::{
        bus::Bus,
        connections::{Full, Outbound, Peer, Registration},
        limits::{Budget, Limits},
        socket::{self, FrameHandler, Later},
        MAX_FRAME_BYTES,
    },
    server::{
        client_errors,
        context::{connection_refused, connection_user, shutting_down},
        guard, observability, request_owner, security, seo, AppState,
    },
    support::{
        alerts::SupportAlerts,
        delivery::SupportEvents,
        hours::DeskHours,
        socket::{Support, SupportSocket},
    },
    ui::SiteUrl,
};
use axum::{
    body::Body,
    extract::{
        ws::{rejection::WebSocketUpgradeRejection, WebSocketUpgrade},
        DefaultBodyLimit, Request, State,
    },
    http::{header, HeaderMap},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
    Extension, Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use sentry::integrations::tower::{NewSentryLayer, SentryHttpLayer};
use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
};
use tower_sessions::{cookie::SameSite, Expiry, Session, SessionManagerLayer};

/// The features that answer socket frames.
struct Features {
    chat: Arc<Chat>,
    support: Arc<Support>,
}

/// Starts the features' background work and the event bus, then returns the router.
/// Returns once `LISTEN` is in place, so nothing committed afterwards is missed.
pub async fn start(state: AppState) -> Result<Router, sqlx::Error> {
    let realtime = &state.realtime;
    let chat = Chat::new(state.pool.clone(), &state.settings, realtime.limits.clone());
    let hours = DeskHours::new(&state.settings, state.clock.clone());
    let support = Support::new(
        state.pool.clone(),
        &state.settings,
        realtime.limits.clone(),
        hours.clone(),
    );
    let alerts = SupportAlerts::new(state.pool.clone(), realtime.streams.clone());
    let support_events = Arc::new(SupportEvents {
        pool: state.pool.clone(),
        connections: realtime.connections.clone(),
        alerts: alerts.clone(),
        hours,
        queue_sends: Default::default(),
    });
    let bus = Bus::default()
        .on(
            crate::chat::server::events::TOPIC,
            Arc::new(ChatEvents {
                pool: state.pool.clone(),
                connections: realtime.connections.clone(),
            }),
        )
        // After the sockets: a customer's other pages learn of an advisor's message.
        .on(crate::chat::server::events::TOPIC, alerts.clone())
        .on(crate::support::events::TOPIC, support_events.clone())
        .on(
            crate::notifications::server::TOPIC,
            Arc::new(NotificationEvents {
                pool: state.pool.clone(),
                streams: realtime.streams.clone(),
            }),
        );
    realtime.start(bus).await?;
    support.start_sweep();
    support_events.watch_opening_hours();
    Ok(router(state, Arc::new(Features { chat, support })))
}

/// Context every server-rendered page and server function gets.
fn provide_server_context(state: &AppState) {
    provide_context(state.clone());
    provide_context(SiteUrl(state.settings.base_url().to_owned()));
    security::apply_page_csp(&state.leptos_options);
}

async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    leptos_axum::handle_server_fns_with_context(move || provide_server_context(&state), request)
        .await
}

/// The pages' routes, listed once per process. Leptos lists them by running the app with
/// resources suspended through a process-wide flag: a page that a second server in the
/// same process (the integration tests start one per test) rendered during that window
/// waited for ever on its first resource (leptos issue 4773).
pub fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application, ready to serve with `into_make_service_with_connect_info`.
fn router(state: AppState, features: Arc<Features>) -> Router {
    // Installed before the first request, so that every request is counted.
    observability::prometheus();
    let page_routes = page_routes();
    let page_state = state.clone();
    let fallback_state = state.clone();
    let leptos_options = state.leptos_options.clone();

    let routes = Router::new()
        .route("/healthz", get(observability::healthz))
        .route("/readyz", get(observability::readyz))
        .route("/robots.txt", get(seo::robots_txt))
        .route("/sitemap.xml", get(sitemap_xml))
        .route(
            "/api/{*path}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .route(
            monitoring::REPORT_PATH,
            post(client_errors::receive).layer(DefaultBodyLimit::max(monitoring::MAX_REPORT_BYTES)),
        )
        .route("/ws", get(socket_upgrade).layer(Extension(features)))
        .route("/api/notifications/stream", get(notification_stream))
        .leptos_routes_with_context(
            &state,
            page_routes,
            move || provide_server_context(&page_state),
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || provide_server_context(&fallback_state), shell
        ));
    with_site_layers(routes, &state)
}

/// The layers every route of the site goes through, outermost last: request id, logs,
/// Sentry's hub and request data, slow requests, metrics, security headers, a panic
/// turned into a 500 answer, compression, body limit, cross-site and control-character
/// checks, the session, the page guard and the request's own reactive owner. Public so
/// that tests can put a route of their own under exactly these layers.
pub fn with_site_layers(routes: Router<AppState>, state: &AppState) -> Router {
    // A browser-session cookie (no Max-Age): the session's row alone says when it is
    // over, see `auth::sessions`.
    let session_layer = SessionManagerLayer::new(IdleExpiryStore::new(
        state.pool.clone(),
        &state.realtime.lifetime,
    ))
    .with_name(if state.settings.uses_tls() {
        // The __Host- prefix pins the cookie to this exact origin, over HTTPS only.
        "__Host-paddock_session"
    } else {
        "paddock_session"
    })
    .with_secure(state.settings.uses_tls())
    .with_http_only(true)
    .with_same_site(SameSite::Lax)
    .with_path("/")
    .with_expiry(Expiry::OnSessionEnd);

    let slow_request = Duration::from_millis(state.settings.slow_request_ms);
    routes
        .layer(middleware::from_fn(request_owner::under_own_owner))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::page_guard,
        ))
        .layer(session_layer)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::reject_control_characters,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::reject_cross_site,
        ))
        .layer(RequestBodyLimitLayer::new(
            state.settings.max_request_body_bytes,
        ))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::security_headers,
        ))
        .layer(middleware::from_fn(observability::record_metrics))
        .layer(middleware::from_fn(move |request: Request, next| {
            monitoring::server::watch_slow_requests(slow_request, request, next)
        }))
        .layer(SentryHttpLayer::new())
        .layer(NewSentryLayer::<Request>::new_from_top())
        .layer(observability::trace_layer())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state.clone())
}

/// What a request whose handler panicked gets (the panic itself went to the log and,
/// with Sentry on, to Sentry, from the panic hook).
fn panic_answer(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    connection_refused(AppError::internal())
}

/// `GET /sitemap.xml`: the fixed public pages, then the catalogue's (the range, each
/// visible model, the dealerships), dated by their last change.
async fn sitemap_xml(State(state): State<AppState>) -> Response {
    let mut entries = seo::fixed_pages();
    match crate::catalog::server::sitemap_entries(&state.pool).await {
        Ok(catalogue) => entries.extend(catalogue),
        Err(_) => return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
    seo::sitemap_response(state.settings.base_url(), &entries)
}

/// Seconds a client refused by a full instance is told to wait.
const FULL_RETRY_AFTER_SECS: u64 = 5;

/// `GET /ws`: one WebSocket per browser tab. 503 while shutting down or when the instance
/// holds `ws_max_connections` sockets, 403 for an origin missing or not exactly in the
/// allowlist, 401 without a logged-in session, 429 when the user already holds
/// `ws_max_connections_per_user` sockets here.
async fn socket_upgrade(
    State(state): State<AppState>,
    Extension(features): Extension<Arc<Features>>,
    session: Session,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if !state.realtime.accepting() {
        return shutting_down();
    }
    // A full instance refuses before any other work (the reservation checks again).
    if state.realtime.connections.is_full() {
        return socket_refused(Full::Instance);
    }
    let origin_ok = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_some_and(|origin| state.settings.origins().iter().any(|ok| ok == origin));
    if !origin_ok {
        return connection_refused(AppError::new(
            ErrorCode::CrossSiteRequest,
            "Connexion refusée : elle ne provient pas du site Paddock.",
        ));
    }
    let (user, session_id) = match connection_user(&session, &state).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    // The place is taken before the upgrade, and given back if the upgrade fails.
    let slot = match state.realtime.connections.reserve(user.id) {
        Ok(slot) => slot,
        Err(full) => return socket_refused(full),
    };
    let realtime = state.realtime.clone();
    ws.max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        // Small socket buffers keep an idle connection light (tungstenite reads into
        // 128 KiB by default); they grow only for the rare large frame.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .on_upgrade(move |socket| {
            let peer = Peer {
                user_id: user.id,
                session_id,
                staff: user.is_admin(),
            };
            let welcome = ServerMessage::Welcome {
                user_id: user.id,
                protocol: PROTOCOL_VERSION,
            }
            .encode();
            let limits = realtime.limits.clone();
            socket::run(
                realtime,
                slot,
                peer,
                welcome,
                socket,
                SocketFrames::new(&features, user, limits),
            )
        })
}

/// The refusal of a socket past a cap, before the upgrade.
fn socket_refused(full: Full) -> Response {
    let error = match full {
        Full::Instance => AppError {
            retry_after_secs: Some(FULL_RETRY_AFTER_SECS),
            ..AppError::new(
                ErrorCode::Unavailable,
                "Le serveur est complet pour le moment : nouvelle tentative dans un instant.",
            )
        },
        Full::User => AppError::new(
            ErrorCode::TooManyConnections,
            "Trop de connexions ouvertes : fermez un onglet de Paddock pour en ouvrir un autre.",
        ),
    };
    connection_refused(error)
}

/// Routes each frame of a socket to the feature that owns it.
struct SocketFrames {
    chat: ChatSocket,
    support: SupportSocket,
    /// Unreadable frames spend from the user's reads budget too.
    limits: Arc<Limits>,
}

impl SocketFrames {
    fn new(features: &Features, user: CurrentUser, limits: Arc<Limits>) -> Self {
        Self {
            limits,
            chat: ChatSocket {
                chat: features.chat.clone(),
                user: user.clone(),
            },
            support: SupportSocket {
                support: features.support.clone(),
                user,
            },
        }
    }
}

impl FrameHandler for SocketFrames {
    async fn on_text(&mut self, socket: &Registration, text: &str) -> Option<Later> {
        let Ok(frame) = serde_json::from_str::<ClientFrame>(text) else {
            let error = match self.limits.spend(self.chat.user.id, Budget::Reads) {
                Ok(()) => AppError::invalid_input("Message illisible : JSON du protocole attendu."),
                Err(limited) => limited,
            };
            socket
                .reply(Outbound::Frame(ServerMessage::error(error, None).encode()))
                .await;
            return None;
        };
        let reference = frame.reference;
        // A post's answer is its `ack` or `error`, naming its `client_id`.
        let is_post = matches!(frame.message, ClientMessage::Chat(ChatRequest::Post { .. }));
        let handled = match frame.message {
            ClientMessage::Chat(request) => self.chat.handle(socket, request).await,
            ClientMessage::Support(request) => {
                self.support.handle(socket, request).await.map(|()| None)
            }
        };
        let answer = match handled {
            Ok(later) if is_post => return later,
            Ok(later) => {
                debug_assert!(later.is_none(), "only posts answer later");
                ServerMessage::Done {
                    reference: reference?,
                }
            }
            Err(error) => ServerMessage::error(error, None).answering(reference),
        };
        socket.reply(Outbound::Frame(answer.encode())).await;
        None
    }
}
