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
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn day_of_reads_rfc3339_and_is_empty_otherwise() {
        assert_eq!(super::day_of("2026-11-25T10:00:00+01:00"), "25/11/2026");
        assert_eq!(super::day_of("hier"), "");
    }
}
