//! A model as advisors type it in `/admin/catalogue`, and the checks that make it a
//! model to store: every field bounded, tidy and explained in French when refused.

use super::{format_price, Licence, Usage};
use crate::error::{AppError, ErrorCode};
use serde::{Deserialize, Serialize};

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
