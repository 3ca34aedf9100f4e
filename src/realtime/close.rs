//! Why a socket is closed: the close codes of RFC 6455 that Paddock uses, shared by the
//! server (which sends them) and the browser (which decides whether to reconnect).

/// A close code Paddock sends, with the reason it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The server is restarting (1001): reconnect, to this instance or another.
    ShuttingDown,
    /// Nothing heard for too long (1001).
    Idle,
    /// Logged out or session expired (1008): reconnecting would be refused.
    SessionEnded,
    /// A frame over the size limit (1009).
    TooBig,
    /// The client cannot keep up with its messages (1013): reconnect and resume.
    TooSlow,
    /// The session could not be checked (the database failed twice in a row): closed
    /// rather than trusted, with 1013 so that the browser reconnects later and its
    /// session is checked again at the upgrade.
    SessionUnchecked,
}

pub const GOING_AWAY: u16 = 1001;
pub const POLICY_VIOLATION: u16 = 1008;
pub const MESSAGE_TOO_BIG: u16 = 1009;
pub const TRY_AGAIN_LATER: u16 = 1013;

impl CloseReason {
    pub fn code(self) -> u16 {
        match self {
            CloseReason::ShuttingDown | CloseReason::Idle => GOING_AWAY,
            CloseReason::SessionEnded => POLICY_VIOLATION,
            CloseReason::TooBig => MESSAGE_TOO_BIG,
            CloseReason::TooSlow | CloseReason::SessionUnchecked => TRY_AGAIN_LATER,
        }
    }

    /// The reason sent in the close frame (short: a close frame holds 123 bytes).
    pub fn text(self) -> &'static str {
        match self {
            CloseReason::ShuttingDown => "redémarrage du serveur",
            CloseReason::Idle => "inactif",
            CloseReason::SessionEnded => "session terminée",
            CloseReason::TooBig => "message trop volumineux",
            CloseReason::TooSlow => "connexion trop lente",
            CloseReason::SessionUnchecked => "session impossible à vérifier",
        }
    }
}

/// Whether a browser should reconnect after the server closed with `code`: every close
/// but the end of the session (the server would refuse the new socket).
pub fn should_reconnect(code: u16) -> bool {
    code != POLICY_VIOLATION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_end_of_the_session_stops_reconnecting() {
        assert!(!should_reconnect(CloseReason::SessionEnded.code()));
        for reason in [
            CloseReason::ShuttingDown,
            CloseReason::Idle,
            CloseReason::TooBig,
            CloseReason::TooSlow,
            CloseReason::SessionUnchecked,
        ] {
            assert!(should_reconnect(reason.code()), "{reason:?}");
            assert!(reason.text().len() <= 123);
        }
        assert_eq!(CloseReason::TooSlow.code(), 1013);
        assert_eq!(CloseReason::ShuttingDown.code(), 1001);
    }
}
