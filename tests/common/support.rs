//! The advisor chat seen from test sockets: advisors and customers following it, the
//! queue's frames read.

use super::{ws::Client, TestApp, ADMIN_PASSWORD};
use serde_json::{json, Value};
use uuid::Uuid;

pub async fn advisor(app: &TestApp, email: &str) -> Client {
    let mut client = Client::connect_as(app, email, ADMIN_PASSWORD).await;
    client.send(json!({"type": "watch_support"})).await;
    client.next_of("support_queue").await;
    client
}

/// An advisor who has just become available, with the queue that said so.
pub async fn available_advisor(app: &TestApp, email: &str) -> (Client, Value) {
    let mut client = advisor(app, email).await;
    let me = user_id(app, email).await;
    client
        .send(json!({"type": "set_available", "available": true}))
        .await;
    let queue = client
        .next_where("support_queue", |q| listed(&q["available"], me))
        .await;
    (client, queue)
}

pub async fn customer(app: &TestApp, email: &str) -> (Client, Value) {
    let mut client = Client::connect(app, email).await;
    client.send(json!({"type": "watch_support"})).await;
    let status = client.next_of("support_status").await;
    client.next_of("support_conversations").await;
    (client, status)
}

pub async fn user_id(app: &TestApp, email: &str) -> Uuid {
    sqlx::query_scalar("select id from users where email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub fn listed(ids: &Value, id: Uuid) -> bool {
    ids.as_array()
        .unwrap()
        .iter()
        .any(|v| v.as_str() == Some(&id.to_string()))
}

pub fn uuid_at(value: &Value) -> Uuid {
    value.as_str().expect("a uuid").parse().unwrap()
}

/// The id of the request `customer_name` has in a queue frame.
pub fn request_in(queue: &Value, customer_name: &str) -> Option<Uuid> {
    queue["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["customer_name"] == customer_name)
        .map(|r| uuid_at(&r["id"]))
}

/// The next queue frame that holds a request of `customer_name`.
pub async fn queue_with(advisor: &mut Client, customer_name: &str) -> Value {
    advisor
        .next_where("support_queue", |q| request_in(q, customer_name).is_some())
        .await
}

/// Asks for an advisor (about `topic`, if any) and returns the status that says the
/// request is waiting in the queue.
pub async fn ask_advisor(customer: &mut Client, topic: Option<&str>) -> Value {
    let mut request = json!({"type": "request_advisor"});
    if let Some(topic) = topic {
        request["topic"] = json!(topic);
    }
    customer.send(request).await;
    customer
        .next_where("support_status", |s| !s["waiting"].is_null())
        .await
}
