//! The Paddock server.
//!
//! `paddock` serves the site. `paddock create-admin` creates the admin given by
//! `PADDOCK_ADMIN_EMAIL`, `PADDOCK_ADMIN_NAME` and `PADDOCK_ADMIN_PASSWORD`, then exits.
//!
//! With those variables set, `paddock` also sets the admin up at every start. Either
//! way, an existing admin keeps its password unless `PADDOCK_ADMIN_PASSWORD` changed
//! (then it is reset and every session of the account ends), and an existing
//! *customer* account with that email is never promoted silently — anyone may register
//! the future admin's address first. `paddock create-admin --promote` promotes it (its
//! sessions end); without `--promote`, `create-admin` fails, and the server logs the
//! refusal and starts without that admin (failing to start would let whoever registered
//! the address keep the site down).

use leptos::config::get_configuration;
use paddock::{
    auth::server::AdminSetupError,
    config::Settings,
    monitoring::{self, server::MonitoringOptions},
    server::{assets, db, observability, AppState},
    site,
};
use std::{net::SocketAddr, process::ExitCode, time::Duration};
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

const CONFIG_FILE: &str = "Leptos.toml";

fn main() -> ExitCode {
    let failed = |err: String| {
        tracing::error!("{err}");
        eprintln!("paddock: {err}");
        ExitCode::FAILURE
    };
    let settings = match Settings::load(CONFIG_FILE) {
        Ok(settings) => settings,
        Err(err) => return failed(err.to_string()),
    };
    // Sentry starts before the runtime, so that every thread reports to it; its guard
    // flushes what is queued when `main` returns.
    let options = MonitoringOptions::from_env(|name| std::env::var(name).ok(), settings.uses_tls());
    let commit = options.commit.clone();
    let _monitoring = match monitoring::server::init(options) {
        Ok(guard) => guard,
        Err(err) => return failed(err),
    };
    observability::init_tracing(&settings.log_format);
    observability::record_build_info(commit.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return failed(format!("cannot start the runtime: {err}")),
    };
    match runtime.block_on(run(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => failed(err),
    }
}

async fn run(settings: Settings) -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().cloned();

    let database_url =
        std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set".to_string())?;
    let pool = db::connect(&database_url)
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    db::migrate(&pool)
        .await
        .map_err(|e| format!("migrations failed: {e}"))?;

    let bootstrap_admin = db::admin_from_env().map_err(|e| format!("PADDOCK_ADMIN_*: {e}"))?;
    match command.as_deref() {
        None | Some("serve") => {}
        Some("create-admin") => {
            let promote = match args.get(1).map(String::as_str) {
                None => false,
                Some("--promote") if args.len() == 2 => true,
                Some(_) => return Err("usage: paddock create-admin [--promote]".to_string()),
            };
            let account = bootstrap_admin.ok_or(
                "create-admin needs PADDOCK_ADMIN_EMAIL and PADDOCK_ADMIN_PASSWORD".to_string(),
            )?;
            return db::ensure_admin(&pool, account, promote)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
        }
        Some(other) => {
            return Err(format!(
                "unknown command {other:?} (use serve or create-admin)"
            ))
        }
    }

    if settings.seed_demo_data
        && db::seed_if_empty(&pool)
            .await
            .map_err(|e| format!("seed failed: {e}"))?
    {
        tracing::info!("demo data loaded from seed.sql");
    }
    if let Some(account) = bootstrap_admin {
        match db::ensure_admin(&pool, account, false).await {
            Ok(_) => {}
            Err(refused @ AdminSetupError::CustomerAccount(_)) => {
                tracing::error!("PADDOCK_ADMIN_EMAIL: {refused}; starting without that admin")
            }
            Err(AdminSetupError::Failed(err)) => return Err(format!("PADDOCK_ADMIN_*: {err}")),
        }
    }

    let leptos_options = get_configuration(Some(CONFIG_FILE))
        .or_else(|_| get_configuration(None))
        .map_err(|e| format!("Leptos configuration: {e}"))?
        .leptos_options;
    assets::check_hash_file(&leptos_options)?;
    let address = leptos_options.site_addr;

    // Expired sessions are deleted in the background.
    let store = PostgresStore::new(pool.clone());
    tokio::spawn(store.continuously_delete_expired(Duration::from_secs(300)));

    let state = AppState::new(pool, settings, leptos_options);
    let realtime = state.realtime.clone();
    let throttle = state.login_throttle.clone();
    let limits = state.limits.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            throttle.forget_idle_keys(std::time::Instant::now());
            limits.forget_idle_keys();
        }
    });

    let metrics_address = settings_metrics_addr(&state)?;
    let metrics_listener = tokio::net::TcpListener::bind(metrics_address)
        .await
        .map_err(|e| format!("cannot listen on {metrics_address} (metrics): {e}"))?;
    if !metrics_address.ip().is_loopback() && state.settings.metrics_token.is_none() {
        tracing::warn!(%metrics_address, "metrics listener reachable from the network without PADDOCK_METRICS_TOKEN");
    }
    let metrics_app = observability::metrics_router(state.clone());
    tokio::spawn(async move {
        if let Err(err) = axum::serve(metrics_listener, metrics_app).await {
            tracing::error!(%err, "metrics listener stopped");
        }
    });
    tracing::info!("metrics on http://{metrics_address}/metrics");

    let app = site::start(state)
        .await
        .map_err(|e| format!("cannot listen to events: {e}"))?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    tracing::info!("Paddock listening on http://{address}");

    // On SIGTERM: stop accepting, let sockets answer what is in flight and close with
    // 1001, end the event streams, remove this instance's presence; all within 10 s.
    let drained = tokio::spawn({
        let realtime = realtime.clone();
        async move {
            shutdown_signal().await;
            realtime.shut_down(SOCKETS_DRAIN).await;
        }
    });
    let mut stopping = realtime.shutdown_signal();
    let serving = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stopping.wait_for(|stopped| *stopped).await;
    });
    let finished = async {
        let served = serving.await.map_err(|e| e.to_string());
        let _ = drained.await;
        served
    };
    let mut stopping = realtime.shutdown_signal();
    let deadline = async move {
        let _ = stopping.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(SHUTDOWN_DEADLINE).await;
    };
    tokio::select! {
        served = finished => served,
        _ = deadline => {
            tracing::warn!("shutdown deadline reached: exiting with connections still open");
            Ok(())
        }
    }
}

fn settings_metrics_addr(state: &AppState) -> Result<SocketAddr, String> {
    state
        .settings
        .metrics_addr
        .parse()
        .map_err(|e| format!("PADDOCK_METRICS_ADDR: {e}"))
}

/// How long sockets get to answer and close at shutdown.
const SOCKETS_DRAIN: Duration = Duration::from_secs(8);
/// The whole shutdown, from the signal to the exit.
const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
