//! Paddock's load tool. Registers N customers, opens their WebSockets, joins them to
//! rooms (500 members at most per room), posts at a set rate, and prints deliveries per
//! second, delivery latency percentiles (p50/p95/p99), the time the join storm took, and
//! the server's resident memory.
//!
//! Run the server with limits that let one machine act as many customers, e.g.
//! `PADDOCK_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE=100000 PADDOCK_CHAT_POSTS_PER_10_SECONDS=1000`,
//! then: `cargo run --release --features loadgen --bin loadgen -- --url http://127.0.0.1:3000
//! --users 500 --rate 20 --seconds 20 --server-pid $(pgrep -f target/release/paddock)`.
//!
//! `--mode sse` measures commercial notifications instead: the N customers hold
//! notification streams (`GET /api/notifications/stream`), the admin sends
//! `--notifications K` of them two seconds apart, and the tool prints the delivery
//! latency percentiles over the N × K deliveries.
//!
//! Only addresses of this machine are meant as targets.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use tokio::sync::{mpsc, Semaphore};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
use uuid::Uuid;

struct Options {
    url: String,
    users: usize,
    rate: f64,
    seconds: u64,
    admin_email: String,
    admin_password: String,
    server_pid: Option<u32>,
    /// `ws` (rooms) or `sse` (notifications).
    mode: String,
    notifications: usize,
}

fn options() -> Options {
    let mut o = Options {
        url: "http://127.0.0.1:3000".into(),
        users: 100,
        rate: 10.0,
        seconds: 10,
        admin_email: "claire.martin@paddock.test".into(),
        admin_password: "PaddockAdmin2026!".into(),
        server_pid: None,
        mode: "ws".into(),
        notifications: 5,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--url" => o.url = value,
            "--users" => o.users = value.parse().expect("--users N"),
            "--rate" => o.rate = value.parse().expect("--rate messages per second"),
            "--seconds" => o.seconds = value.parse().expect("--seconds N"),
            "--admin-email" => o.admin_email = value,
            "--admin-password" => o.admin_password = value,
            "--server-pid" => o.server_pid = Some(value.parse().expect("--server-pid PID")),
            "--mode" => o.mode = value,
            "--notifications" => {
                o.notifications = value.parse().expect("--notifications K");
            }
            other => panic!("unknown option {other}"),
        }
    }
    o
}

fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("paddock_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

async fn call(
    http: &reqwest::Client,
    o: &Options,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = http
        .post(format!("{}/api/{endpoint}", o.url))
        .header("origin", &o.url)
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("the server answers")
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

/// Every latency received so far, sorted.
fn sorted_latencies(rx: &mut mpsc::UnboundedReceiver<u64>) -> Vec<u64> {
    let mut latencies = Vec::new();
    while let Ok(l) = rx.try_recv() {
        latencies.push(l);
    }
    latencies.sort_unstable();
    latencies
}

/// Prints the percentiles of sorted latencies in microseconds.
fn print_latencies(sorted: &[u64]) {
    println!(
        "delivery latency ms: p50 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}",
        percentile(sorted, 0.50),
        percentile(sorted, 0.95),
        percentile(sorted, 0.99),
        percentile(sorted, 1.0)
    );
}

#[tokio::main]
async fn main() {
    let o = Arc::new(options());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let run = Uuid::new_v4().simple().to_string()[..8].to_owned();

    // Rooms of at most 500 members, created by an admin.
    let admin = call(
        &http,
        &o,
        "session/login",
        &[("email", &o.admin_email), ("password", &o.admin_password)],
        None,
    )
    .await;
    let admin_cookie = cookie_of(&admin).expect("admin login");
    let room_count = o.users.div_ceil(500).max(1);
    let mut rooms = Vec::new();
    for r in 0..room_count {
        let name = format!("Charge {run} {r}");
        let created = call(
            &http,
            &o,
            "admin/rooms/create",
            &[("name", &name), ("capacity", "500")],
            Some(&admin_cookie),
        )
        .await;
        let room: Value = created.json().await.expect("room created");
        rooms.push(room["id"].as_str().unwrap().to_owned());
    }

    // Customers, registered a few at a time (argon2 is the server's dearest work).
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(4));
    let mut registrations = tokio::task::JoinSet::new();
    for i in 0..o.users {
        let (http, o, gate, run) = (http.clone(), o.clone(), gate.clone(), run.clone());
        registrations.spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let email = format!("charge-{run}-{i}@paddock.test");
            let name = format!("Client {i}");
            let response = call(
                &http,
                &o,
                "session/register",
                &[
                    ("email", &email),
                    ("display_name", &name),
                    ("password", "charge-mot-de-passe"),
                ],
                None,
            )
            .await;
            (i, cookie_of(&response).expect("registered"))
        });
    }
    let mut cookies = vec![String::new(); o.users];
    while let Some(result) = registrations.join_next().await {
        let (i, cookie) = result.unwrap();
        cookies[i] = cookie;
    }
    println!(
        "registered {} customers in {:.1} s",
        o.users,
        started.elapsed().as_secs_f64()
    );

    if o.mode == "sse" {
        return notifications_run(&http, &o, &admin_cookie, &cookies).await;
    }

    let rss_before = rss_kib(o.server_pid);
    let clock = Instant::now();
    let deliveries = Arc::new(AtomicU64::new(0));
    let (latency_tx, mut latency_rx) = mpsc::unbounded_channel::<u64>();
    let (joined_tx, mut joined_rx) = mpsc::unbounded_channel::<()>();
    let mut senders = Vec::new();
    for (i, cookie) in cookies.iter().enumerate() {
        let ws_url = format!("{}/ws", o.url.replace("http://", "ws://"));
        let mut request = ws_url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
        request
            .headers_mut()
            .insert("origin", o.url.parse().unwrap());
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("socket opens");
        let (mut sink, mut stream) = socket.split();
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(text) = out_rx.recv().await {
                if sink.send(Message::text(text)).await.is_err() {
                    break;
                }
            }
        });
        let room = rooms[i / 500].clone();
        let (deliveries, latency_tx, joined_tx, out) = (
            deliveries.clone(),
            latency_tx.clone(),
            joined_tx.clone(),
            out_tx.clone(),
        );
        tokio::spawn(async move {
            while let Some(Ok(frame)) = stream.next().await {
                let Message::Text(text) = frame else { continue };
                let value: Value = match serde_json::from_str(&text) {
                    Ok(v) => v,
                    Err(_) => continue,
                };
                match value["type"].as_str() {
                    Some("joined") => {
                        let last = value["last_seq"].as_i64().unwrap_or(0);
                        let _ = out.send(
                            json!({"type": "subscribe", "channel_id": room, "after_seq": last})
                                .to_string(),
                        );
                        let _ = joined_tx.send(());
                    }
                    Some("message") => {
                        if let Some(sent) = value["body"]
                            .as_str()
                            .and_then(|b| b.strip_prefix("t="))
                            .and_then(|t| t.parse::<u64>().ok())
                        {
                            let now = clock.elapsed().as_micros() as u64;
                            deliveries.fetch_add(1, Ordering::Relaxed);
                            let _ = latency_tx.send(now.saturating_sub(sent));
                        }
                    }
                    _ => {}
                }
            }
        });
        senders.push((out_tx, rooms[i / 500].clone()));
    }
    let rss_connected = rss_kib(o.server_pid);

    // Join storm: every customer asks at once.
    let storm = Instant::now();
    for (out, room) in &senders {
        let _ = out.send(json!({"type": "join", "room_id": room}).to_string());
    }
    for _ in 0..o.users {
        joined_rx.recv().await;
    }
    let storm_seconds = storm.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Posting at the set rate, round robin over the customers.
    let interval = Duration::from_secs_f64(1.0 / o.rate.max(0.001));
    let mut ticker = tokio::time::interval(interval);
    let end = Instant::now() + Duration::from_secs(o.seconds);
    let measure_from = deliveries.load(Ordering::Relaxed);
    let measure_start = Instant::now();
    let mut posted = 0usize;
    while Instant::now() < end {
        ticker.tick().await;
        let (out, room) = &senders[posted % senders.len()];
        let body = format!("t={}", clock.elapsed().as_micros());
        let _ = out.send(
            json!({"type": "post", "channel_id": room, "client_id": Uuid::new_v4(), "body": body})
                .to_string(),
        );
        posted += 1;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let measured = measure_start.elapsed().as_secs_f64() - 2.0;
    let delivered = deliveries.load(Ordering::Relaxed) - measure_from;
    drop(latency_tx);
    let latencies = sorted_latencies(&mut latency_rx);
    let rss_after = rss_kib(o.server_pid);

    println!(
        "sockets: {}  rooms: {}  posted: {posted} in {:.1} s",
        o.users,
        rooms.len(),
        measured
    );
    println!("join storm: {} joins in {:.2} s", o.users, storm_seconds);
    println!(
        "deliveries: {delivered} ({:.0} per second, expected {})",
        delivered as f64 / measured,
        posted * o.users.min(500)
    );
    print_latencies(&latencies);
    if let (Some(before), Some(connected), Some(after)) = (rss_before, rss_connected, rss_after) {
        println!(
            "server RSS KiB: before sockets {before}, with {} idle sockets {connected} ({:.1} KiB per socket), after the run {after}",
            o.users,
            (connected.saturating_sub(before)) as f64 / o.users as f64
        );
    }
}

/// N customers hold notification streams; the admin sends K notifications; every
/// delivery's latency is measured from just before its send.
async fn notifications_run(
    http: &reqwest::Client,
    o: &Arc<Options>,
    admin_cookie: &str,
    cookies: &[String],
) {
    let rss_before = rss_kib(o.server_pid);
    let clock = Instant::now();
    let (latency_tx, mut latency_rx) = mpsc::unbounded_channel::<u64>();
    let (open_tx, mut open_rx) = mpsc::unbounded_channel::<()>();
    // One connection per stream, as browsers have.
    let streams = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let gate = Arc::new(Semaphore::new(64));
    for cookie in cookies {
        let (streams, url, cookie) = (
            streams.clone(),
            format!("{}/api/notifications/stream", o.url),
            cookie.clone(),
        );
        let (latency_tx, open_tx, gate) = (latency_tx.clone(), open_tx.clone(), gate.clone());
        tokio::spawn(async move {
            let permit = gate.acquire_owned().await.unwrap();
            let mut response = streams
                .get(url)
                .header("cookie", cookie)
                .header("accept", "text/event-stream")
                .send()
                .await
                .expect("the stream opens");
            assert_eq!(response.status(), 200, "stream refused");
            drop(permit);
            let _ = open_tx.send(());
            let mut buffer = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    let sent = block
                        .lines()
                        .find_map(|l| l.strip_prefix("data:"))
                        .and_then(|data| serde_json::from_str::<Value>(data.trim()).ok())
                        .and_then(|v| {
                            v["title"]
                                .as_str()
                                .and_then(|t| t.strip_prefix("t="))
                                .and_then(|t| t.parse::<u64>().ok())
                        });
                    if let Some(sent) = sent {
                        let now = clock.elapsed().as_micros() as u64;
                        let _ = latency_tx.send(now.saturating_sub(sent));
                    }
                }
            }
        });
    }
    for _ in 0..cookies.len() {
        open_rx.recv().await;
    }
    let rss_connected = rss_kib(o.server_pid);
    println!("{} notification streams open", cookies.len());
    tokio::time::sleep(Duration::from_millis(500)).await;

    for _ in 0..o.notifications {
        let title = format!("t={}", clock.elapsed().as_micros());
        let sent = call(
            http,
            o,
            "admin/notifications/send",
            &[
                ("title", &title),
                ("body", "Mesure de charge"),
                ("link", ""),
            ],
            Some(admin_cookie),
        )
        .await;
        assert!(
            sent.status().is_success(),
            "send refused: {}",
            sent.status()
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    drop(latency_tx);
    let latencies = sorted_latencies(&mut latency_rx);
    println!(
        "notifications: {} sent, {} deliveries (expected {})",
        o.notifications,
        latencies.len(),
        o.notifications * cookies.len()
    );
    print_latencies(&latencies);
    if let (Some(before), Some(connected)) = (rss_before, rss_connected) {
        println!(
            "server RSS KiB: before streams {before}, with {} idle streams {connected} ({:.1} KiB per stream)",
            cookies.len(),
            (connected.saturating_sub(before)) as f64 / cookies.len() as f64
        );
    }
}
