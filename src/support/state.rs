//! What the browser knows of the advisor chat, updated by the frames of the page's
//! socket (see `client`). Pure: unit tests drive it directly.

use super::{QueuedRequest, SupportConversation, WaitingRequest};
use crate::protocol::ServerMessage;
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub from_name: String,
    pub to_name: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportState {
    /// Whether the first queue or status has arrived.
    pub loaded: bool,
    /// Advisors: who is available.
    pub available: Vec<Uuid>,
    pub available_advisors: u32,
    /// Outside opening hours: when the desk opens (RFC 3339).
    pub closed_until: Option<String>,
    /// Advisors: pending requests, oldest first.
    pub queue: Vec<QueuedRequest>,
    /// Customers: their pending request.
    pub waiting: Option<WaitingRequest>,
    /// Customers: their last request was refused, with this reason if one was given.
    pub refused: Option<Option<String>>,
    /// Customers: their last request expired with no advisor taking it.
    pub expired: bool,
    /// Conversations by channel: open ones, and those that ended during this visit.
    pub conversations: BTreeMap<Uuid, SupportConversation>,
    /// A conversation that has just opened, for the page to show.
    pub opened: Option<Uuid>,
    /// Handovers during this visit, by channel: who handed it over, and their note
    /// (advisors) — the customer's page says who took over.
    pub handovers: BTreeMap<Uuid, Handover>,
    seen_requests: HashSet<Uuid>,
    arrivals: Vec<QueuedRequest>,
}

impl SupportState {
    /// Whether a customer may ask for an advisor now: an advisor is available, or the
    /// desk is closed and the request will wait for the opening.
    pub fn may_request(&self) -> bool {
        self.available_advisors > 0 || self.closed_until.is_some()
    }

    pub fn is_available(&self, advisor: Option<Uuid>) -> bool {
        advisor.is_some_and(|id| self.available.contains(&id))
    }

    /// Requests that arrived since the last call: what to alert an advisor about. The
    /// queue found when the page opens is not news.
    pub fn take_arrivals(&mut self) -> Vec<QueuedRequest> {
        std::mem::take(&mut self.arrivals)
    }

    /// The open conversations, oldest first.
    pub fn open_conversations(&self) -> Vec<SupportConversation> {
        let mut open: Vec<_> = self
            .conversations
            .values()
            .filter(|c| !c.ended)
            .cloned()
            .collect();
        open.sort_by(|a, b| a.started_at.cmp(&b.started_at));
        open
    }

    /// The customer's current conversation: the open one, else the one that just ended.
    pub fn current_conversation(&self) -> Option<SupportConversation> {
        self.open_conversations().into_iter().next().or_else(|| {
            self.opened
                .and_then(|channel| self.conversations.get(&channel).cloned())
        })
    }

    /// A new request is on its way: the previous refusal is old news.
    pub fn requesting(&mut self) {
        self.refused = None;
        self.expired = false;
    }

    /// Applies an advisor-chat frame; others are ignored.
    pub fn apply(&mut self, message: ServerMessage) {
        match message {
            ServerMessage::SupportQueue {
                available,
                requests,
                closed_until,
            } => {
                self.closed_until = closed_until;
                if self.loaded {
                    self.arrivals.extend(
                        requests
                            .iter()
                            .filter(|r| !self.seen_requests.contains(&r.id))
                            .cloned(),
                    );
                }
                self.seen_requests = requests.iter().map(|r| r.id).collect();
                self.available_advisors = u32::try_from(available.len()).unwrap_or(u32::MAX);
                self.available = available;
                self.queue = requests;
                self.loaded = true;
            }
            ServerMessage::SupportStatus {
                available_advisors,
                waiting,
                closed_until,
            } => {
                self.closed_until = closed_until;
                if waiting.is_some() {
                    self.refused = None;
                    self.expired = false;
                }
                self.available_advisors = available_advisors;
                self.waiting = waiting;
                self.loaded = true;
            }
            ServerMessage::SupportConversations { conversations } => {
                self.conversations.retain(|_, c| c.ended);
                for conversation in conversations {
                    self.conversations
                        .insert(conversation.channel_id, conversation);
                }
            }
            ServerMessage::SupportOpened { conversation } => {
                self.opened = Some(conversation.channel_id);
                self.waiting = None;
                self.refused = None;
                self.conversations
                    .insert(conversation.channel_id, conversation);
            }
            ServerMessage::SupportTransferred {
                conversation,
                from_name,
                note,
            } => {
                let channel = conversation.channel_id;
                self.handovers.insert(
                    channel,
                    Handover {
                        from_name,
                        to_name: conversation.advisor_name.clone(),
                        note,
                    },
                );
                // The advisor who takes it over sees it come on screen.
                if !self.conversations.contains_key(&channel) {
                    self.opened = Some(channel);
                }
                self.conversations.insert(channel, conversation);
            }
            ServerMessage::SupportRefused { reason, .. } => {
                self.waiting = None;
                self.refused = Some(reason);
            }
            ServerMessage::SupportExpired { .. } => {
                self.waiting = None;
                self.expired = true;
            }
            ServerMessage::ConversationEnded { channel_id } => {
                if let Some(conversation) = self.conversations.get_mut(&channel_id) {
                    conversation.ended = true;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(name: &str) -> QueuedRequest {
        QueuedRequest {
            id: Uuid::new_v4(),
            customer_id: Uuid::new_v4(),
            customer_name: name.into(),
            topic: None,
            requested_at: String::new(),
            expires_at: String::new(),
        }
    }

    fn conversation(started_at: &str) -> SupportConversation {
        SupportConversation {
            channel_id: Uuid::new_v4(),
            request_id: Uuid::new_v4(),
            customer_id: Uuid::new_v4(),
            customer_name: "Julie Petit".into(),
            advisor_id: Some(Uuid::new_v4()),
            advisor_name: "Claire Martin".into(),
            topic: None,
            started_at: started_at.into(),
            ended: false,
            last_seq: 0,
            rating: None,
        }
    }

    fn queue(requests: &[QueuedRequest]) -> ServerMessage {
        ServerMessage::SupportQueue {
            available: vec![],
            requests: requests.to_vec(),
            closed_until: None,
        }
    }

    #[test]
    fn only_requests_arriving_after_the_page_opened_alert() {
        let mut state = SupportState::default();
        let (old, new) = (request("Emma"), request("Hugo"));
        state.apply(queue(std::slice::from_ref(&old)));
        assert!(
            state.take_arrivals().is_empty(),
            "the initial queue is not news"
        );
        state.apply(queue(&[old.clone(), new.clone()]));
        assert_eq!(state.take_arrivals(), vec![new.clone()]);
        assert!(state.take_arrivals().is_empty(), "each arrival alerts once");
        state.apply(queue(&[new]));
        assert!(
            state.take_arrivals().is_empty(),
            "a departure is not an arrival"
        );
    }

    #[test]
    fn availability_is_read_from_the_queue_snapshot() {
        let mut state = SupportState::default();
        let me = Uuid::new_v4();
        state.apply(ServerMessage::SupportQueue {
            available: vec![me],
            requests: vec![],
            closed_until: None,
        });
        assert!(state.is_available(Some(me)));
        assert_eq!(state.available_advisors, 1);
        assert!(!state.is_available(Some(Uuid::new_v4())));
        assert!(!state.is_available(None));
    }

    #[test]
    fn a_customer_follows_their_request_to_a_refusal_then_asks_again() {
        let mut state = SupportState::default();
        let waiting = WaitingRequest {
            id: Uuid::new_v4(),
            topic: Some("Essai".into()),
            position: 2,
            expires_at: "2026-11-25T10:30:00+00:00".into(),
        };
        state.apply(ServerMessage::SupportStatus {
            available_advisors: 1,
            waiting: Some(waiting.clone()),
            closed_until: None,
        });
        assert_eq!(state.waiting, Some(waiting.clone()));
        state.apply(ServerMessage::SupportRefused {
            request_id: waiting.id,
            reason: Some("Salon fermé".into()),
        });
        assert_eq!(state.waiting, None);
        assert_eq!(state.refused, Some(Some("Salon fermé".into())));
        state.requesting();
        assert_eq!(state.refused, None);
    }

    #[test]
    fn an_expired_request_leaves_the_queue_and_the_customer_may_ask_again() {
        let mut state = SupportState::default();
        let waiting = WaitingRequest {
            id: Uuid::new_v4(),
            topic: None,
            position: 1,
            expires_at: "2026-11-25T10:30:00+00:00".into(),
        };
        state.apply(ServerMessage::SupportStatus {
            available_advisors: 1,
            waiting: Some(waiting.clone()),
            closed_until: None,
        });
        state.apply(ServerMessage::SupportExpired {
            request_id: waiting.id,
        });
        assert_eq!(state.waiting, None);
        assert!(state.expired);
        state.requesting();
        assert!(!state.expired, "a new request clears the notice");
        state.expired = true;
        state.apply(ServerMessage::SupportStatus {
            available_advisors: 1,
            waiting: Some(waiting),
            closed_until: None,
        });
        assert!(!state.expired, "waiting again: the notice is old news");
    }

    #[test]
    fn outside_opening_hours_a_customer_may_ask_with_no_advisor_available() {
        let mut state = SupportState::default();
        let status =
            |available_advisors, closed_until: Option<&str>| ServerMessage::SupportStatus {
                available_advisors,
                waiting: None,
                closed_until: closed_until.map(String::from),
            };
        state.apply(status(0, None));
        assert!(!state.may_request(), "open, and no advisor to answer");
        state.apply(status(0, Some("2026-11-30T09:00:00+01:00")));
        assert!(
            state.may_request(),
            "closed: the request waits for the opening"
        );
        assert_eq!(
            state.closed_until.as_deref(),
            Some("2026-11-30T09:00:00+01:00")
        );
        state.apply(status(2, None));
        assert!(state.may_request());
        assert_eq!(state.closed_until, None, "the desk opened");
    }

    #[test]
    fn an_accepted_request_opens_a_conversation_that_can_end() {
        let mut state = SupportState::default();
        let opened = conversation("2026-11-25T10:00:00+00:00");
        let channel = opened.channel_id;
        state.apply(ServerMessage::SupportOpened {
            conversation: opened,
        });
        assert_eq!(state.opened, Some(channel));
        assert!(state.conversations.contains_key(&channel));
        assert_eq!(state.open_conversations().len(), 1);
        state.apply(ServerMessage::ConversationEnded {
            channel_id: channel,
        });
        assert!(state.open_conversations().is_empty());
        let current = state.current_conversation().expect("still shown, ended");
        assert!(current.ended);
    }

    #[test]
    fn open_conversations_come_oldest_first_and_replace_the_previous_list() {
        let mut state = SupportState::default();
        let (late, early) = (
            conversation("2026-11-25T11:00:00+00:00"),
            conversation("2026-11-25T09:00:00+00:00"),
        );
        state.apply(ServerMessage::SupportConversations {
            conversations: vec![late.clone(), early.clone()],
        });
        let open = state.open_conversations();
        assert_eq!(open[0].channel_id, early.channel_id);
        state.apply(ServerMessage::SupportConversations {
            conversations: vec![late.clone()],
        });
        assert_eq!(state.open_conversations(), vec![late]);
    }
}
