//! The HTTP server layer every feature shares: state, what server functions read from
//! their request, security, page guard, observability, SEO files, the compiled site's
//! files and the database.
//! The router that puts the features together is `crate::site`.

pub mod assets;
pub mod client_errors;
pub mod context;
pub mod db;
pub mod guard;
pub mod limits;
pub mod observability;
pub mod request_owner;
pub mod security;
pub mod seo;
pub mod state;

pub use state::{AppState, Clock};
