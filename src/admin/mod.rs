//! The advisors' (admins') dashboard.

use crate::support::components::SupportDesk;
use crate::{
    auth::Role,
    error::{AppError, ErrorCode},
    ui::{ErrorAlert, Seo},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    /// Registration date, `dd/mm/yyyy`.
    pub registered_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsOverview {
    pub customers: i64,
    pub admins: i64,
    /// The most recent accounts, newest first.
    pub latest: Vec<AccountSummary>,
}

/// Account counts and the latest registrations. Admins only.
#[server(endpoint = "admin/accounts", output = crate::api_json::ApiJson)]
pub async fn load_accounts_overview() -> Result<AccountsOverview, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(async {
        require_admin().await?;
        let pool = &app_state()?.pool;
        let (customers, admins): (i64, i64) = sqlx::query_as(
            "select count(*) filter (where role = 'customer'), count(*) filter (where role = 'admin') from users",
        )
        .fetch_one(pool)
        .await?;
        #[derive(sqlx::FromRow)]
        struct AccountRow {
            id: Uuid,
            display_name: String,
            email: String,
            role: String,
            created_at: chrono::DateTime<chrono::Utc>,
        }
        let rows: Vec<AccountRow> = sqlx::query_as(
            "select id, display_name, email, role, created_at from users order by created_at desc limit 20",
        )
        .fetch_all(pool)
        .await?;
        let latest = rows
            .into_iter()
            .map(|row| AccountSummary {
                id: row.id,
                display_name: row.display_name,
                email: row.email,
                role: Role::parse(&row.role).unwrap_or(Role::Customer),
                registered_on: crate::ui::numeric_date(row.created_at.date_naive()),
            })
            .collect();
        Ok(AccountsOverview {
            customers,
            admins,
            latest,
        })
    }
    .await)
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| load_accounts_overview());
    view! {
        <Seo
            title="Administration"
            description="Tableau de bord des conseillers Paddock."
            path="/admin"
            noindex=true
        />
        <div class="page">
            <h1>"Administration"</h1>
            <SupportDesk/>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || overview.get().map(|result| match result {
                    Ok(overview) => view! { <Overview overview/> }.into_any(),
                    Err(err) if err.code == ErrorCode::Forbidden => view! {
                        <section class="card error-card">
                            <h2>"Accès refusé"</h2>
                            <p>{err.message}</p>
                        </section>
                    }
                    .into_any(),
                    Err(err) => view! { <ErrorAlert error=err/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Overview(overview: AccountsOverview) -> impl IntoView {
    view! {
        <section aria-labelledby="stats-title" class="section">
            <h2 id="stats-title" class="visually-hidden">"Chiffres clés"</h2>
            <ul class="stats">
                <li class="card stat"><span class="stat-value">{overview.customers}</span>" clients"</li>
                <li class="card stat"><span class="stat-value">{overview.admins}</span>" conseillers"</li>
            </ul>
        </section>
        <section aria-labelledby="accounts-title" class="section card">
            <h2 id="accounts-title">"Dernières inscriptions"</h2>
            // Scrolls sideways on phones: reachable and named for keyboard users.
            <div class="table-scroll" role="region" aria-labelledby="accounts-title" tabindex="0">
                <table class="table">
                    <thead>
                        <tr><th scope="col">"Nom"</th><th scope="col">"E-mail"</th><th scope="col">"Profil"</th><th scope="col">"Inscription"</th></tr>
                    </thead>
                    <tbody>
                        {overview.latest.into_iter().map(|account| view! {
                            <tr>
                                <td>{account.display_name}</td>
                                <td>{account.email}</td>
                                <td>{account.role.label()}</td>
                                <td>{account.registered_on}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
