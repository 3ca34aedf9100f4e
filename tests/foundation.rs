//! The foundation, driven over HTTP against the real router and a real PostgreSQL
//! database per test: accounts, sessions, roles, cross-site refusal, rate limits,
//! security headers, SEO files and health probes.

mod common;

use common::*;
use sqlx::PgPool;

#[sqlx::test]
async fn a_visitor_registers_and_is_logged_in_as_a_customer(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.client();
    let response = app
        .call(
            &client,
            "session/register",
            &[
                ("email", "  Nouveau.Client@Paddock.test "),
                ("display_name", "Nouveau  Client"),
                ("password", "un-mot-de-passe-long"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["location"], "/espace");

    let me: serde_json::Value = app
        .call(&client, "session/me", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "nouveau.client@paddock.test");
    assert_eq!(me["display_name"], "Nouveau Client");
    assert_eq!(me["role"], "customer");

    let page = app.get(&client, "/espace").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Nouveau Client"));

    // The password is stored as an argon2id hash, never in clear.
    let hash: String = sqlx::query_scalar("select password_hash from users where email = $1")
        .bind("nouveau.client@paddock.test")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
}

#[sqlx::test]
async fn registering_an_email_twice_is_refused_whatever_its_case(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app
        .call(
            &app.client(),
            "session/register",
            &[
                ("email", "JULIE.PETIT@paddock.test"),
                ("display_name", "Autre Julie"),
                ("password", "un-mot-de-passe-long"),
            ],
        )
        .await;
    assert_eq!(response.status(), 409);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "email_taken");
    assert_eq!(body["message"], "Cette adresse e-mail est déjà utilisée.");
    let accounts: i64 =
        sqlx::query_scalar("select count(*) from users where email = 'julie.petit@paddock.test'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(accounts, 1);
}

#[sqlx::test]
async fn registration_explains_invalid_fields_and_creates_nothing(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.client();
    for (email, password, code, message) in [
        (
            "pas-une-adresse",
            "un-mot-de-passe-long",
            "invalid_email",
            "Adresse e-mail invalide.",
        ),
        (
            "court@paddock.test",
            "court",
            "password_too_short",
            "Le mot de passe doit contenir au moins 10 caractères.",
        ),
    ] {
        let response = app
            .call(
                &client,
                "session/register",
                &[
                    ("email", email),
                    ("display_name", "Quelqu'un"),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], code);
        assert_eq!(body["message"], message);
    }
    let accounts: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(accounts, 7, "only the seed accounts exist");
}

#[sqlx::test]
async fn login_rotates_the_session_id_and_sends_each_role_home(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.client();
    // A session that exists before login (e.g. planted by an attacker).
    let anonymous = app
        .login(&client, CUSTOMER_EMAIL, "mauvais-mot-de-passe")
        .await;
    assert_eq!(anonymous.status(), 401);

    let response = app.login(&client, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["location"], "/espace");
    let cookie = session_cookie(&response).expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not mark the cookie Secure: {cookie}"
    );

    // Logging in again issues a new session id.
    let again = app.login(&client, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    let second = session_cookie(&again).expect("a rotated session cookie");
    assert_ne!(cookie.split(';').next(), second.split(';').next());

    let admin = app.login(&app.client(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(admin.headers()["location"], "/admin");

    // `next` is followed only when it is a local path.
    let next = app
        .call(
            &app.client(),
            "session/login",
            &[
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(next.headers()["location"], "/admin");

    // A control character cannot go into the `Location` header: it made the answer
    // panic after the session had started. Such a request is refused before the login
    // (400, like every field with a control character), and no session starts.
    for bad in ["/admin/salons\u{1}", "/espace\u{0}", "/a\u{7f}"] {
        let next = app
            .call(
                &app.client(),
                "session/login",
                &[
                    ("email", ADMIN_EMAIL),
                    ("password", ADMIN_PASSWORD),
                    ("next", bad),
                ],
            )
            .await;
        assert_eq!(next.status(), 400, "{bad:?}");
        assert!(session_cookie(&next).is_none(), "{bad:?}");
        assert_eq!(error_code(next).await, "invalid_characters", "{bad:?}");
    }
}

#[sqlx::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let wrong = app
        .login(&app.client(), CUSTOMER_EMAIL, "mauvais-mot-de-passe")
        .await;
    assert_eq!(wrong.status(), 401);
    let wrong: serde_json::Value = wrong.json().await.unwrap();
    let unknown = app
        .login(
            &app.client(),
            "personne@paddock.test",
            "mauvais-mot-de-passe",
        )
        .await;
    assert_eq!(unknown.status(), 401);
    let unknown: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["code"], "invalid_credentials");
    assert_eq!(
        wrong["message"],
        "Adresse e-mail ou mot de passe incorrect."
    );
}

/// A plain HTML form (sent before the page has hydrated, or without JavaScript) is
/// answered with its page again, saying in French what went wrong, rather than with
/// JSON; a good one is sent on to the page it was for.
#[sqlx::test]
async fn a_refused_plain_html_form_comes_back_to_its_page_saying_why(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.client();
    let plain_form = |endpoint: &str, page: &str, form: &[(&str, &str)]| {
        client
            .post(app.url(&format!("/api/{endpoint}")))
            .header("origin", &app.base)
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .header("referer", app.url(page))
            .form(form)
            .send()
    };
    let login_page = "/connexion?next=/espace/salons";
    let refused = plain_form(
        "session/login",
        login_page,
        &[
            ("email", CUSTOMER_EMAIL),
            ("password", "mauvais-mot-de-passe"),
            ("next", "/espace/salons"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 303);
    let back = refused.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        back,
        "/connexion?next=/espace/salons&erreur=invalid_credentials"
    );
    assert!(session_cookie(&refused).is_none());
    let page = app.get(&client, &back).await.text().await.unwrap();
    assert!(
        page.contains(r#"role="alert""#)
            && page.contains("Adresse e-mail ou mot de passe incorrect."),
        "the login page does not say why"
    );
    // The refusal takes the focus when the page opens, to be read first.
    assert!(
        page.contains(r#"tabindex="-1""#) && page.contains("autofocus"),
        "{page}"
    );
    // The form keeps where to go after login.
    assert!(
        page.contains(r#"name="next" value="/espace/salons""#),
        "{page}"
    );

    let accepted = plain_form(
        "session/login",
        &back,
        &[
            ("email", CUSTOMER_EMAIL),
            ("password", CUSTOMER_PASSWORD),
            ("next", "/espace/salons"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(accepted.status(), 302);
    assert_eq!(accepted.headers()["location"], "/espace/salons");

    let taken = plain_form(
        "session/register",
        "/inscription",
        &[
            ("email", CUSTOMER_EMAIL),
            ("display_name", "Julie Bis"),
            ("password", "un-mot-de-passe-solide"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(taken.status(), 303);
    assert_eq!(
        taken.headers()["location"],
        "/inscription?erreur=email_taken"
    );
    let page = app
        .get(&app.client(), "/inscription?erreur=email_taken")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Cette adresse e-mail est déjà utilisée."));
}

/// A page the server renders calls server functions with the page's own request: a
/// browser's GET (HTML, with a Referer) that meets a refusal keeps its status and is never
/// sent elsewhere like a refused form.
#[sqlx::test]
async fn a_page_whose_data_is_refused_keeps_its_status_and_stays_put(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let missing = app
        .client()
        .get(app.url("/motos/inconnue"))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("referer", app.url("/motos"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get("location").is_none());
}

#[sqlx::test]
async fn logout_ends_the_session_on_the_server(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let sessions = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from tower_sessions.session")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    assert_eq!(sessions().await, 1);

    let response = app.call(&client, "session/logout", &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["location"], "/");
    assert_eq!(sessions().await, 0, "the session row is deleted");

    let me: serde_json::Value = app
        .call(&client, "session/me", &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(me.is_null());
    assert_eq!(app.get(&client, "/espace").await.status(), 303);
}

#[sqlx::test]
async fn anonymous_visitors_of_member_pages_are_sent_to_login(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for (path, next) in [("/espace", "%2Fespace"), ("/admin", "%2Fadmin")] {
        let response = app.get(&app.client(), path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(
            response.headers()["location"],
            format!("/connexion?next={next}").replace("%2F", "/")
        );
    }
}

#[sqlx::test]
async fn customers_are_refused_admin_pages_and_admin_functions(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let customer = app
        .logged_in_client(CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    let page = app.get(&customer, "/admin").await;
    assert_eq!(page.status(), 403);
    assert!(page.text().await.unwrap().contains("Accès refusé"));

    let function = app.call(&customer, "admin/accounts", &[]).await;
    assert_eq!(function.status(), 403);
    assert_eq!(error_code(function).await, "forbidden");

    let anonymous = app.call(&app.client(), "admin/accounts", &[]).await;
    assert_eq!(anonymous.status(), 401);

    let admin = app.logged_in_client(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page = app.get(&admin, "/admin").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Administration"));
    let overview: serde_json::Value = app
        .call(&admin, "admin/accounts", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["customers"], 5);
    assert_eq!(overview["admins"], 2);
}

#[sqlx::test]
async fn cross_site_state_changes_are_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.client();
    let forged = client
        .post(app.url("/api/session/login"))
        .header("origin", "https://evil.example")
        .form(&[("email", CUSTOMER_EMAIL), ("password", CUSTOMER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(session_cookie(&forged).is_none());
    assert_eq!(error_code(forged).await, "cross_site_request");

    let no_origin_but_cross_site = client
        .post(app.url("/api/session/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin_but_cross_site.status(), 403);

    // The same request from the site itself goes through.
    assert_eq!(
        app.login(&client, CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
            .await
            .status(),
        200
    );
}

/// A login from `address`, as the trusted reverse proxy reports it.
async fn login_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    app.client()
        .post(app.url("/api/session/login"))
        .header("origin", &app.base)
        .header("x-forwarded-for", address)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_guesser_is_slowed_but_never_locks_the_owner_out(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.trust_proxy_headers = true;
        s.login_free_failures_per_account_and_address = 3;
    })
    .await;
    let attacker = "203.0.113.66";
    // Eleven wrong passwords from one address: three are free, the fourth makes that
    // address wait before each new try on this account.
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(
            login_from(&app, attacker, CUSTOMER_EMAIL, "mauvais-mot-de-passe")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..5], &[401, 401, 401, 401, 429], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let limited = login_from(&app, attacker, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await;
    assert_eq!(
        limited.status(),
        429,
        "the attacker's address waits, even with the right password"
    );
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Trop de tentatives"));

    // The owner, from their own address, logs in at once.
    assert_eq!(
        login_from(&app, "198.51.100.20", CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
            .await
            .status(),
        200
    );
    // After the wait, the guesser gets one more try, and the next wait is longer.
    tokio::time::sleep(std::time::Duration::from_secs(retry_after)).await;
    assert_eq!(
        login_from(&app, attacker, CUSTOMER_EMAIL, "encore-faux-123")
            .await
            .status(),
        401
    );
    let next: u64 = login_from(&app, attacker, CUSTOMER_EMAIL, "encore-faux-123")
        .await
        .headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(next > retry_after, "{next} after {retry_after}");
}

#[sqlx::test]
async fn one_address_guessing_many_accounts_waits_too(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.trust_proxy_headers = true;
        s.login_free_failures_per_address = 3;
    })
    .await;
    // Three free failures, then the fourth makes the address wait.
    for n in 0..4 {
        let email = format!("inconnu{n}@paddock.test");
        assert_eq!(
            login_from(&app, "203.0.113.80", &email, "mauvais-mot-de-passe")
                .await
                .status(),
            401
        );
    }
    assert_eq!(
        login_from(&app, "203.0.113.80", ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        429
    );
    assert_eq!(
        login_from(&app, "203.0.113.81", ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        200
    );
}

#[sqlx::test]
async fn an_oversized_login_email_is_refused_before_anything_else(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.login_attempts_per_ip_per_minute = 1).await;
    let huge = format!("{}@paddock.test", "a".repeat(10_000));
    for _ in 0..3 {
        let response = app
            .login(&app.client(), &huge, "mauvais-mot-de-passe")
            .await;
        assert_eq!(
            response.status(),
            422,
            "checked before the limiters count it"
        );
        assert_eq!(error_code(response).await, "invalid_email");
    }
    // The address's one attempt of the minute is still there for a real login.
    assert_eq!(
        app.login(&app.client(), CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
            .await
            .status(),
        200
    );
}

#[sqlx::test]
async fn login_attempts_are_limited_per_address(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.login_attempts_per_ip_per_minute = 4).await;
    for n in 0..4 {
        let email = format!("inconnu{n}@paddock.test");
        assert_eq!(
            app.login(&app.client(), &email, "mauvais-mot-de-passe")
                .await
                .status(),
            401
        );
    }
    let limited = app.login(&app.client(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
}

#[sqlx::test]
async fn every_response_carries_the_security_headers(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.client();
    for path in [
        "/",
        "/connexion",
        "/healthz",
        "/robots.txt",
        "/page-inexistante",
    ] {
        let response = app.get(&client, path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(headers.contains_key("x-request-id"), "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS over plain HTTP"
        );
    }

    // A page's inline scripts run only with the nonce its policy names.
    let page = app.get(&client, "/connexion").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the page policy")
        .to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\"")));
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(
        with_nonce >= scripts,
        "every inline script carries the nonce"
    );

    // A second request gets a different nonce.
    let other = app.get(&client, "/connexion").await;
    assert_ne!(
        other.headers()["content-security-policy"].to_str().unwrap(),
        csp
    );
}

/// A page's reactive owner could be current on the thread handling another request;
/// Leptos' handlers for files and server functions looked their contexts up through it, so a
/// file took the page's headers (the page went out without its policy) and a server
/// function answered with the page's nonce. The in-process server runs on this test's
/// thread: a page's owner left current here is what the next requests meet.
#[sqlx::test]
async fn no_request_reaches_what_a_page_left_on_its_thread(pool: PgPool) {
    use leptos::prelude::{provide_context, Owner};
    // A file of the site's own, so that the test needs no release build.
    let site_root = std::env::temp_dir().join(format!("paddock-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&site_root).unwrap();
    std::fs::write(site_root.join("probe.txt"), "a file of the site").unwrap();
    let app = TestApp::spawn_with_site_root(pool, site_root.to_str().unwrap()).await;
    let client = app.client();
    let page_policy = "default-src 'self'; script-src 'nonce-of-another-page'";
    let left_behind = Owner::new_root(None);
    let page_response = leptos_axum::ResponseOptions::default();
    left_behind.with(|| {
        provide_context(page_response.clone());
        provide_context(leptos::nonce::Nonce::new());
    });
    page_response.insert_header(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(page_policy),
    );
    left_behind.set();

    let file = app.get(&client, "/probe.txt").await;
    assert_eq!(file.status(), 200);
    let server_function = app.call(&client, "catalogue/models", &[]).await;
    assert_eq!(server_function.status(), 200);
    for (what, response) in [("a file", file), ("a server function", server_function)] {
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{what}: {csp}");
    }
    // The other page's headers are where its render left them.
    assert!(page_response
        .0
        .read()
        .unwrap()
        .headers
        .contains_key(axum::http::header::CONTENT_SECURITY_POLICY));
    left_behind.unset();
    std::fs::remove_dir_all(&site_root).unwrap();
}

#[sqlx::test]
async fn over_tls_cookies_are_secure_and_hsts_is_sent(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.allowed_origins = vec![s.public_url.clone()];
        s.public_url = "https://paddock.example".into();
    })
    .await;
    let response = app
        .login(&app.client(), CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    let cookie = session_cookie(&response).unwrap();
    assert!(cookie.starts_with("__Host-paddock_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[sqlx::test]
async fn oversized_bodies_are_refused(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let huge = "x".repeat(100 * 1024);
    let response = app
        .call(
            &app.client(),
            "session/login",
            &[("email", CUSTOMER_EMAIL), ("password", &huge)],
        )
        .await;
    assert_eq!(response.status(), 413);
}

#[sqlx::test]
async fn pages_have_their_own_title_description_and_canonical_link(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.client();
    let mut titles = Vec::new();
    for path in ["/", "/connexion", "/inscription"] {
        let html = app.get(&client, path).await.text().await.unwrap();
        assert!(html.contains("<html lang=\"fr\""), "{path}");
        assert!(html.contains("<meta name=\"description\""), "{path}");
        let canonical = format!("<link href=\"{}{path}\" rel=\"canonical\">", app.base);
        assert!(html.contains(&canonical), "{path}: no {canonical}");
        let title = html
            .split("<title>")
            .nth(1)
            .unwrap()
            .split("</title>")
            .next()
            .unwrap()
            .to_owned();
        assert!(title.ends_with(" · Paddock"), "{title}");
        titles.push(title);
    }
    titles.dedup();
    assert_eq!(titles.len(), 3, "each page has its own title");

    let missing = app.get(&client, "/page-inexistante").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page introuvable"));
}

#[sqlx::test]
async fn robots_and_sitemap_point_to_the_public_pages(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let robots = app
        .get(&app.client(), "/robots.txt")
        .await
        .text()
        .await
        .unwrap();
    assert!(robots.contains("Disallow: /admin"));
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", app.base)));
    let sitemap = app.get(&app.client(), "/sitemap.xml").await;
    assert!(sitemap.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let sitemap = sitemap.text().await.unwrap();
    assert!(sitemap.contains(&format!("<loc>{}/inscription</loc>", app.base)));
    assert!(!sitemap.contains("/admin"));
}

#[sqlx::test]
async fn probes_and_metrics_report_on_the_service(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let client = app.client();
    assert_eq!(
        app.get(&client, "/healthz").await.text().await.unwrap(),
        "ok"
    );
    assert_eq!(app.get(&client, "/readyz").await.status(), 200);
    app.get(&client, "/connexion").await;
    assert_eq!(
        app.get(&client, "/metrics").await.status(),
        404,
        "the public port never serves metrics, whatever proxy sits in front"
    );
    let text = app.metrics_text().await;
    assert!(text.contains("paddock_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/connexion\""));
    assert!(text.contains("paddock_http_request_duration_seconds_bucket"));
    // The socket cap beside the socket count, for the near-cap alert.
    assert!(text.contains("paddock_ws_max_connections 10000"), "{text}");

    app.pool.close().await;
    assert_eq!(app.get(&client, "/readyz").await.status(), 503);
}

#[sqlx::test]
async fn metrics_require_the_token_when_one_is_configured(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| s.metrics_token = Some("jeton-secret".into())).await;
    let client = app.client();
    let metrics = format!("{}/metrics", app.metrics_base);
    assert_eq!(client.get(&metrics).send().await.unwrap().status(), 403);
    let wrong = client
        .get(&metrics)
        .bearer_auth("autre")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    let right = client
        .get(&metrics)
        .bearer_auth("jeton-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    // The public port has no /metrics, with or without the token.
    let public = client
        .get(app.url("/metrics"))
        .bearer_auth("jeton-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 404);
}

#[sqlx::test]
async fn the_bootstrap_admin_is_created_then_left_alone(pool: PgPool) {
    use paddock::{auth::NewAccount, server::db};
    db::migrate(&pool).await.unwrap();
    let account = NewAccount::parse(
        "chef@paddock.test",
        "Chef d'atelier",
        "un-mot-de-passe-long",
    )
    .unwrap();
    db::ensure_admin(&pool, account.clone(), false)
        .await
        .unwrap();
    db::ensure_admin(&pool, account, false).await.unwrap();
    let role: String =
        sqlx::query_scalar("select role from users where email = 'chef@paddock.test'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(role, "admin");

    let app = TestApp::spawn(pool).await;
    let login = app
        .login(&app.client(), "chef@paddock.test", "un-mot-de-passe-long")
        .await;
    assert_eq!(login.headers()["location"], "/admin");
}

#[sqlx::test]
async fn the_seed_is_idempotent_and_loaded_only_into_an_empty_database(pool: PgPool) {
    use paddock::server::db;
    assert!(db::seed_if_empty(&pool).await.unwrap());
    assert!(!db::seed_if_empty(&pool).await.unwrap());
    db::seed(&pool).await.unwrap();
    let (admins, customers): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where role = 'admin'), count(*) filter (where role = 'customer') from users",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((admins, customers), (2, 5));
    // Rooms: one full, one deleted; sequences match the stored history.
    let (full, deleted): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where (select count(*) from channel_members m where m.channel_id = r.id) >= r.capacity),
                count(*) filter (where deleted_at is not null)
         from rooms r",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((full, deleted), (1, 1));
    let mismatched: i64 = sqlx::query_scalar(
        "select count(*) from channels c where c.last_seq <> coalesce((select max(seq) from messages m where m.channel_id = c.id), 0)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(mismatched, 0);
}
