//! The advisor chat in the browser: its own state, fed by the page's chat socket, and
//! the frames it sends on it. On the server it renders nothing and sends nothing.

use super::state::SupportState;
use crate::{
    chat::client::ChatClient,
    protocol::{support::SupportRequest, ServerMessage},
};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct SupportClient {
    /// The page's socket, with its rooms and conversations.
    pub chat: ChatClient,
    pub state: RwSignal<SupportState>,
}

impl SupportClient {
    /// Opens the page's socket and follows the advisor chat on it: the queue for
    /// advisors, their own request for customers, again after every reconnection.
    pub fn start() -> Self {
        let chat = ChatClient::start();
        let state = RwSignal::new(SupportState::default());
        chat.listen(move |frame| {
            if is_support_frame(frame) {
                state.update(|s| s.apply(frame.clone()));
            }
        });
        chat.on_each_connect(SupportRequest::WatchSupport);
        Self { chat, state }
    }

    /// Whether the logged-in advisor is available.
    pub fn is_available(&self) -> bool {
        let me = self.chat.state.with(|s| s.me);
        self.state.with(|s| s.is_available(me))
    }

    pub fn set_available(&self, available: bool) {
        self.chat.send(SupportRequest::SetAvailable { available });
    }

    pub fn request_advisor(&self, topic: String) {
        self.state.update(SupportState::requesting);
        self.chat.state.update(|s| s.notice = None);
        let topic = (!topic.trim().is_empty()).then_some(topic);
        self.chat.send(SupportRequest::RequestAdvisor { topic });
    }

    pub fn cancel_request(&self) {
        self.chat.send(SupportRequest::CancelRequest);
    }

    pub fn accept_request(&self, request_id: Uuid) {
        self.chat.state.update(|s| s.notice = None);
        self.chat.send(SupportRequest::AcceptRequest { request_id });
    }

    pub fn transfer(&self, channel_id: Uuid, advisor_id: Uuid, note: String) {
        self.chat.state.update(|s| s.notice = None);
        let note = (!note.trim().is_empty()).then_some(note);
        self.chat.send(SupportRequest::TransferConversation {
            channel_id,
            advisor_id,
            note,
        });
    }

    pub fn refuse_request(&self, request_id: Uuid, reason: String) {
        self.chat.state.update(|s| s.notice = None);
        let reason = (!reason.trim().is_empty()).then_some(reason);
        self.chat
            .send(SupportRequest::RefuseRequest { request_id, reason });
    }
}

/// The frames the advisor chat's state reads.
fn is_support_frame(frame: &ServerMessage) -> bool {
    matches!(
        frame,
        ServerMessage::SupportQueue { .. }
            | ServerMessage::SupportStatus { .. }
            | ServerMessage::SupportConversations { .. }
            | ServerMessage::SupportOpened { .. }
            | ServerMessage::SupportRefused { .. }
            | ServerMessage::SupportExpired { .. }
            | ServerMessage::SupportTransferred { .. }
            | ServerMessage::ConversationEnded { .. }
    )
}
