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
//! `--room-size N` makes rooms of N members (many small rooms); `--stall K` makes K
//! sockets stop reading once joined and reports when the server closed them;
//! `--settle S` waits S seconds (0.5 by default) between the join storm and the first post;
//! `--verify` sends again every post not acknowledged (refused as `overloaded`, or lost
//! with a closed socket, on a new socket as a browser would), then reads every room from
//! its first message and counts the posts lost and those stored twice. The tool prints
//! its own CPU use beside the server's: both share the machine's cores.
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
    /// Members per room (at most 500, the capacity rule).
    room_size: usize,
    /// Sockets that stop reading once joined.
    stall: usize,
    /// Pause between the last join and the first post (the sockets' `subscribe`s go on
    /// after their joins).
    settle: Duration,
    /// Retry what was not acknowledged, then count lost and duplicated posts.
    verify: bool,
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
        room_size: 500,
        stall: 0,
        settle: Duration::from_millis(500),
        verify: false,
    };
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--verify") {
        args.remove(at);
        o.verify = true;
    }
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
            "--room-size" => {
                o.room_size = value.parse::<usize>().expect("--room-size N").clamp(2, 500)
            }
            "--stall" => o.stall = value.parse().expect("--stall K"),
            "--settle" => {
                o.settle = Duration::from_secs_f64(value.parse().expect("--settle seconds"))
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
    let room_count = o.users.div_ceil(o.room_size).max(1);
    let mut rooms = Vec::new();
    for r in 0..room_count {
        let name = format!("Charge {run} {r}");
        let created = call(
            &http,
            &o,
            "admin/rooms/create",
            &[
                ("name", &name),
                ("capacity", &o.room_size.max(2).to_string()),
            ],
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

    rooms_run(&o, &rooms, &cookies).await;
}

/// What the sockets saw, shared by their tasks.
#[derive(Default)]
struct Tally {
    deliveries: AtomicU64,
    acks: AtomicU64,
    overloaded: AtomicU64,
    other_errors: AtomicU64,
    /// Sockets the server closed with a close frame (by code), and without one.
    closes: std::sync::Mutex<std::collections::BTreeMap<u16, u64>>,
    dropped: AtomicU64,
    /// Posts acknowledged: client id → sequence.
    acked: std::sync::Mutex<std::collections::HashMap<Uuid, i64>>,
}

/// One customer's socket: a task writes what `out` receives, another reads. A socket
/// in `stalled` stops reading once joined (a client that stopped reading).
struct Socket {
    out: mpsc::UnboundedSender<String>,
    room: String,
    open: Arc<std::sync::atomic::AtomicBool>,
}

/// How a socket's join was answered: joined, or refused with the error's code.
type JoinAnswer = Result<(), String>;

#[allow(clippy::too_many_arguments)]
async fn open_socket(
    o: &Options,
    cookie: &str,
    room: String,
    clock: Instant,
    tally: Arc<Tally>,
    latency_tx: mpsc::UnboundedSender<u64>,
    joined_tx: mpsc::UnboundedSender<JoinAnswer>,
    stall: bool,
) -> Socket {
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
            if sink.feed(Message::text(text)).await.is_err() {
                break;
            }
            // Frames waiting go out together.
            while let Ok(text) = out_rx.try_recv() {
                if sink.feed(Message::text(text)).await.is_err() {
                    return;
                }
            }
            if sink.flush().await.is_err() {
                break;
            }
        }
    });
    let open = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let (out, task_room, task_open) = (out_tx.clone(), room.clone(), open.clone());
    tokio::spawn(async move {
        let mut closed_by_server = false;
        // Until the join is answered, an error frame is its refusal.
        let mut joining = true;
        while let Some(frame) = stream.next().await {
            let text = match frame {
                Ok(Message::Text(text)) => text,
                Ok(Message::Close(frame)) => {
                    let code = frame.map_or(1005, |f| u16::from(f.code));
                    *tally.closes.lock().unwrap().entry(code).or_default() += 1;
                    closed_by_server = true;
                    break;
                }
                Ok(_) => continue,
                Err(_) => break,
            };
            // Cheap checks first: the tool shares the server's cores.
            if text.starts_with(r#"{"type":"message""#) {
                if let Some(sent) = text
                    .find("\"body\":\"t=")
                    .and_then(|at| text[at + 10..].split(['"', '|']).next())
                    .and_then(|t| t.parse::<u64>().ok())
                {
                    let now = clock.elapsed().as_micros() as u64;
                    tally.deliveries.fetch_add(1, Ordering::Relaxed);
                    let _ = latency_tx.send(now.saturating_sub(sent));
                }
                continue;
            }
            let Ok(value) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            match value["type"].as_str() {
                Some("joined") => {
                    let last = value["last_seq"].as_i64().unwrap_or(0);
                    let _ = out.send(
                        json!({"type": "subscribe", "channel_id": task_room, "after_seq": last})
                            .to_string(),
                    );
                    joining = false;
                    let _ = joined_tx.send(Ok(()));
                    if stall {
                        // Stops reading for good, holding the socket open.
                        std::future::pending::<()>().await;
                    }
                }
                Some("ack") => {
                    tally.acks.fetch_add(1, Ordering::Relaxed);
                    if let (Some(id), Some(seq)) = (
                        value["client_id"].as_str().and_then(|i| i.parse().ok()),
                        value["seq"].as_i64(),
                    ) {
                        tally.acked.lock().unwrap().insert(id, seq);
                    }
                }
                Some("error") if joining => {
                    joining = false;
                    let code = value["code"].as_str().unwrap_or("?").to_owned();
                    let _ = joined_tx.send(Err(code));
                }
                Some("error") if value["code"] == "overloaded" => {
                    tally.overloaded.fetch_add(1, Ordering::Relaxed);
                }
                Some("error") => {
                    tally.other_errors.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
        }
        if joining {
            let _ = joined_tx.send(Err("closed before joining".into()));
        }
        if !closed_by_server {
            tally.dropped.fetch_add(1, Ordering::Relaxed);
        }
        task_open.store(false, Ordering::Relaxed);
    });
    Socket {
        out: out_tx,
        room,
        open,
    }
}

/// CPU seconds (user + system) used so far by process `pid` (`self` for this tool).
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// `paddock_ws_connections` as `/metrics` reports it (loopback clients may read it).
async fn open_sockets_on_server(o: &Options) -> Option<f64> {
    let text = reqwest::get(format!("{}/metrics", o.url))
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("paddock_ws_connections "))
        .and_then(|v| v.trim().parse().ok())
}

async fn rooms_run(o: &Arc<Options>, rooms: &[String], cookies: &[String]) {
    let rss_before = rss_kib(o.server_pid);
    let clock = Instant::now();
    let tally = Arc::new(Tally::default());
    let (latency_tx, mut latency_rx) = mpsc::unbounded_channel::<u64>();
    let (joined_tx, mut joined_rx) = mpsc::unbounded_channel::<JoinAnswer>();
    let mut sockets = Vec::new();
    for (i, cookie) in cookies.iter().enumerate() {
        let stall = i < o.stall;
        let socket = open_socket(
            o,
            cookie,
            rooms[i / o.room_size].clone(),
            clock,
            tally.clone(),
            latency_tx.clone(),
            joined_tx.clone(),
            stall,
        )
        .await;
        sockets.push(socket);
    }
    let rss_connected = rss_kib(o.server_pid);

    // Join storm: every customer asks at once.
    let storm = Instant::now();
    for socket in &sockets {
        let _ = socket
            .out
            .send(json!({"type": "join", "room_id": socket.room}).to_string());
    }
    // Every join is answered (joined or refused); a storm still unanswered after two
    // minutes is reported as such instead of waiting for ever.
    let mut refused: std::collections::BTreeMap<String, usize> = Default::default();
    let mut answered = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while answered < o.users {
        match tokio::time::timeout_at(deadline, joined_rx.recv()).await {
            Ok(Some(Ok(()))) => answered += 1,
            Ok(Some(Err(code))) => {
                answered += 1;
                *refused.entry(code).or_default() += 1;
            }
            Ok(None) | Err(_) => break,
        }
    }
    let storm_seconds = storm.elapsed().as_secs_f64();
    if answered < o.users {
        println!(
            "join storm: only {answered} of {} joins answered after {storm_seconds:.0} s",
            o.users
        );
    }
    tokio::time::sleep(o.settle).await;

    // Posting at the set rate, round robin over the customers who read.
    let posters: Vec<&Socket> = sockets.iter().skip(o.stall).collect();
    let batch = (o.rate / 1000.0).ceil().max(1.0) as usize;
    let interval = Duration::from_secs_f64(batch as f64 / o.rate.max(0.001));
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let end = Instant::now() + Duration::from_secs(o.seconds);
    let measure_start = Instant::now();
    let (server_cpu, tool_cpu) = (
        o.server_pid.and_then(|pid| cpu_seconds(&pid.to_string())),
        cpu_seconds("self"),
    );
    let stall_watch = (o.stall > 0).then(|| {
        let o = o.clone();
        tokio::spawn(async move {
            let first = open_sockets_on_server(&o).await.unwrap_or(0.0);
            let since = Instant::now();
            while since.elapsed() < Duration::from_secs(120) {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if let Some(now) = open_sockets_on_server(&o).await {
                    if now <= first - o.stall as f64 {
                        return Some(since.elapsed());
                    }
                }
            }
            None
        })
    });
    let mut posts: Vec<(usize, Uuid, String)> = Vec::new();
    while Instant::now() < end {
        ticker.tick().await;
        for _ in 0..batch {
            let poster = posts.len() % posters.len();
            let socket = posters[poster];
            let client_id = Uuid::new_v4();
            let body = format!("t={}", clock.elapsed().as_micros());
            let _ = socket.out.send(
                json!({"type": "post", "channel_id": socket.room, "client_id": client_id, "body": body})
                    .to_string(),
            );
            posts.push((poster, client_id, body));
        }
    }
    let posting_seconds = measure_start.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let measured = measure_start.elapsed().as_secs_f64() - 2.0;
    let (server_cpu_after, tool_cpu_after) = (
        o.server_pid.and_then(|pid| cpu_seconds(&pid.to_string())),
        cpu_seconds("self"),
    );
    let delivered = tally.deliveries.load(Ordering::Relaxed);
    let latencies = sorted_latencies(&mut latency_rx);
    let rss_after = rss_kib(o.server_pid);
    let readers = o.users - o.stall;
    let expected: usize = posts
        .iter()
        .map(|(poster, _, _)| {
            let room = &posters[*poster].room;
            sockets
                .iter()
                .skip(o.stall)
                .filter(|s| &s.room == room)
                .count()
        })
        .sum();

    println!(
        "sockets: {}  rooms: {} of {}  posted: {} in {posting_seconds:.1} s ({:.0} per second)",
        o.users,
        rooms.len(),
        o.room_size,
        posts.len(),
        posts.len() as f64 / posting_seconds
    );
    println!(
        "join storm: {answered} of {} joins answered in {storm_seconds:.2} s, refused: {refused:?}",
        o.users
    );
    println!(
        "acknowledged: {} ({:.0} per second)  refused overloaded: {}  other errors: {}",
        tally.acks.load(Ordering::Relaxed),
        tally.acks.load(Ordering::Relaxed) as f64 / measured,
        tally.overloaded.load(Ordering::Relaxed),
        tally.other_errors.load(Ordering::Relaxed)
    );
    println!(
        "deliveries: {delivered} ({:.0} per second, expected {expected} to {readers} reading sockets)",
        delivered as f64 / measured,
    );
    print_latencies(&latencies);
    println!(
        "sockets closed by the server: {:?} (code: count); dropped without a close frame: {}",
        tally.closes.lock().unwrap(),
        tally.dropped.load(Ordering::Relaxed)
    );
    if let (Some(a), Some(b), Some(c), Some(d)) =
        (server_cpu, server_cpu_after, tool_cpu, tool_cpu_after)
    {
        println!(
            "CPU over the run: server {:.2} cores, load tool {:.2} cores (of 2)",
            (b - a) / measured,
            (d - c) / measured
        );
    }
    if let Some(watch) = stall_watch {
        match watch.await.unwrap() {
            Some(after) => println!(
                "{} sockets that stopped reading were closed {:.1} s after the load began",
                o.stall,
                after.as_secs_f64()
            ),
            None => println!("sockets that stopped reading were still open after 120 s"),
        }
    }
    if let (Some(before), Some(connected), Some(after)) = (rss_before, rss_connected, rss_after) {
        println!(
            "server RSS KiB: before sockets {before}, with {} idle sockets {connected} ({:.1} KiB per socket), after the run {after}",
            o.users,
            (connected.saturating_sub(before)) as f64 / o.users as f64
        );
    }
    if o.verify {
        verify(o, &tally, &sockets, &posters, &posts, cookies, rooms, clock).await;
    }
}

/// Sends again, with the same ids, every post not acknowledged (refused as overloaded,
/// or lost with a closed socket) until each is, then reads every room from its first
/// message and counts the posts lost and those stored twice.
#[allow(clippy::too_many_arguments)]
async fn verify(
    o: &Arc<Options>,
    tally: &Arc<Tally>,
    sockets: &[Socket],
    posters: &[&Socket],
    posts: &[(usize, Uuid, String)],
    cookies: &[String],
    rooms: &[String],
    clock: Instant,
) {
    let (latency_tx, _latency_rx) = mpsc::unbounded_channel::<u64>();
    let (joined_tx, _joined_rx) = mpsc::unbounded_channel::<JoinAnswer>();
    let mut replacement: std::collections::HashMap<usize, Socket> = Default::default();
    let retry_started = Instant::now();
    let mut round = 0;
    loop {
        let missing: Vec<&(usize, Uuid, String)> = {
            let acked = tally.acked.lock().unwrap();
            posts
                .iter()
                .filter(|(_, id, _)| !acked.contains_key(id))
                .collect()
        };
        if missing.is_empty() || retry_started.elapsed() > Duration::from_secs(60) {
            println!(
                "retry: {} rounds in {:.1} s, {} posts still unacknowledged",
                round,
                retry_started.elapsed().as_secs_f64(),
                missing.len()
            );
            break;
        }
        round += 1;
        for (poster, id, body) in missing {
            let socket = posters[*poster];
            let out = if socket.open.load(Ordering::Relaxed) {
                socket.out.clone()
            } else {
                // The browser would reconnect: a new socket for that customer.
                let index = sockets
                    .iter()
                    .position(|s| std::ptr::eq(s, socket))
                    .unwrap();
                if !replacement.contains_key(poster) {
                    let fresh = open_socket(
                        o,
                        &cookies[index],
                        socket.room.clone(),
                        clock,
                        tally.clone(),
                        latency_tx.clone(),
                        joined_tx.clone(),
                        false,
                    )
                    .await;
                    replacement.insert(*poster, fresh);
                }
                replacement[poster].out.clone()
            };
            let _ = out.send(
                json!({"type": "post", "channel_id": socket.room, "client_id": id, "body": body})
                    .to_string(),
            );
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    // Every room read from its first message by a fresh socket of one of its members.
    let mut lost = 0;
    let mut duplicated = 0;
    for (r, room) in rooms.iter().enumerate() {
        let member = r * o.room_size + o.stall.min(o.room_size - 1);
        let mut request = format!("{}/ws", o.url.replace("http://", "ws://"))
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("cookie", cookies[member].parse().unwrap());
        request
            .headers_mut()
            .insert("origin", o.url.parse().unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        socket
            .send(Message::text(
                json!({"type": "subscribe", "channel_id": room, "after_seq": 0}).to_string(),
            ))
            .await
            .unwrap();
        let expected: std::collections::HashSet<Uuid> = posts
            .iter()
            .filter(|(poster, _, _)| &posters[*poster].room == room)
            .map(|(_, id, _)| *id)
            .collect();
        let mut seen: std::collections::HashMap<Uuid, u32> = Default::default();
        while let Ok(Some(Ok(frame))) =
            tokio::time::timeout(Duration::from_secs(3), socket.next()).await
        {
            if let Message::Text(text) = frame {
                let value: Value = serde_json::from_str(&text).unwrap_or_default();
                if value["type"] == "message" {
                    if let Some(id) = value["client_id"].as_str().and_then(|i| i.parse().ok()) {
                        *seen.entry(id).or_default() += 1;
                    }
                }
            }
        }
        lost += expected.iter().filter(|id| !seen.contains_key(id)).count();
        duplicated += seen.values().filter(|n| **n > 1).count();
    }
    println!("verified: {lost} posts lost, {duplicated} stored twice");
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
