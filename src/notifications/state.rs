//! The customer's inbox in the browser: notifications newest first, each once, the
//! unread count, and the toasts on screen. Pure; unit tests drive it directly.

use super::Notification;
use crate::protocol::notifications::SupportAlert;

/// Toasts shown at once, at most; older ones leave first.
pub const MAX_TOASTS: usize = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbox {
    /// Newest first.
    pub items: Vec<Notification>,
    /// Notifications that arrived live and are not dismissed yet, newest last.
    pub toasts: Vec<Notification>,
    /// Live chat alerts on screen, newest last, each with its key.
    pub alerts: Vec<(u64, SupportAlert)>,
    next_alert: u64,
}

impl Inbox {
    /// The notifications loaded with the page.
    pub fn load(&mut self, items: Vec<Notification>) {
        for item in items {
            self.insert(item);
        }
    }

    /// Adds a notification unless already held; returns whether it was new.
    fn insert(&mut self, item: Notification) -> bool {
        if self.items.iter().any(|n| n.id == item.id) {
            return false;
        }
        let at = self.items.partition_point(|n| n.id > item.id);
        self.items.insert(at, item);
        true
    }

    /// A notification from the stream: kept once, and shown as a toast when new.
    pub fn arrived(&mut self, item: Notification) {
        if self.insert(item.clone()) {
            self.toasts.push(item);
            if self.toasts.len() > MAX_TOASTS {
                self.toasts.remove(0);
            }
        }
    }

    /// A live chat alert: shown until dismissed, the oldest leaving past the limit.
    pub fn alerted(&mut self, alert: SupportAlert) {
        self.next_alert += 1;
        self.alerts.push((self.next_alert, alert));
        if self.alerts.len() > MAX_TOASTS {
            self.alerts.remove(0);
        }
    }

    pub fn dismiss_alert(&mut self, key: u64) {
        self.alerts.retain(|(k, _)| *k != key);
    }

    pub fn dismiss(&mut self, id: i64) {
        self.toasts.retain(|t| t.id != id);
    }

    pub fn unread(&self) -> usize {
        self.items.iter().filter(|n| !n.read).count()
    }

    /// The newest id held: the stream resumes after it.
    pub fn last_id(&self) -> i64 {
        self.items.first().map_or(0, |n| n.id)
    }

    pub fn mark_read(&mut self, id: i64) {
        if let Some(item) = self.items.iter_mut().find(|n| n.id == id) {
            item.read = true;
        }
        self.dismiss(id);
    }

    pub fn mark_all_read(&mut self) {
        for item in &mut self.items {
            item.read = true;
        }
        self.toasts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::notifications::SupportAlertKind;

    #[test]
    fn chat_alerts_stay_until_dismissed_at_most_three_at_once() {
        let mut inbox = Inbox::default();
        let alert = |text: &str| SupportAlert {
            kind: SupportAlertKind::Message,
            advisor_name: None,
            channel_id: None,
            text: Some(text.into()),
        };
        for text in ["un", "deux", "trois", "quatre"] {
            inbox.alerted(alert(text));
        }
        let texts: Vec<_> = inbox
            .alerts
            .iter()
            .map(|(_, a)| a.text.clone().unwrap())
            .collect();
        assert_eq!(texts, ["deux", "trois", "quatre"]);
        let key = inbox.alerts[1].0;
        inbox.dismiss_alert(key);
        assert_eq!(inbox.alerts.len(), 2);
        assert!(inbox.alerts.iter().all(|(k, _)| *k != key));
        assert_eq!(inbox.unread(), 0, "alerts are not notifications");
    }

    fn notification(id: i64, read: bool) -> Notification {
        Notification {
            id,
            title: format!("Offre {id}"),
            body: "…".into(),
            link: None,
            sent_at: String::new(),
            read,
        }
    }

    #[test]
    fn notifications_are_kept_once_newest_first_and_counted_until_read() {
        let mut inbox = Inbox::default();
        inbox.load(vec![notification(2, true), notification(1, false)]);
        assert_eq!(inbox.unread(), 1);
        assert_eq!(inbox.last_id(), 2);
        inbox.arrived(notification(3, false));
        inbox.arrived(notification(3, false));
        assert_eq!(
            inbox.items.iter().map(|n| n.id).collect::<Vec<_>>(),
            [3, 2, 1]
        );
        assert_eq!(
            inbox.toasts.len(),
            1,
            "a replayed notification is not shown twice"
        );
        assert_eq!(inbox.unread(), 2);
        inbox.mark_read(3);
        assert_eq!(inbox.unread(), 1);
        assert!(inbox.toasts.is_empty(), "reading it dismisses its toast");
        inbox.mark_all_read();
        assert_eq!(inbox.unread(), 0);
    }

    #[test]
    fn at_most_three_toasts_show_and_each_can_be_dismissed() {
        let mut inbox = Inbox::default();
        for id in 1..=5 {
            inbox.arrived(notification(id, false));
        }
        assert_eq!(
            inbox.toasts.iter().map(|t| t.id).collect::<Vec<_>>(),
            [3, 4, 5]
        );
        inbox.dismiss(4);
        assert_eq!(
            inbox.toasts.iter().map(|t| t.id).collect::<Vec<_>>(),
            [3, 5]
        );
        assert_eq!(inbox.unread(), 5, "dismissing is not reading");
    }

    #[test]
    fn an_old_notification_arriving_late_is_filed_in_order() {
        let mut inbox = Inbox::default();
        inbox.load(vec![notification(5, false)]);
        inbox.arrived(notification(4, false));
        assert_eq!(inbox.items.iter().map(|n| n.id).collect::<Vec<_>>(), [5, 4]);
        assert_eq!(inbox.last_id(), 5);
    }
}
