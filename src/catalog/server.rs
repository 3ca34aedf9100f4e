//! The catalogue's storage: models and dealerships, and the sitemap entries they
//! publish. Public readers get visible models only; advisors get them all.

use super::{Dealership, Licence, Model, ModelDraft, RangeFilter, Usage};
use crate::{
    error::{AppError, ErrorCode},
    server::seo::SitemapEntry,
};
use chrono::{DateTime, NaiveTime, SecondsFormat, Utc};
use sqlx::{
    postgres::{PgArguments, Postgres},
    query::QueryAs,
    PgPool,
};
use uuid::Uuid;

/// A model as stored.
#[derive(sqlx::FromRow)]
struct ModelRow {
    id: Uuid,
    slug: String,
    name: String,
    usage: String,
    engine_cc: i32,
    power_kw: i32,
    weight_kg: i32,
    licence: String,
    price_cents: i64,
    summary: String,
    image: String,
    hidden: bool,
    updated_at: DateTime<Utc>,
}

/// The columns of [`ModelRow`], for every query that reads models.
const MODEL_COLUMNS: &str = "id, slug, name, usage, engine_cc, power_kw, weight_kg, licence, \
     price_cents, summary, image, hidden, updated_at";

/// The range's order: by use (road, off-road, sport), then by price.
const RANGE_ORDER: &str =
    "order by array_position(array['road', 'off_road', 'sport'], usage), price_cents, name";

fn lastmod(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, false)
}

impl ModelRow {
    /// The model, or nothing for a value the database's checks do not allow.
    fn into_model(self) -> Option<Model> {
        Some(Model {
            id: self.id,
            usage: Usage::parse(&self.usage)?,
            licence: Licence::parse(&self.licence)?,
            slug: self.slug,
            name: self.name,
            engine_cc: self.engine_cc,
            power_kw: self.power_kw,
            weight_kg: self.weight_kg,
            price_cents: self.price_cents,
            summary: self.summary,
            image: self.image,
            hidden: self.hidden,
            updated_at: lastmod(self.updated_at),
        })
    }
}

fn models(rows: Vec<ModelRow>) -> Vec<Model> {
    rows.into_iter().filter_map(ModelRow::into_model).collect()
}

/// The public range: every visible model, in the range's order.
pub async fn visible_models(pool: &PgPool) -> Result<Vec<Model>, AppError> {
    let rows: Vec<ModelRow> = sqlx::query_as(&format!(
        "select {MODEL_COLUMNS} from models where not hidden {RANGE_ORDER}"
    ))
    .fetch_all(pool)
    .await?;
    Ok(models(rows))
}

/// A visible model by its slug.
pub async fn visible_model(pool: &PgPool, slug: &str) -> Result<Option<Model>, AppError> {
    let row: Option<ModelRow> = sqlx::query_as(&format!(
        "select {MODEL_COLUMNS} from models where slug = $1 and not hidden"
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(ModelRow::into_model))
}

/// Every model, hidden ones included, for the advisors.
pub async fn all_models(pool: &PgPool) -> Result<Vec<Model>, AppError> {
    let rows: Vec<ModelRow> =
        sqlx::query_as(&format!("select {MODEL_COLUMNS} from models {RANGE_ORDER}"))
            .fetch_all(pool)
            .await?;
    Ok(models(rows))
}

fn slug_taken(err: sqlx::Error) -> AppError {
    match err {
        sqlx::Error::Database(e) if e.is_unique_violation() => AppError::new(
            ErrorCode::SlugTaken,
            "Un autre modèle a déjà cette adresse de page : choisissez-en une autre.",
        ),
        other => other.into(),
    }
}

fn not_found() -> AppError {
    AppError::new(ErrorCode::NotFound, "Ce modèle n’existe pas.")
}

fn stored(row: ModelRow) -> Result<Model, AppError> {
    row.into_model().ok_or_else(AppError::internal)
}

pub async fn create(pool: &PgPool, draft: &ModelDraft) -> Result<Model, AppError> {
    let sql = format!(
        "insert into models (slug, name, usage, engine_cc, power_kw, weight_kg, licence, price_cents, summary, image)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         returning {MODEL_COLUMNS}"
    );
    let row = bind_draft(sqlx::query_as(&sql), draft)
        .fetch_one(pool)
        .await
        .map_err(slug_taken)?;
    stored(row)
}

/// Binds the draft's fields as `$1`…`$10`, in the column order of `create` and `update`.
fn bind_draft<'q>(
    query: QueryAs<'q, Postgres, ModelRow, PgArguments>,
    draft: &'q ModelDraft,
) -> QueryAs<'q, Postgres, ModelRow, PgArguments> {
    query
        .bind(&draft.slug)
        .bind(&draft.name)
        .bind(draft.usage.as_str())
        .bind(draft.engine_cc)
        .bind(draft.power_kw)
        .bind(draft.weight_kg)
        .bind(draft.licence.as_str())
        .bind(draft.price_cents)
        .bind(&draft.summary)
        .bind(&draft.image)
}

/// Replaces every field of the model `id`.
pub async fn update(pool: &PgPool, id: Uuid, draft: &ModelDraft) -> Result<Model, AppError> {
    let sql = format!(
        "update models set slug = $1, name = $2, usage = $3, engine_cc = $4, power_kw = $5,
             weight_kg = $6, licence = $7, price_cents = $8, summary = $9, image = $10,
             updated_at = now()
         where id = $11
         returning {MODEL_COLUMNS}"
    );
    let row = bind_draft(sqlx::query_as(&sql), draft)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(slug_taken)?;
    stored(row.ok_or_else(not_found)?)
}

/// Hides or shows the model `id`; a change dates it (the sitemap's `lastmod`).
pub async fn set_hidden(pool: &PgPool, id: Uuid, hidden: bool) -> Result<Model, AppError> {
    let row: Option<ModelRow> = sqlx::query_as(&format!(
        "update models set hidden = $2,
             updated_at = case when hidden = $2 then updated_at else now() end
         where id = $1
         returning {MODEL_COLUMNS}"
    ))
    .bind(id)
    .bind(hidden)
    .fetch_optional(pool)
    .await?;
    stored(row.ok_or_else(not_found)?)
}

/// A dealership as stored.
#[derive(sqlx::FromRow)]
struct DealershipRow {
    slug: String,
    name: String,
    street: String,
    postal_code: String,
    city: String,
    phone: String,
    opens_at: NaiveTime,
    closes_at: NaiveTime,
    closed_days: Vec<String>,
}

impl From<DealershipRow> for Dealership {
    fn from(row: DealershipRow) -> Self {
        let hh_mm = |t: NaiveTime| t.format("%H:%M").to_string();
        Dealership {
            slug: row.slug,
            name: row.name,
            street: row.street,
            postal_code: row.postal_code,
            city: row.city,
            phone: row.phone,
            opens_at: hh_mm(row.opens_at),
            closes_at: hh_mm(row.closes_at),
            closed_days: row.closed_days,
        }
    }
}

/// Every dealership, by city.
pub async fn dealerships(pool: &PgPool) -> Result<Vec<Dealership>, AppError> {
    let rows: Vec<DealershipRow> = sqlx::query_as(
        "select slug, name, street, postal_code, city, phone, opens_at, closes_at, closed_days
         from dealerships order by city, name",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Dealership::from).collect())
}

/// The catalogue's pages for the sitemap: the range (whole and by use, dated by their
/// models' latest change, hidden ones included: hiding changes a page), each visible
/// model (dated by its own change) and the dealerships.
pub async fn sitemap_entries(pool: &PgPool) -> Result<Vec<SitemapEntry>, AppError> {
    let changes: Vec<(String, DateTime<Utc>)> =
        sqlx::query_as("select usage, max(updated_at) from models group by usage")
            .fetch_all(pool)
            .await?;
    let changed = |usage: Option<Usage>| {
        changes
            .iter()
            .filter(|(u, _)| usage.is_none_or(|usage| usage.as_str() == u))
            .map(|(_, at)| *at)
            .max()
            .map(lastmod)
    };
    let mut entries = vec![SitemapEntry::new("/motos", "weekly").modified(changed(None))];
    for usage in Usage::ALL {
        let filter = RangeFilter { usage: Some(usage) };
        entries.push(SitemapEntry::new(filter.path(), "weekly").modified(changed(Some(usage))));
    }
    for model in visible_models(pool).await? {
        entries.push(SitemapEntry::new(model.path(), "monthly").modified(Some(model.updated_at)));
    }
    let dealers_changed: Option<DateTime<Utc>> =
        sqlx::query_scalar("select max(updated_at) from dealerships")
            .fetch_one(pool)
            .await?;
    entries
        .push(SitemapEntry::new("/concessions", "monthly").modified(dealers_changed.map(lastmod)));
    Ok(entries)
}
