//! When the advisors' desk is open: the calendars' opening hours in the dealerships'
//! time zone, or around the clock (`support_hours`). Outside them, customers are told
//! when advisors are back and a request waits for the opening.

use crate::{
    assistant::schedule::Schedule,
    config::{Settings, SupportHours},
    server::Clock,
};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};

#[derive(Clone)]
pub struct DeskHours {
    mode: SupportHours,
    schedule: Schedule,
    zone: chrono_tz::Tz,
    clock: Clock,
}

impl DeskHours {
    pub fn new(settings: &Settings, clock: Clock) -> Self {
        Self {
            mode: settings.support_hours,
            schedule: settings.booking.clone(),
            zone: settings.time_zone().unwrap_or(chrono_tz::Europe::Paris),
            clock,
        }
    }

    /// When the desk opens, if it is closed now.
    pub fn closed_until(&self) -> Option<DateTime<FixedOffset>> {
        self.closed_until_at(self.clock.now())
    }

    /// [`DeskHours::closed_until`] as RFC 3339, as the frames carry it.
    pub fn closed_until_text(&self) -> Option<String> {
        self.closed_until().map(|at| at.to_rfc3339())
    }

    fn closed_until_at(&self, now: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
        if self.mode == SupportHours::Always {
            return None;
        }
        let local = now.with_timezone(&self.zone).naive_local();
        let opening = self.schedule.closed_until(local)?;
        // An opening in a daylight-saving gap (none at 09:00 in Europe) moves to the
        // first instant after it.
        let zoned = self
            .zone
            .from_local_datetime(&opening)
            .earliest()
            .or_else(|| {
                self.zone
                    .from_local_datetime(&(opening + chrono::Duration::hours(1)))
                    .earliest()
            })?;
        Some(zoned.fixed_offset())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(mode: SupportHours) -> DeskHours {
        let settings = Settings {
            support_hours: mode,
            ..Settings::default()
        };
        DeskHours::new(&settings, Clock::system())
    }

    fn utc(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    #[test]
    fn the_desk_keeps_the_calendars_hours_in_the_dealerships_time_zone() {
        let desk = hours(SupportHours::Calendars);
        // Monday 30 November 2026, 10:00 in Paris (UTC+1): open.
        assert_eq!(desk.closed_until_at(utc("2026-11-30T09:00:00Z")), None);
        // 8:30 in Paris though 7:30 in UTC: opens at 9:00 Paris time.
        assert_eq!(
            desk.closed_until_at(utc("2026-11-30T07:30:00Z"))
                .map(|at| at.to_rfc3339()),
            Some("2026-11-30T09:00:00+01:00".into())
        );
        // Saturday 18:00 Paris: Monday morning; in summer time, the offset is +02:00.
        assert_eq!(
            desk.closed_until_at(utc("2026-11-28T17:00:00Z"))
                .map(|at| at.to_rfc3339()),
            Some("2026-11-30T09:00:00+01:00".into())
        );
        assert_eq!(
            desk.closed_until_at(utc("2026-07-04T17:00:00Z"))
                .map(|at| at.to_rfc3339()),
            Some("2026-07-06T09:00:00+02:00".into())
        );
    }

    #[test]
    fn a_desk_open_around_the_clock_never_closes() {
        let desk = hours(SupportHours::Always);
        assert_eq!(desk.closed_until_at(utc("2026-11-29T03:00:00Z")), None);
    }
}
