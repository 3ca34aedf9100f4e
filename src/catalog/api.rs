//! The catalogue's server functions. Reading the range and the dealerships is public
//! (visible models only); managing the range is for advisors, each function checking
//! the admin role itself.

use super::{Dealership, Model, ModelForm};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// The public range: every visible model. Open to anyone.
#[server(endpoint = "catalogue/models", output = crate::api_json::ApiJson)]
pub async fn list_models() -> Result<Vec<Model>, AppError> {
    use crate::server::context::{app_state, respond};
    respond(async { super::server::visible_models(&app_state()?.pool).await }.await)
}

/// A visible model by its slug; `not_found` for an unknown or hidden one. Open to anyone.
#[server(endpoint = "catalogue/model", output = crate::api_json::ApiJson)]
pub async fn load_model(slug: String) -> Result<Model, AppError> {
    use crate::error::ErrorCode;
    use crate::server::context::{app_state, respond};
    respond(
        async {
            let missing = || {
                AppError::new(
                    ErrorCode::NotFound,
                    "Ce modèle n’existe pas ou n’est plus au catalogue.",
                )
            };
            // A malformed slug is no model: no query for it.
            let slug = super::validate_slug(&slug).map_err(|_| missing())?;
            super::server::visible_model(&app_state()?.pool, &slug)
                .await?
                .ok_or_else(missing)
        }
        .await,
    )
}

/// The dealerships. Open to anyone.
#[server(endpoint = "catalogue/dealerships", output = crate::api_json::ApiJson)]
pub async fn list_dealerships() -> Result<Vec<Dealership>, AppError> {
    use crate::server::context::{app_state, respond};
    respond(async { super::server::dealerships(&app_state()?.pool).await }.await)
}

/// Every model, hidden ones included. Advisors only.
#[server(endpoint = "admin/catalogue/models", output = crate::api_json::ApiJson)]
pub async fn admin_models() -> Result<Vec<Model>, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            require_admin().await?;
            super::server::all_models(&app_state()?.pool).await
        }
        .await,
    )
}

/// Adds a model to the range (visible at once). Advisors only. The form's fields come
/// flat (`name=…&usage=road&price=7 990…`) and as typed; they are checked together, and
/// an empty `slug` is made from the name.
#[server(endpoint = "admin/catalogue/create", output = crate::api_json::ApiJson)]
pub async fn create_model(#[server(flatten)] model: ModelForm) -> Result<Model, AppError> {
    use super::ModelDraft;
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            let admin = require_admin().await?;
            let draft = ModelDraft::parse(&model)?;
            let model = super::server::create(&app_state()?.pool, &draft).await?;
            tracing::info!(admin = %admin.id, model = %model.slug, "catalogue model created");
            Ok(model)
        }
        .await,
    )
}

/// Replaces every field of the model `id`. Advisors only; the same fields and checks as
/// [`create_model`].
#[server(endpoint = "admin/catalogue/update", output = crate::api_json::ApiJson)]
pub async fn update_model(
    id: Uuid,
    #[server(flatten)] model: ModelForm,
) -> Result<Model, AppError> {
    use super::ModelDraft;
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            let admin = require_admin().await?;
            let draft = ModelDraft::parse(&model)?;
            let model = super::server::update(&app_state()?.pool, id, &draft).await?;
            tracing::info!(admin = %admin.id, model = %model.slug, "catalogue model updated");
            Ok(model)
        }
        .await,
    )
}

/// Hides a model from the public pages and the sitemap, or shows it again. Advisors only.
#[server(endpoint = "admin/catalogue/visibility", output = crate::api_json::ApiJson)]
pub async fn set_model_hidden(id: Uuid, hidden: bool) -> Result<Model, AppError> {
    use crate::server::context::{app_state, require_admin, respond};
    respond(
        async {
            let admin = require_admin().await?;
            let model = super::server::set_hidden(&app_state()?.pool, id, hidden).await?;
            tracing::info!(admin = %admin.id, model = %model.slug, hidden, "catalogue model visibility");
            Ok(model)
        }
        .await,
    )
}
