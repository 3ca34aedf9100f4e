//! The UI kit every page shares: alerts, page metadata and structured data, time
//! helpers. It knows no feature.

mod alert;
mod seo;
mod time;

pub use alert::ErrorAlert;
pub use seo::{json_ld_text, site_url, JsonLd, Seo, SiteUrl};
pub use time::{day_of, every, hour_label, numeric_date, numeric_date_time, reopening_label};
