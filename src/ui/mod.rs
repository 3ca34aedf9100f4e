//! The UI kit every page shares: alerts, page metadata, time helpers. It knows no
//! feature.

mod alert;
mod seo;
mod time;

pub use alert::ErrorAlert;
pub use seo::{Seo, SiteUrl};
pub use time::{day_of, every};
