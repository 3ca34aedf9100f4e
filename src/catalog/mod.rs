//! The public catalogue: the group's range of motorcycles and its dealerships, as pages
//! for customers and search engines (`/`, `/motos`, `/motos/{slug}`, `/concessions`),
//! and the advisors' management of the range (`/admin/catalogue`).
//!
//! This module holds the shared types and the plain rules — the range's filter, the
//! validation of a model, prices, power and opening hours as people read them — with no
//! I/O. `jsonld` builds the pages' structured data, `api` has the server functions,
//! `server` the queries (ssr) and `components` the pages.

pub mod api;
pub mod components;
pub mod jsonld;
#[cfg(feature = "ssr")]
pub mod server;

use crate::error::{AppError, ErrorCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The riding a model is made for; it decides the test ride the assistant books for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    Road,
    OffRoad,
    Sport,
}

impl Usage {
    pub const ALL: [Usage; 3] = [Usage::Road, Usage::OffRoad, Usage::Sport];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Usage::Road => "road",
            Usage::OffRoad => "off_road",
            Usage::Sport => "sport",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Usage::ALL.into_iter().find(|u| u.as_str() == value)
    }

    /// The value of `/motos?usage=…`: French, as people read it in the address bar.
    pub fn query(self) -> &'static str {
        match self {
            Usage::Road => "route",
            Usage::OffRoad => "tout-terrain",
            Usage::Sport => "sport",
        }
    }

    pub fn from_query(value: &str) -> Option<Self> {
        Usage::ALL.into_iter().find(|u| u.query() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Usage::Road => "Route",
            Usage::OffRoad => "Tout-terrain",
            Usage::Sport => "Sport",
        }
    }

    /// The heading of the range filtered on this use.
    pub fn range_title(self) -> &'static str {
        match self {
            Usage::Road => "Motos routières",
            Usage::OffRoad => "Motos tout-terrain",
            Usage::Sport => "Motos sportives",
        }
    }

    /// What a model of this use is: « moto routière ».
    pub fn kind(self) -> &'static str {
        match self {
            Usage::Road => "moto routière",
            Usage::OffRoad => "moto tout-terrain",
            Usage::Sport => "moto sportive",
        }
    }

    /// The test ride of this use, as the assistant names its calendar.
    pub fn test_ride(self) -> &'static str {
        match self {
            Usage::Road => "Essai routier",
            Usage::OffRoad => "Essai tout-terrain",
            Usage::Sport => "Session sur piste",
        }
    }
}

/// The driving licence a model needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Licence {
    A,
    A2,
}

impl Licence {
    pub const ALL: [Licence; 2] = [Licence::A2, Licence::A];

    pub fn as_str(self) -> &'static str {
        match self {
            Licence::A => "A",
            Licence::A2 => "A2",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Licence::ALL.into_iter().find(|l| l.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Licence::A => "Permis A",
            Licence::A2 => "Permis A2",
        }
    }
}

/// One model of the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Model {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub usage: Usage,
    pub engine_cc: i32,
    pub power_kw: i32,
    pub weight_kg: i32,
    pub licence: Licence,
    pub price_cents: i64,
    pub summary: String,
    /// Path of its illustration on this site, `/images/motos/….svg`.
    pub image: String,
    /// Out of the public pages and the sitemap (advisors still see it).
    pub hidden: bool,
    /// Last change, RFC 3339 in UTC: the sitemap's `lastmod`.
    pub updated_at: String,
}

impl Model {
    /// Its public page.
    pub fn path(&self) -> String {
        model_path(&self.slug)
    }

    pub fn power_hp(&self) -> i32 {
        kw_to_hp(self.power_kw)
    }
}

pub fn model_path(slug: &str) -> String {
    format!("/motos/{slug}")
}

/// The width and height of every model illustration (its SVG `viewBox`).
pub const IMAGE_WIDTH: u32 = 640;
pub const IMAGE_HEIGHT: u32 = 400;

/// One dealership of the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dealership {
    pub slug: String,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    /// `HH:MM`, local time: the hours of the appointment calendars.
    pub opens_at: String,
    pub closes_at: String,
    /// `mon` … `sun`, as in the calendars' settings.
    pub closed_days: Vec<String>,
}

/// The days of the week: setting code, French name, schema.org name.
pub const DAYS: [(&str, &str, &str); 7] = [
    ("mon", "lundi", "Monday"),
    ("tue", "mardi", "Tuesday"),
    ("wed", "mercredi", "Wednesday"),
    ("thu", "jeudi", "Thursday"),
    ("fri", "vendredi", "Friday"),
    ("sat", "samedi", "Saturday"),
    ("sun", "dimanche", "Sunday"),
];

impl Dealership {
    /// The open days, Monday first, as entries of [`DAYS`].
    pub fn open_days(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        DAYS.into_iter()
            .filter(|(code, _, _)| !self.closed_days.iter().any(|c| c == code))
            .collect()
    }

    /// The opening hours as people read them: « Du lundi au samedi, de 9 h à 18 h » and,
    /// when it applies, « Fermé le dimanche ».
    pub fn hours_text(&self) -> Vec<String> {
        let open: Vec<usize> = (0..7)
            .filter(|&i| !self.closed_days.iter().any(|c| c == DAYS[i].0))
            .collect();
        if open.is_empty() {
            return vec!["Fermé".into()];
        }
        // Runs of consecutive open days, Monday to Sunday.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for day in open {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == day => *end = day,
                _ => runs.push((day, day)),
            }
        }
        let days = runs
            .iter()
            .map(|&(from, to)| match to - from {
                0 => format!("le {}", DAYS[from].1),
                1 => format!("le {} et le {}", DAYS[from].1, DAYS[to].1),
                _ => format!("du {} au {}", DAYS[from].1, DAYS[to].1),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut lines = vec![capitalize(&format!(
            "{days}, de {} à {}",
            french_time(&self.opens_at),
            french_time(&self.closes_at)
        ))];
        let closed: Vec<String> = DAYS
            .iter()
            .filter(|(code, _, _)| self.closed_days.iter().any(|c| c == code))
            .map(|(_, name, _)| format!("le {name}"))
            .collect();
        if let Some((last, first)) = closed.split_last() {
            lines.push(match first {
                [] => format!("Fermé {last}"),
                _ => format!("Fermé {} et {last}", first.join(", ")),
            });
        }
        lines
    }

    /// The `tel:` link of its phone number.
    pub fn phone_href(&self) -> String {
        let digits: String = self
            .phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    }

    /// Its anchor on `/concessions`.
    pub fn anchor(&self) -> String {
        format!("concession-{}", self.slug)
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `09:00` → `9 h`, `18:30` → `18 h 30`.
pub fn french_time(hh_mm: &str) -> String {
    let (hours, minutes) = hh_mm.split_once(':').unwrap_or((hh_mm, "00"));
    let hours = hours.trim_start_matches('0');
    let hours = if hours.is_empty() { "0" } else { hours };
    if minutes == "00" {
        format!("{hours}\u{a0}h")
    } else {
        format!("{hours}\u{a0}h\u{a0}{minutes}")
    }
}

/// Metric horsepower (ch) of a power in kW, rounded.
pub fn kw_to_hp(kw: i32) -> i32 {
    (f64::from(kw) * 1.359_62).round() as i32
}

/// A number with French digit groups: `12 990` (narrow no-break spaces).
fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A price as people read it: `8 990 €`, or `8 990,50 €` with cents.
pub fn format_price(cents: i64) -> String {
    let (euros, rest) = (cents / 100, (cents % 100).abs());
    if rest == 0 {
        format!("{}\u{a0}€", group_digits(euros))
    } else {
        format!("{},{rest:02}\u{a0}€", group_digits(euros))
    }
}

/// A price for schema.org's `Offer.price`: `8990.00`.
pub fn schema_price(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

/// A price typed by an advisor, in euros: `8990`, `8 990`, `8990,50`, `8 990,50 €`.
pub fn parse_price(raw: &str) -> Result<i64, AppError> {
    let invalid = || {
        AppError::invalid_input(
            "Indiquez le prix en euros, par exemple 8990 ou 8 990,50 (deux décimales au plus).",
        )
    };
    let text: String = raw
        .trim()
        .trim_end_matches('€')
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let (euros, cents) = match text.split_once([',', '.']) {
        Some((euros, cents)) => (euros, cents),
        None => (text.as_str(), ""),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(euros) || euros.len() > 9 || !(cents.is_empty() || digits(cents)) {
        return Err(invalid());
    }
    if cents.len() > 2 {
        return Err(invalid());
    }
    let euros: i64 = euros.parse().map_err(|_| invalid())?;
    let cents: i64 = match cents.len() {
        0 => 0,
        1 => cents.parse::<i64>().map_err(|_| invalid())? * 10,
        _ => cents.parse().map_err(|_| invalid())?,
    };
    let total = euros * 100 + cents;
    if !(MIN_PRICE_EUROS * 100..=MAX_PRICE_EUROS * 100).contains(&total) {
        return Err(AppError::new(
            ErrorCode::OutOfRange,
            format!(
                "Le prix va de {} à {}.",
                format_price(MIN_PRICE_EUROS * 100),
                format_price(MAX_PRICE_EUROS * 100)
            ),
        ));
    }
    Ok(total)
}

/// What `/motos` shows: the whole range or the models of one use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RangeFilter {
    pub usage: Option<Usage>,
}

impl RangeFilter {
    /// The filter of `/motos?usage=…`; an unknown value shows the whole range.
    pub fn from_query(usage: Option<&str>) -> Self {
        Self {
            usage: usage.and_then(Usage::from_query),
        }
    }

    pub fn path(self) -> String {
        match self.usage {
            Some(usage) => format!("/motos?usage={}", usage.query()),
            None => "/motos".into(),
        }
    }

    pub fn matches(self, model: &Model) -> bool {
        self.usage.is_none_or(|usage| model.usage == usage) && !model.hidden
    }

    /// The models it keeps, in their order.
    pub fn apply(self, models: &[Model]) -> Vec<Model> {
        models.iter().filter(|m| self.matches(m)).cloned().collect()
    }

    pub fn title(self) -> &'static str {
        self.usage.map_or("Nos motos", Usage::range_title)
    }

    pub fn description(self) -> &'static str {
        match self.usage {
            None => "Toute la gamme Paddock : roadsters, trails et sportives, avec leur moteur, leur puissance, leur poids, le permis requis et leur prix. Essai sur rendez-vous en concession.",
            Some(Usage::Road) => "Les motos routières Paddock, du roadster A2 à la grande routière : caractéristiques, prix et essai routier sur rendez-vous.",
            Some(Usage::OffRoad) => "Les trails et enduros Paddock pour la piste et l’aventure : caractéristiques, prix et essai tout-terrain sur rendez-vous.",
            Some(Usage::Sport) => "Les sportives Paddock, de la 400 A2 à l’hypersportive : caractéristiques, prix et sessions sur piste avec nos instructeurs.",
        }
    }
}

pub const MIN_SLUG_CHARS: usize = 2;
pub const MAX_SLUG_CHARS: usize = 60;
pub const MIN_NAME_CHARS: usize = 2;
pub const MAX_NAME_CHARS: usize = 60;
pub const MIN_SUMMARY_CHARS: usize = 20;
pub const MAX_SUMMARY_CHARS: usize = 300;
pub const MAX_IMAGE_CHARS: usize = 120;
pub const ENGINE_CC: (i32, i32) = (50, 2500);
pub const POWER_KW: (i32, i32) = (1, 250);
pub const WEIGHT_KG: (i32, i32) = (50, 500);
pub const MIN_PRICE_EUROS: i64 = 1_000;
pub const MAX_PRICE_EUROS: i64 = 100_000;
/// The most power the A2 licence allows.
pub const A2_MAX_KW: i32 = 35;
/// Where model illustrations live on the site.
pub const IMAGE_DIR: &str = "/images/motos/";

/// A model as an advisor typed it in the catalogue form, every field as text (a number
/// that does not parse gets a French explanation, not a generic refusal).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelForm {
    pub slug: String,
    pub name: String,
    pub usage: String,
    pub engine_cc: String,
    pub power_kw: String,
    pub weight_kg: String,
    pub licence: String,
    pub price: String,
    pub summary: String,
    pub image: String,
}

/// A model ready to be stored: every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelDraft {
    pub slug: String,
    pub name: String,
    pub usage: Usage,
    pub engine_cc: i32,
    pub power_kw: i32,
    pub weight_kg: i32,
    pub licence: Licence,
    pub price_cents: i64,
    pub summary: String,
    pub image: String,
}

impl ModelDraft {
    /// Checks every field of the form, in the form's order; the first refusal says what
    /// to change. An empty slug is made from the name.
    pub fn parse(form: &ModelForm) -> Result<Self, AppError> {
        let name = one_line(&form.name, "Le nom", MIN_NAME_CHARS, MAX_NAME_CHARS)?;
        let slug = match form.slug.trim() {
            "" => slugify(&name),
            typed => typed.to_owned(),
        };
        let slug = validate_slug(&slug)?;
        let usage = Usage::parse(form.usage.trim()).ok_or_else(|| {
            AppError::invalid_input("Choisissez l’usage : route, tout-terrain ou sport.")
        })?;
        let engine_cc = bounded_number(&form.engine_cc, "La cylindrée", "cm³", ENGINE_CC)?;
        let power_kw = bounded_number(&form.power_kw, "La puissance", "kW", POWER_KW)?;
        let weight_kg = bounded_number(&form.weight_kg, "Le poids", "kg", WEIGHT_KG)?;
        let licence = Licence::parse(form.licence.trim())
            .ok_or_else(|| AppError::invalid_input("Choisissez le permis : A2 ou A."))?;
        if licence == Licence::A2 && power_kw > A2_MAX_KW {
            return Err(AppError::invalid_input(format!(
                "Une moto accessible au permis A2 ne dépasse pas {A2_MAX_KW} kW : choisissez le permis A ou corrigez la puissance."
            )));
        }
        let price_cents = parse_price(&form.price)?;
        let summary = one_line(
            &form.summary,
            "La description courte",
            MIN_SUMMARY_CHARS,
            MAX_SUMMARY_CHARS,
        )?;
        let image = validate_image(&form.image)?;
        Ok(Self {
            slug,
            name,
            usage,
            engine_cc,
            power_kw,
            weight_kg,
            licence,
            price_cents,
            summary,
            image,
        })
    }
}

/// Text on one line, inner spaces collapsed, `min` to `max` characters, nothing
/// invisible or direction-changing.
fn one_line(raw: &str, what: &str, min: usize, max: usize) -> Result<String, AppError> {
    crate::text::reject_controls(raw)?;
    if raw.chars().any(crate::text::is_invisible_or_bidi) {
        return Err(crate::text::invalid_characters());
    }
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if (min..=max).contains(&text.chars().count()) {
        Ok(text)
    } else {
        Err(AppError::invalid_input(format!(
            "{what} compte de {min} à {max} caractères."
        )))
    }
}

/// A whole number typed in a field, within `bounds` (inclusive).
fn bounded_number(
    raw: &str,
    what: &str,
    unit: &str,
    (min, max): (i32, i32),
) -> Result<i32, AppError> {
    let text: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if text.is_empty() || text.len() > 6 || !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::invalid_input(format!(
            "{what} s’écrit en nombre entier de {unit}."
        )));
    }
    let value: i32 = text
        .parse()
        .map_err(|_| AppError::invalid_input(format!("{what} s’écrit en nombre entier.")))?;
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(AppError::new(
            ErrorCode::OutOfRange,
            format!("{what} va de {min} à {max} {unit}."),
        ))
    }
}

/// The address of a model's page: lower-case letters and digits in words joined by
/// hyphens, 2 to 60 characters.
pub fn validate_slug(raw: &str) -> Result<String, AppError> {
    let slug = raw.trim();
    let words_ok = slug.split('-').all(|w| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    if words_ok && (MIN_SLUG_CHARS..=MAX_SLUG_CHARS).contains(&slug.len()) {
        Ok(slug.to_owned())
    } else {
        Err(AppError::invalid_input(format!(
            "L’adresse de la page s’écrit en minuscules sans accents, chiffres et tirets (par exemple strada-700), de {MIN_SLUG_CHARS} à {MAX_SLUG_CHARS} caractères."
        )))
    }
}

/// A name as an address: `Sentiero 1200 Rally` → `sentiero-1200-rally`, accents dropped.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'a'..='z' | '0'..='9' => Some(c),
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => Some('a'),
            'ç' => Some('c'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' => Some('i'),
            'ñ' => Some('n'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ý' | 'ÿ' => Some('y'),
            _ => None,
        };
        match plain {
            Some(c) => slug.push(c),
            None if !slug.is_empty() && !slug.ends_with('-') => slug.push('-'),
            None => {}
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars()
        .take(MAX_SLUG_CHARS)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// A model illustration: a file of this site under `/images/motos/`, SVG or WebP.
pub fn validate_image(raw: &str) -> Result<String, AppError> {
    let path = raw.trim();
    let file_ok = path.strip_prefix(IMAGE_DIR).is_some_and(|file| {
        let (stem, extension) = file.rsplit_once('.').unwrap_or((file, ""));
        matches!(extension, "svg" | "webp")
            && !stem.is_empty()
            && stem
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    if file_ok && path.len() <= MAX_IMAGE_CHARS {
        Ok(path.to_owned())
    } else {
        Err(AppError::invalid_input(format!(
            "L’image est un fichier du site sous {IMAGE_DIR}, en SVG ou WebP, par exemple {IMAGE_DIR}strada-700.svg."
        )))
    }
}

#[cfg(test)]
mod tests;
