//! The public catalogue: the group's range of motorcycles and its dealerships, as pages
//! for customers and search engines (`/`, `/motos`, `/motos/{slug}`, `/concessions`),
//! and the advisors' management of the range (`/admin/catalogue`).
//!
//! This module holds the shared types and the plain rules — the range's filter, prices,
//! power and opening hours as people read them — with no I/O; `draft` checks a model as
//! advisors type it. `jsonld` builds the pages' structured data, `api` has the server
//! functions, `server` the queries (ssr) and `components` the pages.

pub mod api;
pub mod components;
mod draft;
pub mod jsonld;
#[cfg(feature = "ssr")]
pub mod server;

pub use draft::*;

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
    crate::ui::hour_label(hours.parse().unwrap_or(0), minutes.parse().unwrap_or(0))
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
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
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

#[cfg(test)]
mod tests;
