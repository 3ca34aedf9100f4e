//! Appointment slots from opening hours. Pure: the caller passes the current time and
//! the slots already taken.

use crate::error::AppError;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// When the workshops and test tracks take appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schedule {
    pub slot_minutes: u32,
    /// `HH:MM`, local time of the dealership.
    pub opens_at: String,
    pub closes_at: String,
    /// Days without appointments: `mon`, `tue`, … `sun`.
    pub closed_days: Vec<String>,
    /// At most this many slots are offered at once, the earliest first.
    pub max_offered: usize,
    /// Upcoming appointments one customer may hold in one calendar…
    pub max_per_customer_per_calendar: u32,
    /// …and over every calendar: no one can empty the calendars.
    pub max_per_customer: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            slot_minutes: 60,
            opens_at: "09:00".into(),
            closes_at: "18:00".into(),
            closed_days: vec!["sun".into()],
            max_offered: 8,
            max_per_customer_per_calendar: 2,
            max_per_customer: 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid schedule: {0}")]
pub struct ScheduleError(String);

/// The upcoming appointments a customer holds: in the calendar asked for, and in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Held {
    pub in_calendar: u32,
    pub total: u32,
}

impl Schedule {
    /// Why this customer may not book one more appointment, if they may not.
    pub fn booking_refusal(&self, held: Held) -> Option<String> {
        if held.total >= self.max_per_customer {
            Some(format!(
                "Vous avez déjà {} rendez-vous à venir, le maximum. Annulez-en un dans « Mes rendez-vous » pour en prendre un autre.",
                held.total
            ))
        } else if held.in_calendar >= self.max_per_customer_per_calendar {
            Some(format!(
                "Vous avez déjà {} rendez-vous à venir dans ce calendrier, le maximum. Annulez-en un dans « Mes rendez-vous » pour en prendre un autre.",
                held.in_calendar
            ))
        } else {
            None
        }
    }
}

/// The free slots offered to a customer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Availability {
    /// Free slots from now to the end of the current week.
    pub this_week: Vec<NaiveDateTime>,
    /// Free slots of the next week.
    pub next_week: Vec<NaiveDateTime>,
}

impl Schedule {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        let (opens, closes) = self.hours()?;
        if self.slot_minutes == 0 || opens + Duration::minutes(self.slot_minutes.into()) > closes {
            return Err(ScheduleError(
                "slot_minutes must be positive and fit between opens_at and closes_at".into(),
            ));
        }
        for day in &self.closed_days {
            parse_weekday(day).ok_or_else(|| ScheduleError(format!("unknown day {day:?}")))?;
        }
        if [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ]
        .into_iter()
        .all(|day| !self.is_open(day))
        {
            return Err(ScheduleError("at least one day must be open".into()));
        }
        if self.max_offered == 0 {
            return Err(ScheduleError("max_offered must be positive".into()));
        }
        if self.max_per_customer_per_calendar == 0 || self.max_per_customer == 0 {
            return Err(ScheduleError(
                "max_per_customer_per_calendar and max_per_customer must be positive".into(),
            ));
        }
        Ok(())
    }

    fn hours(&self) -> Result<(NaiveTime, NaiveTime), ScheduleError> {
        let parse = |s: &str| {
            NaiveTime::parse_from_str(s, "%H:%M")
                .map_err(|_| ScheduleError(format!("bad time {s:?}")))
        };
        Ok((parse(&self.opens_at)?, parse(&self.closes_at)?))
    }

    fn is_open(&self, day: Weekday) -> bool {
        !self
            .closed_days
            .iter()
            .any(|d| parse_weekday(d) == Some(day))
    }

    /// Whether the dealerships are open at `local` (their wall time): an open day,
    /// from `opens_at` (included) to `closes_at` (excluded).
    pub fn is_open_at(&self, local: NaiveDateTime) -> bool {
        let Ok((opens, closes)) = self.hours() else {
            return false;
        };
        self.is_open(local.weekday()) && (opens..closes).contains(&local.time())
    }

    /// When the dealerships next open, if they are closed at `local`: later today, or
    /// the next open day at `opens_at`. `None` while they are open.
    pub fn closed_until(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        if self.is_open_at(local) {
            return None;
        }
        let (opens, _) = self.hours().ok()?;
        // `validate` guarantees an open day within any seven.
        (0..=7)
            .map(|days| local.date() + Duration::days(days))
            .filter(|day| self.is_open(day.weekday()))
            .map(|day| day.and_time(opens))
            .find(|opening| *opening > local)
    }

    /// Every slot start of the days in `[from_day, until_day)`, by opening hours.
    fn slots_of_days(&self, from_day: NaiveDate, until_day: NaiveDate) -> Vec<NaiveDateTime> {
        let Ok((opens, closes)) = self.hours() else {
            return Vec::new();
        };
        let step = Duration::minutes(self.slot_minutes.max(1).into());
        let mut slots = Vec::new();
        let mut day = from_day;
        while day < until_day {
            if self.is_open(day.weekday()) {
                let mut start = day.and_time(opens);
                while start + step <= day.and_time(closes) {
                    slots.push(start);
                    start += step;
                }
            }
            day = day.succ_opt().expect("date in range");
        }
        slots
    }

    /// Whether `at` is the start of a slot of this schedule.
    pub fn is_slot(&self, at: NaiveDateTime) -> bool {
        let day = at.date();
        self.slots_of_days(day, day.succ_opt().expect("date in range"))
            .contains(&at)
    }

    /// Free slots of this week (from `now`) and of next week, at most `max_offered` each.
    pub fn availability(&self, now: NaiveDateTime, taken: &HashSet<NaiveDateTime>) -> Availability {
        let this_monday = week_start(now.date());
        let next_monday = this_monday + Duration::days(7);
        let free = |from: NaiveDate, until: NaiveDate| -> Vec<NaiveDateTime> {
            self.slots_of_days(from, until)
                .into_iter()
                .filter(|slot| *slot > now && !taken.contains(slot))
                .take(self.max_offered)
                .collect()
        };
        Availability {
            this_week: free(now.date(), next_monday),
            next_week: free(next_monday, next_monday + Duration::days(7)),
        }
    }

    /// The range of slot starts that [`Schedule::availability`] may offer at `now`.
    pub fn offer_window(now: NaiveDateTime) -> (NaiveDateTime, NaiveDateTime) {
        let end = week_start(now.date()) + Duration::days(14);
        (now, end.and_time(NaiveTime::MIN))
    }
}

/// Monday of the week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(day.weekday().num_days_from_monday().into())
}

/// The week an agenda shows, and the weeks its links lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgendaWeek {
    pub monday: NaiveDate,
    pub previous: NaiveDate,
    pub next: NaiveDate,
}

/// Years an agenda can show (of the week's Monday): anything else is a typo or a probe,
/// and the weeks around always exist.
pub const AGENDA_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl AgendaWeek {
    /// The week containing `day`.
    pub fn of(day: NaiveDate) -> Self {
        let monday = week_start(day);
        Self {
            monday,
            previous: monday - Duration::days(7),
            next: monday + Duration::days(7),
        }
    }

    /// The week of a `AAAA-MM-JJ` date given by the page: malformed is `invalid_input`,
    /// a week outside [`AGENDA_YEARS`] is `out_of_range` (400).
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10)
            .ok_or_else(|| AppError::invalid_input("La semaine doit être une date AAAA-MM-JJ."))?;
        // Checked on the Monday, so that the page's links to a week read back as it.
        let week = Self::of(day);
        if !AGENDA_YEARS.contains(&week.monday.year()) {
            return Err(AppError::new(
                crate::error::ErrorCode::OutOfRange,
                format!(
                    "La semaine doit être comprise entre {} et {}.",
                    AGENDA_YEARS.start(),
                    AGENDA_YEARS.end()
                ),
            ));
        }
        Ok(week)
    }
}

fn parse_weekday(value: &str) -> Option<Weekday> {
    match value.trim().to_lowercase().as_str() {
        "mon" => Some(Weekday::Mon),
        "tue" => Some(Weekday::Tue),
        "wed" => Some(Weekday::Wed),
        "thu" => Some(Weekday::Thu),
        "fri" => Some(Weekday::Fri),
        "sat" => Some(Weekday::Sat),
        "sun" => Some(Weekday::Sun),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_holds_at_most_the_configured_appointments() {
        let schedule = Schedule::default();
        let held = |in_calendar, total| Held { in_calendar, total };
        assert_eq!(schedule.booking_refusal(held(0, 0)), None);
        assert_eq!(schedule.booking_refusal(held(1, 3)), None);
        let per_calendar = schedule.booking_refusal(held(2, 2)).unwrap();
        assert!(
            per_calendar.contains("dans ce calendrier"),
            "{per_calendar}"
        );
        let total = schedule.booking_refusal(held(0, 4)).unwrap();
        assert!(total.contains("4 rendez-vous à venir"), "{total}");
        assert!(Schedule {
            max_per_customer: 0,
            ..Schedule::default()
        }
        .validate()
        .is_err());
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_dealerships_are_open_from_opening_until_closing_on_open_days() {
        let schedule = Schedule::default();
        // 2026-11-30 is a Monday, 2026-11-29 a Sunday (closed by default).
        assert!(!schedule.is_open_at(at("2026-11-30 08:59")));
        assert!(schedule.is_open_at(at("2026-11-30 09:00")));
        assert!(schedule.is_open_at(at("2026-11-30 17:59")));
        assert!(!schedule.is_open_at(at("2026-11-30 18:00")));
        assert!(!schedule.is_open_at(at("2026-11-29 11:00")));
    }

    #[test]
    fn closed_dealerships_reopen_at_the_next_open_days_opening() {
        let schedule = Schedule::default();
        assert_eq!(schedule.closed_until(at("2026-11-30 10:00")), None);
        // Early morning: later the same day.
        assert_eq!(
            schedule.closed_until(at("2026-11-30 07:30")),
            Some(at("2026-11-30 09:00"))
        );
        // Evening: the next morning.
        assert_eq!(
            schedule.closed_until(at("2026-11-30 18:00")),
            Some(at("2026-12-01 09:00"))
        );
        // Saturday evening and Sunday: Monday morning.
        assert_eq!(
            schedule.closed_until(at("2026-11-28 19:00")),
            Some(at("2026-11-30 09:00"))
        );
        assert_eq!(
            schedule.closed_until(at("2026-11-29 08:00")),
            Some(at("2026-11-30 09:00"))
        );
        // One open day a week: found a week ahead.
        let sundays_only = Schedule {
            closed_days: ["mon", "tue", "wed", "thu", "fri", "sat"]
                .map(String::from)
                .to_vec(),
            ..Schedule::default()
        };
        assert_eq!(
            sundays_only.closed_until(at("2026-11-29 18:30")),
            Some(at("2026-12-06 09:00"))
        );
    }

    #[test]
    fn a_week_without_an_open_day_is_refused() {
        let never = Schedule {
            closed_days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .map(String::from)
                .to_vec(),
            ..Schedule::default()
        };
        assert!(never.validate().is_err());
    }

    fn schedule() -> Schedule {
        Schedule {
            slot_minutes: 120,
            opens_at: "09:00".into(),
            closes_at: "17:00".into(),
            closed_days: vec!["sat".into(), "sun".into()],
            max_offered: 50,
            ..Schedule::default()
        }
    }

    #[test]
    fn this_week_starts_now_and_skips_closed_days_and_taken_slots() {
        // Thursday 2026-11-26 10:30: remaining slots are Thu 11h, 13h, 15h and Fri's four.
        let now = at("2026-11-26 10:30");
        let taken: HashSet<_> = [at("2026-11-27 09:00")].into();
        let offer = schedule().availability(now, &taken);
        assert_eq!(
            offer.this_week,
            vec![
                at("2026-11-26 11:00"),
                at("2026-11-26 13:00"),
                at("2026-11-26 15:00"),
                at("2026-11-27 11:00"),
                at("2026-11-27 13:00"),
                at("2026-11-27 15:00"),
            ]
        );
        assert_eq!(offer.next_week.first(), Some(&at("2026-11-30 09:00")));
        assert_eq!(offer.next_week.len(), 20);
    }

    #[test]
    fn after_the_last_slot_of_the_week_nothing_is_left_this_week() {
        let offer = schedule().availability(at("2026-11-27 16:00"), &HashSet::new());
        assert!(offer.this_week.is_empty());
        assert!(!offer.next_week.is_empty());
        // On Sunday, "this week" is already over too.
        let offer = schedule().availability(at("2026-11-29 08:00"), &HashSet::new());
        assert!(offer.this_week.is_empty());
        assert_eq!(offer.next_week[0], at("2026-11-30 09:00"));
    }

    #[test]
    fn offers_are_capped_to_the_earliest_slots() {
        let capped = Schedule {
            max_offered: 3,
            ..schedule()
        };
        let offer = capped.availability(at("2026-11-23 07:00"), &HashSet::new());
        assert_eq!(
            offer.this_week,
            vec![
                at("2026-11-23 09:00"),
                at("2026-11-23 11:00"),
                at("2026-11-23 13:00")
            ]
        );
    }

    #[test]
    fn slot_starts_follow_the_opening_hours() {
        let s = schedule();
        assert!(s.is_slot(at("2026-11-26 13:00")));
        assert!(!s.is_slot(at("2026-11-26 14:00")), "not on the slot grid");
        assert!(!s.is_slot(at("2026-11-26 17:00")), "closing time");
        assert!(!s.is_slot(at("2026-11-28 09:00")), "closed on Saturday");
    }

    #[test]
    fn weeks_start_on_monday() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        for offset in 0..7 {
            assert_eq!(week_start(monday + Duration::days(offset)), monday);
        }
    }

    #[test]
    fn agenda_weeks_come_from_four_digit_dates_and_never_overflow() {
        let week = AgendaWeek::parse("2026-11-26").unwrap();
        assert_eq!(week.monday, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(
            week.previous,
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
        );
        assert_eq!(week.next, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        // The last and first dates chrono knows made the week around them overflow (a panic).
        for bad in [
            "+262142-12-31",
            "-262143-01-01",
            "10000-01-01",
            "2026-02-30",
            "demain",
            "",
        ] {
            let err = AgendaWeek::parse(bad).unwrap_err();
            assert_eq!(err.code, crate::error::ErrorCode::InvalidInput, "{bad:?}");
            assert!(err.message.contains("AAAA-MM-JJ"), "{bad:?}");
        }
        for far in ["9999-12-31", "0999-12-31", "2101-01-10", "2000-01-01"] {
            let err = AgendaWeek::parse(far).unwrap_err();
            assert_eq!(err.code, crate::error::ErrorCode::OutOfRange, "{far:?}");
            assert_eq!(err.code.http_status(), 400);
        }
        assert_eq!(
            AgendaWeek::parse("2000-01-03").unwrap().previous.year(),
            1999
        );
    }

    #[test]
    fn bad_schedules_are_refused() {
        assert!(Schedule::default().validate().is_ok());
        assert!(Schedule {
            opens_at: "9h".into(),
            ..Schedule::default()
        }
        .validate()
        .is_err());
        assert!(Schedule {
            slot_minutes: 0,
            ..Schedule::default()
        }
        .validate()
        .is_err());
        assert!(Schedule {
            closed_days: vec!["dimanche".into()],
            ..Schedule::default()
        }
        .validate()
        .is_err());
        assert!(Schedule {
            slot_minutes: 600,
            ..Schedule::default()
        }
        .validate()
        .is_err());
    }
}
