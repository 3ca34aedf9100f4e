//! The real-time layer every feature shares: this instance's sockets and event streams,
//! the socket tasks, the event bus between instances, presence, and the end of sessions
//! and of the process. It knows topics, users and sessions, never a feature: rooms,
//! advisor chat and notifications publish their own events and handle their own frames.

pub mod close;

/// Largest WebSocket frame or message accepted; a larger one closes the socket (1009).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

#[cfg(feature = "ssr")]
pub mod bus;
#[cfg(feature = "ssr")]
pub mod connections;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod presence;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod socket;
#[cfg(feature = "ssr")]
pub mod streams;

#[cfg(feature = "ssr")]
pub use service::{end_session, Realtime};

#[cfg(feature = "ssr")]
mod service;
