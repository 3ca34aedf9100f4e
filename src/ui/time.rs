#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Runs `tick` every `period` while the calling component is mounted, in the browser
/// (the server renders once and has nothing to repeat).
pub fn every(period: std::time::Duration, tick: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(handle) = set_interval_with_handle(tick, period) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (period, tick);
}

/// `dd/mm/yyyy` of an RFC 3339 date (empty if unreadable).
pub fn day_of(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|d| numeric_date(d.date_naive()))
        .unwrap_or_default()
}

/// `dd/mm/yyyy`. (Written out rather than with chrono's `format`: its pattern parser
/// would otherwise be in the browser's wasm for two dates.)
pub fn numeric_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// `dd/mm/yyyy à hh:mm`.
pub fn numeric_date_time(at: chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    format!(
        "{} à {:02}:{:02}",
        numeric_date(at.date()),
        at.hour(),
        at.minute()
    )
}

/// « 9 h » or « 9 h 30 », with non-breaking spaces, as French signs write hours.
pub fn hour_label(hour: u32, minute: u32) -> String {
    if minute == 0 {
        format!("{hour}\u{a0}h")
    } else {
        format!("{hour}\u{a0}h\u{a0}{minute:02}")
    }
}

const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// When something happens again, seen from `now`: « aujourd’hui à 14 h », « demain à
/// 9 h », « lundi à 9 h » within the week, « le lundi 7 décembre à 9 h » further. Days
/// are counted in the offset `at` carries (the dealerships'). `None` if unreadable.
pub fn reopening_label(at: &str, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    use chrono::{Datelike, Timelike};
    let at = chrono::DateTime::parse_from_rfc3339(at).ok()?;
    let today = now.with_timezone(at.offset()).date_naive();
    let time = hour_label(at.hour(), at.minute());
    let weekday = WEEKDAYS[at.weekday().num_days_from_monday() as usize];
    Some(match (at.date_naive() - today).num_days() {
        ..=0 => format!("aujourd’hui à {time}"),
        1 => format!("demain à {time}"),
        2..=6 => format!("{weekday} à {time}"),
        _ => format!(
            "le {weekday} {} {} à {time}",
            match at.day() {
                1 => "1er".to_owned(),
                day => day.to_string(),
            },
            MONTHS[at.month0() as usize]
        ),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    fn utc(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    #[test]
    fn reopening_reads_as_today_tomorrow_a_weekday_or_a_date() {
        let label = |at: &str, now: &str| super::reopening_label(at, utc(now)).unwrap();
        // Sunday 29 November 2026, 7:30 in Paris.
        let sunday_morning = "2026-11-29T06:30:00Z";
        assert_eq!(
            label("2026-11-29T09:00:00+01:00", sunday_morning),
            "aujourd’hui à 9\u{a0}h"
        );
        assert_eq!(
            label("2026-11-30T09:30:00+01:00", sunday_morning),
            "demain à 9\u{a0}h\u{a0}30"
        );
        assert_eq!(
            label("2026-12-04T09:00:00+01:00", sunday_morning),
            "vendredi à 9\u{a0}h"
        );
        assert_eq!(
            label("2026-12-07T09:00:00+01:00", sunday_morning),
            "le lundi 7 décembre à 9\u{a0}h"
        );
        // 23:30 in UTC is already Monday in Paris: Monday's opening is « aujourd’hui ».
        assert_eq!(
            label("2026-11-30T09:00:00+01:00", "2026-11-29T23:30:00Z"),
            "aujourd’hui à 9\u{a0}h"
        );
        assert_eq!(
            label("2026-12-01T09:00:00+01:00", "2026-11-21T08:00:00Z"),
            "le mardi 1er décembre à 9\u{a0}h"
        );
        assert!(super::reopening_label("bientôt", utc(sunday_morning)).is_none());
    }

    #[test]
    fn day_of_reads_rfc3339_and_is_empty_otherwise() {
        assert_eq!(super::day_of("2026-11-25T10:00:00+01:00"), "25/11/2026");
        assert_eq!(super::day_of("hier"), "");
        let at = chrono::NaiveDate::from_ymd_opt(2027, 1, 5)
            .unwrap()
            .and_hms_opt(9, 5, 0)
            .unwrap();
        assert_eq!(super::numeric_date_time(at), "05/01/2027 à 09:05");
    }
}
