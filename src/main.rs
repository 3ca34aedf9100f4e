//! The Paddock server.
//!
//! `paddock` serves the site. `paddock create-admin` creates (or promotes) the admin
//! given by `PADDOCK_ADMIN_EMAIL`, `PADDOCK_ADMIN_NAME` and `PADDOCK_ADMIN_PASSWORD`, then exits.

use leptos::config::get_configuration;
use paddock::{
    config::Settings,
    server::{db, observability, router, AppState},
};
use std::{net::SocketAddr, process::ExitCode, time::Duration};
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

const CONFIG_FILE: &str = "Leptos.toml";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("paddock: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let settings = Settings::load(CONFIG_FILE).map_err(|e| e.to_string())?;
    observability::init_tracing(&settings.log_format);
    let command = std::env::args().nth(1);

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
            let account = bootstrap_admin.ok_or(
                "create-admin needs PADDOCK_ADMIN_EMAIL and PADDOCK_ADMIN_PASSWORD".to_string(),
            )?;
            return db::ensure_admin(&pool, account).await;
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
        db::ensure_admin(&pool, account).await?;
    }

    let leptos_options = get_configuration(Some(CONFIG_FILE))
        .or_else(|_| get_configuration(None))
        .map_err(|e| format!("Leptos configuration: {e}"))?
        .leptos_options;
    let address = leptos_options.site_addr;

    // Expired sessions are deleted in the background.
    let store = PostgresStore::new(pool.clone());
    tokio::spawn(store.continuously_delete_expired(Duration::from_secs(300)));

    let state = AppState::new(pool, settings, leptos_options);
    state
        .chat
        .hub
        .start_listener()
        .await
        .map_err(|e| format!("cannot listen to chat events: {e}"))?;
    let limiter = state.login_limiter.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limiter.forget_idle_keys();
        }
    });

    let app = router(state);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    tracing::info!("Paddock listening on http://{address}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())
}

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
