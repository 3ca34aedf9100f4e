//! Sessions live as long as the user works, never longer than their absolute lifetime,
//! and end visibly: activity (requests, open sockets and streams) pushes the expiry back
//! without a write per request; an expired session leads to the login page with its
//! notice; sockets and streams end with their session (logout elsewhere, new login in
//! the same browser, expiry), and when the session cannot be checked; the first admin
//! never takes over a customer account silently.
//!
//! Time passing is simulated by moving the session's `expiry_date` and login time in
//! the database, so no test sleeps for long.

mod common;

use common::{ws::*, *};
use paddock::{
    auth::{
        server::{AdminSetup, AdminSetupError},
        NewAccount,
    },
    server::db,
};
use reqwest::Client as Http;
use serde_json::json;
use sqlx::PgPool;
use std::{
    process::{Command, Stdio},
    time::Duration,
};
use tokio_tungstenite::connect_async;

const THOMAS: &str = "thomas.durand@paddock.test";
const EXPIRED_NOTICE: &str = "Votre session a expiré. Reconnectez-vous pour continuer.";

/// A logged-in browser: its cookie jar, the `Cookie` header of its session (for the
/// sockets and streams of its other tabs) and the session's id.
struct Browser {
    http: Http,
    cookie: String,
    session_id: String,
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> Browser {
    let http = app.client();
    log_in_with(app, http, email, password).await
}

async fn log_in_with(app: &TestApp, http: Http, email: &str, password: &str) -> Browser {
    let response = app.login(&http, email, password).await;
    assert_eq!(response.status(), 200, "login of {email}");
    let cookie = session_cookie(&response)
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let session_id = cookie.split_once('=').unwrap().1.to_owned();
    Browser {
        http,
        cookie,
        session_id,
    }
}

/// Seconds from the database's now to the session's expiry.
async fn expires_in(pool: &PgPool, session_id: &str) -> f64 {
    sqlx::query_scalar(
        "select extract(epoch from expiry_date - now())::float8
           from tower_sessions.session where id = $1",
    )
    .bind(session_id)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Moves the session's expiry to `seconds` from now (negative: already expired).
async fn expire_in(pool: &PgPool, session_id: &str, seconds: i64) {
    sqlx::query(
        "update tower_sessions.session set expiry_date = now() + $2 * interval '1 second'
          where id = $1",
    )
    .bind(session_id)
    .bind(seconds as f64)
    .execute(pool)
    .await
    .unwrap();
}

/// Pretends the session logged in `hours` ago.
async fn logged_in_hours_ago(pool: &PgPool, session_id: &str, hours: i64) {
    let updated = sqlx::query(
        "update user_sessions set logged_in_at = now() - $2 * interval '1 hour'
          where session_id = $1",
    )
    .bind(session_id)
    .bind(hours as f64)
    .execute(pool)
    .await
    .unwrap();
    assert_eq!(updated.rows_affected(), 1);
}

async fn open_stream(app: &TestApp, cookie: &str) -> reqwest::Response {
    let response = Http::new()
        .get(app.url("/api/notifications/stream"))
        .header("cookie", cookie)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response
}

/// Whether the stream ends (cleanly) within 5 seconds.
async fn stream_ends(stream: &mut reqwest::Response) -> bool {
    tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await
    .is_ok()
}

/// The socket still answers: its session is alive.
async fn still_open(socket: &mut Client) {
    socket.send(json!({"type": "watch_rooms"})).await;
    socket.next_of("rooms").await;
}

async fn role_of(pool: &PgPool, email: &str) -> String {
    sqlx::query_scalar("select role from users where email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_session_cookie_lasts_as_long_as_the_browser_and_the_server_decides(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app
        .login(&app.client(), CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let cookie = session_cookie(&response).unwrap();
    // No Max-Age nor Expires: the browser keeps the cookie until it closes, so a session
    // kept alive by its sockets never loses its cookie, and a cookie whose session is
    // over is still sent — which is how the server knows to say « session expirée ».
    let attributes = cookie.to_lowercase();
    assert!(!attributes.contains("max-age"), "{cookie}");
    assert!(!attributes.contains("expires"), "{cookie}");
    assert!(attributes.contains("httponly"), "{cookie}");
    assert!(attributes.contains("samesite=lax"), "{cookie}");
    assert!(attributes.contains("path=/"), "{cookie}");
}

#[sqlx::test]
async fn activity_pushes_the_expiry_back_without_a_write_per_request(pool: PgPool) {
    // The case of the issue: one minute of idle time, a call every 15 seconds.
    let app = TestApp::spawn_with(pool, |s| s.session_idle_minutes = 1).await;
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let at_login: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select expiry_date from tower_sessions.session where id = $1")
            .bind(&julie.session_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    for _ in 0..3 {
        let list = app.call(&julie.http, "notifications/list", &[]).await;
        assert_eq!(list.status(), 200);
    }
    let now: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select expiry_date from tower_sessions.session where id = $1")
            .bind(&julie.session_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        now, at_login,
        "fresh sessions are not written on each request"
    );

    // 55 seconds later (5 left), a server function call keeps the session alive…
    expire_in(&app.pool, &julie.session_id, 5).await;
    let list = app.call(&julie.http, "notifications/list", &[]).await;
    assert_eq!(list.status(), 200);
    let left = expires_in(&app.pool, &julie.session_id).await;
    assert!(
        left > 55.0,
        "a call pushed the expiry back to a minute: {left} s"
    );
    // …and so does a page.
    expire_in(&app.pool, &julie.session_id, 5).await;
    assert_eq!(app.get(&julie.http, "/espace").await.status(), 200);
    let left = expires_in(&app.pool, &julie.session_id).await;
    assert!(left > 55.0, "a page pushed the expiry back: {left} s");
    // The refresh needs no new cookie: the browser's one still works.
    assert_eq!(app.get(&julie.http, "/espace").await.status(), 200);
}

#[sqlx::test]
async fn open_sockets_and_streams_keep_their_sessions_alive(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.ws_ping_seconds = 1).await;
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut socket = Client::with_cookie(&app, &julie.cookie).await;
    let thomas = log_in(&app, THOMAS, CUSTOMER_PASSWORD).await;
    let _stream = open_stream(&app, &thomas.cookie).await;

    // Nearly two hours without a request: only the socket and the stream are active.
    expire_in(&app.pool, &julie.session_id, 3).await;
    expire_in(&app.pool, &thomas.session_id, 3).await;
    let mut extended = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let socket_session = expires_in(&app.pool, &julie.session_id).await;
        let stream_session = expires_in(&app.pool, &thomas.session_id).await;
        if socket_session > 3600.0 && stream_session > 3600.0 {
            extended = true;
            break;
        }
    }
    assert!(
        extended,
        "the sweep of open connections pushed both expiries back"
    );
    still_open(&mut socket).await;
    assert_eq!(app.get(&julie.http, "/espace").await.status(), 200);
}

#[sqlx::test]
async fn the_absolute_lifetime_ends_a_session_whatever_the_activity(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.ws_ping_seconds = 1).await;
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut socket = Client::with_cookie(&app, &julie.cookie).await;
    still_open(&mut socket).await;

    // Active all along (the expiry is fresh), but logged in 13 hours ago: over.
    logged_in_hours_ago(&app.pool, &julie.session_id, 13).await;
    expire_in(&app.pool, &julie.session_id, 3600).await;
    assert_eq!(socket.close_code().await, 1008);
    let list = app.call(&julie.http, "notifications/list", &[]).await;
    assert_eq!(list.status(), 401);
    assert_eq!(error_code(list).await, "session_expired");

    let thomas = log_in(&app, THOMAS, CUSTOMER_PASSWORD).await;
    logged_in_hours_ago(&app.pool, &thomas.session_id, 12).await;
    let page = app.get(&thomas.http, "/espace").await;
    assert_eq!(page.status(), 303);
    assert_eq!(
        page.headers()["location"],
        "/connexion?next=/espace&expiree=1"
    );

    // Eleven hours in, the same activity is fine.
    let lea = log_in(&app, "lea.fournier@paddock.test", CUSTOMER_PASSWORD).await;
    logged_in_hours_ago(&app.pool, &lea.session_id, 11).await;
    assert_eq!(app.get(&lea.http, "/espace").await.status(), 200);
}

#[sqlx::test]
async fn an_expired_session_leads_to_the_login_page_with_a_notice(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    expire_in(&app.pool, &julie.session_id, -1).await;
    let page = app.get(&julie.http, "/espace/rendez-vous?vue=liste").await;
    assert_eq!(page.status(), 303);
    let location = page.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        "/connexion?next=/espace/rendez-vous%3Fvue%3Dliste&expiree=1"
    );
    let login = app.get(&julie.http, &location).await;
    assert_eq!(login.status(), 200);
    let html = login.text().await.unwrap();
    assert!(
        html.contains(EXPIRED_NOTICE),
        "the notice is on the login page"
    );
    // Without `expiree`, the login page says nothing of the kind.
    let plain = app.get(&app.client(), "/connexion").await;
    assert!(!plain.text().await.unwrap().contains(EXPIRED_NOTICE));

    // Server functions say it too, with their own code.
    let thomas = log_in(&app, THOMAS, CUSTOMER_PASSWORD).await;
    expire_in(&app.pool, &thomas.session_id, -1).await;
    let list = app.call(&thomas.http, "notifications/list", &[]).await;
    assert_eq!(list.status(), 401);
    let error: serde_json::Value = list.json().await.unwrap();
    assert_eq!(error["code"], "session_expired");
    assert_eq!(error["message"], EXPIRED_NOTICE);
    // The answer cleared the cookie: from now on, a plain anonymous visitor.
    let again = app.call(&thomas.http, "notifications/list", &[]).await;
    assert_eq!(error_code(again).await, "unauthenticated");

    // A socket cannot open on it either.
    let lea = log_in(&app, "lea.fournier@paddock.test", CUSTOMER_PASSWORD).await;
    expire_in(&app.pool, &lea.session_id, -1).await;
    match connect_async(ws_request(&app, Some(&lea.cookie), Some(&app.base))).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("the upgrade was not refused: {:?}", other.map(|_| ())),
    }
}

#[sqlx::test]
async fn sockets_and_streams_end_on_logout_elsewhere_and_on_expiry(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.ws_ping_seconds = 1).await;
    // Logout in another tab of the same browser.
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut socket = Client::with_cookie(&app, &julie.cookie).await;
    let mut stream = open_stream(&app, &julie.cookie).await;
    assert_eq!(
        app.call(&julie.http, "session/logout", &[]).await.status(),
        200
    );
    assert_eq!(socket.close_code().await, 1008);
    assert!(stream_ends(&mut stream).await);

    // Expiry.
    let thomas = log_in(&app, THOMAS, CUSTOMER_PASSWORD).await;
    let mut socket = Client::with_cookie(&app, &thomas.cookie).await;
    let mut stream = open_stream(&app, &thomas.cookie).await;
    expire_in(&app.pool, &thomas.session_id, -1).await;
    assert_eq!(socket.close_code().await, 1008);
    assert!(stream_ends(&mut stream).await);
}

#[sqlx::test]
async fn a_new_login_in_the_same_browser_ends_the_old_sessions_sockets_at_once(pool: PgPool) {
    // The periodic check is a minute away: only the login itself can end them in time.
    let app = TestApp::spawn_with(pool, |s| {
        s.ws_ping_seconds = 60;
        s.ws_idle_timeout_seconds = 120;
    })
    .await;
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut socket = Client::with_cookie(&app, &julie.cookie).await;
    let thomas = log_in_with(&app, julie.http.clone(), THOMAS, CUSTOMER_PASSWORD).await;
    assert_ne!(thomas.session_id, julie.session_id);
    assert_eq!(socket.close_code().await, 1008);

    // Julie's old cookie is over; the browser now holds Thomas's session.
    let old = Http::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/espace"))
        .header("cookie", &julie.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 303);
    assert_eq!(
        old.headers()["location"],
        "/connexion?next=/espace&expiree=1"
    );
    let me: serde_json::Value = app
        .call(&thomas.http, "session/me", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], THOMAS);
}

#[sqlx::test]
async fn a_failing_session_check_closes_sockets_and_streams(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.ws_ping_seconds = 1).await;
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut socket = Client::with_cookie(&app, &julie.cookie).await;
    let thomas = log_in(&app, THOMAS, CUSTOMER_PASSWORD).await;
    let mut stream = open_stream(&app, &thomas.cookie).await;
    still_open(&mut socket).await;

    // The sessions can no longer be read.
    sqlx::query("alter table tower_sessions.session rename to session_unreachable")
        .execute(&app.pool)
        .await
        .unwrap();
    // Closed with 1013 (try again later), not kept alive unchecked, and not 1008: the
    // session may well be valid, so the browser reconnects…
    assert_eq!(socket.close_code().await, 1013);
    assert!(stream_ends(&mut stream).await);
    // …and the upgrade checks the session again: refused while the database fails…
    match connect_async(ws_request(&app, Some(&julie.cookie), Some(&app.base))).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503)
        }
        other => panic!("the upgrade was not refused: {:?}", other.map(|_| ())),
    }
    // …accepted once it is back.
    sqlx::query("alter table tower_sessions.session_unreachable rename to session")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut socket = Client::with_cookie(&app, &julie.cookie).await;
    still_open(&mut socket).await;
}

fn admin_account(email: &str, password: &str) -> NewAccount {
    NewAccount::parse(email, "Chef d'atelier", password).unwrap()
}

#[sqlx::test]
async fn the_admin_setup_never_promotes_a_customer_silently(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let refused = db::ensure_admin(
        &app.pool,
        admin_account(CUSTOMER_EMAIL, "un-mot-de-passe-admin"),
        false,
    )
    .await;
    assert!(
        matches!(refused, Err(AdminSetupError::CustomerAccount(_))),
        "{refused:?}"
    );
    assert!(refused.unwrap_err().to_string().contains("--promote"));
    assert_eq!(role_of(&app.pool, CUSTOMER_EMAIL).await, "customer");
    // Nothing changed for her: same session, same password, no admin page.
    assert_eq!(app.get(&julie.http, "/espace").await.status(), 200);
    assert_eq!(app.get(&julie.http, "/admin").await.status(), 403);
    assert_eq!(
        app.login(&app.client(), CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
            .await
            .status(),
        200
    );
}

#[sqlx::test]
async fn promoting_a_customer_ends_every_session_of_the_account(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    // Whoever registered the address first keeps a cookie and a socket…
    let julie = log_in(&app, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let mut socket = Client::with_cookie(&app, &julie.cookie).await;
    let promoted = db::ensure_admin(
        &app.pool,
        admin_account(CUSTOMER_EMAIL, "un-mot-de-passe-admin"),
        true,
    )
    .await
    .unwrap();
    assert_eq!(promoted, AdminSetup::Promoted { sessions_ended: 1 });
    assert_eq!(role_of(&app.pool, CUSTOMER_EMAIL).await, "admin");
    // …which do not become an admin session: both end.
    assert_eq!(socket.close_code().await, 1008);
    let page = app.get(&julie.http, "/admin").await;
    assert_eq!(page.status(), 303);
    assert_eq!(
        page.headers()["location"],
        "/connexion?next=/admin&expiree=1"
    );
    // Only the operator's password opens the admin account.
    assert_eq!(
        app.login(&app.client(), CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
            .await
            .status(),
        401
    );
    let admin = app
        .login(&app.client(), CUSTOMER_EMAIL, "un-mot-de-passe-admin")
        .await;
    assert_eq!(admin.headers()["location"], "/admin");
}

#[sqlx::test]
async fn the_admin_setup_is_idempotent_and_a_new_password_ends_the_admins_sessions(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let chef = "chef@paddock.test";
    let created = db::ensure_admin(
        &app.pool,
        admin_account(chef, "premier-mot-de-passe"),
        false,
    )
    .await
    .unwrap();
    assert_eq!(created, AdminSetup::Created);
    let browser = log_in(&app, chef, "premier-mot-de-passe").await;
    let mut socket = Client::with_cookie(&app, &browser.cookie).await;

    // Every start of the deployment sets the same admin up again: nothing happens.
    for _ in 0..2 {
        let again = db::ensure_admin(
            &app.pool,
            admin_account(chef, "premier-mot-de-passe"),
            false,
        )
        .await
        .unwrap();
        assert_eq!(again, AdminSetup::Unchanged);
    }
    assert_eq!(app.get(&browser.http, "/admin").await.status(), 200);
    still_open(&mut socket).await;

    // A new password in the environment: reset, and the old sessions end.
    let reset = db::ensure_admin(&app.pool, admin_account(chef, "second-mot-de-passe"), false)
        .await
        .unwrap();
    assert_eq!(reset, AdminSetup::PasswordReset { sessions_ended: 1 });
    assert_eq!(socket.close_code().await, 1008);
    assert_eq!(app.get(&browser.http, "/admin").await.status(), 303);
    assert_eq!(
        app.login(&app.client(), chef, "premier-mot-de-passe")
            .await
            .status(),
        401
    );
    assert_eq!(
        app.login(&app.client(), chef, "second-mot-de-passe")
            .await
            .status(),
        200
    );
}

/// `paddock create-admin` refuses a customer's address (exit 1, a clear message)
/// unless `--promote`; the server started with that address logs the refusal and
/// serves anyway.
#[sqlx::test]
async fn the_binary_promotes_a_customer_only_with_promote(pool: PgPool) {
    db::migrate(&pool).await.unwrap();
    db::seed(&pool).await.unwrap();
    let database = pool.connect_options().get_database().unwrap().to_owned();
    let base_url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let (server_url, _) = base_url.rsplit_once('/').unwrap();
    let paddock = |args: &[&str], port: u16| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_paddock"));
        command
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DATABASE_URL", format!("{server_url}/{database}"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            // Leptos.toml names the site's files by hash; a test binary has no hash.txt.
            .env("LEPTOS_HASH_FILES", "false")
            .env("PADDOCK_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("PADDOCK_SEED_DEMO_DATA", "false")
            .env("PADDOCK_METRICS_ADDR", "127.0.0.1:0")
            .env("PADDOCK_ADMIN_EMAIL", CUSTOMER_EMAIL)
            .env("PADDOCK_ADMIN_PASSWORD", "un-mot-de-passe-admin")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    };

    let refused = paddock(&["create-admin"], 0).output().unwrap();
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("customer account") && message.contains("--promote"),
        "{message}"
    );
    assert_eq!(role_of(&pool, CUSTOMER_EMAIL).await, "customer");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = paddock(&[], port).stderr(Stdio::null()).spawn().unwrap();
    let mut ready = false;
    for _ in 0..200 {
        if let Ok(response) = Http::new()
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            ready = response.status() == 200;
            if ready {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(ready, "the server starts despite the refused admin");
    assert_eq!(role_of(&pool, CUSTOMER_EMAIL).await, "customer");

    let promoted = paddock(&["create-admin", "--promote"], 0).output().unwrap();
    assert!(
        promoted.status.success(),
        "{}",
        String::from_utf8_lossy(&promoted.stderr)
    );
    assert_eq!(role_of(&pool, CUSTOMER_EMAIL).await, "admin");
}
