//! Benchmark (prints figures; not a timed test): N simulated stores poll their change feed
//! every few seconds, first through the relay, then against Iamport (the sandbox) directly
//! with the real key, the way every store PC does today. Reports the requests Iamport served
//! (from the sandbox's `/__sandbox/stats`) and the latency stores saw.
//!
//! ```sh
//! cargo bench -p panmusic-relay --bench relay_polling                    # 1,000 stores, 2 minutes each
//! STORES=200 SECONDS=20 cargo bench -p panmusic-relay --bench relay_polling
//! ```
//! Environment: STORES (1000), SECONDS (120), POLL_SECS (5), PAYMENTS_PER_SEC (5).

#![allow(
    clippy::unwrap_used,
    clippy::float_arithmetic,
    clippy::too_many_arguments
)]

#[path = "../src/testing/pg.rs"]
#[allow(dead_code)]
mod pg;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use panmusic_relay::{Relay, RelayConfig};
use rand::Rng;
use serde_json::{json, Value};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Figures {
    polls: usize,
    errors: usize,
    p50_ms: f64,
    p99_ms: f64,
    upstream: u64,
    feed_reads: u64,
}

async fn stats(http: &reqwest::Client, sandbox: &Sandbox) -> Value {
    http.get(format!("{}/__sandbox/stats", sandbox.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn token(http: &reqwest::Client, base: &str, key: &str, secret: &str) -> String {
    let reply: Value = http
        .post(format!("{base}/users/getToken"))
        .json(&json!({"imp_key": key, "imp_secret": secret}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["response"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every store polls `GET /payments/status/all?sorting=updated&from=<cursor>` every
/// `poll` (first poll at a random offset), while `payments/s` payments are made across stores.
async fn run(
    http: &reqwest::Client,
    sandbox: &Sandbox,
    base: &str,
    credentials: Vec<(String, String)>,
    prefixes: &[String],
    seconds: u64,
    poll: Duration,
    payments_per_sec: u64,
) -> Figures {
    let mut tokens = Vec::new();
    for (k, s) in &credentials {
        tokens.push(token(http, base, k, s).await);
    }
    let before = stats(http, sandbox).await;
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let errors = Arc::new(Mutex::new(0usize));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let from0 = chrono::Utc::now().timestamp() - 60;
    let mut tasks = Vec::new();
    for token in tokens {
        let (http, base, lat, errs, stop) = (
            http.clone(),
            base.to_owned(),
            latencies.clone(),
            errors.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let offset = rand::rng().random_range(0..poll.as_millis() as u64);
            tokio::time::sleep(Duration::from_millis(offset)).await;
            let mut cursor = from0;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let reply = http
                    .get(format!(
                        "{base}/payments/status/all?sorting=updated&limit=100&from={}",
                        cursor - 10
                    ))
                    .header("Authorization", format!("Bearer {token}"))
                    .send()
                    .await;
                let ok = match reply {
                    Ok(r) if r.status().is_success() => {
                        let body: Value = r.json().await.unwrap_or(Value::Null);
                        if let Some(list) = body["response"]["list"].as_array() {
                            for p in list {
                                cursor = cursor.max(p["paid_at"].as_i64().unwrap_or(0));
                            }
                        }
                        true
                    }
                    _ => false,
                };
                if ok {
                    lat.lock().unwrap().push(t.elapsed().as_secs_f64() * 1000.0);
                } else {
                    *errs.lock().unwrap() += 1;
                }
                tokio::time::sleep(poll).await;
            }
        }));
    }
    // Buyers pay at the stores meanwhile (through the sandbox's control API, uncounted).
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        for _ in 0..payments_per_sec {
            let prefix = &prefixes[rand::rng().random_range(0..prefixes.len())];
            let _ = http
                .post(format!("{}/__sandbox/payments", sandbox.base_url()))
                .json(&json!({"merchant_uid": format!("{prefix}order_{n}_{}", started.elapsed().as_nanos()),
                              "amount": 9900, "pay_method": "card", "outcome": "paid"}))
                .send()
                .await;
            n += 1;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let after = stats(http, sandbox).await;
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |q: f64| {
        lat.get(((lat.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let route = "GET /payments/status/{payment_status}";
    let errors = *errors.lock().unwrap();
    Figures {
        polls: lat.len(),
        errors,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        upstream: after["response"]["total"].as_u64().unwrap_or(0)
            - before["response"]["total"].as_u64().unwrap_or(0),
        feed_reads: after["response"]["by_route"][route].as_u64().unwrap_or(0)
            - before["response"]["by_route"][route].as_u64().unwrap_or(0),
    }
}

#[tokio::main]
async fn main() {
    let stores = env_num("STORES", 1000) as usize;
    let seconds = env_num("SECONDS", 120);
    let poll = Duration::from_secs(env_num("POLL_SECS", 5));
    let payments_per_sec = env_num("PAYMENTS_PER_SEC", 5);
    let pg = tokio::task::spawn_blocking(pg::Pg::start).await.unwrap();
    let db_url = pg.fresh_db().await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(2000)
        .build()
        .unwrap();

    // Through the relay.
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let mut config = RelayConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        &db_url,
        sandbox.base_url(),
        DEFAULT_IMP_KEY,
        DEFAULT_IMP_SECRET,
    );
    config.pool_size = 32;
    let relay = Relay::start(config).await.unwrap();
    let (client, conn) = tokio_postgres::connect(&db_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut credentials = Vec::new();
    let mut prefixes = Vec::new();
    for i in 0..stores {
        let s = panmusic_relay::db::stores::add(&client, &format!("bench-{i}"))
            .await
            .unwrap();
        prefixes.push(s.prefix.clone());
        credentials.push((s.key, s.secret));
    }
    client
        .execute("UPDATE stores SET requests_per_second = 1000", &[])
        .await
        .unwrap();
    let via_relay = run(
        &http,
        &sandbox,
        &relay.base_url(),
        credentials,
        &prefixes,
        seconds,
        poll,
        payments_per_sec,
    )
    .await;
    relay.shutdown().await.unwrap();
    sandbox.shutdown().await;

    // Directly, every store with the real key (today's setup).
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct_credentials =
        vec![(DEFAULT_IMP_KEY.to_owned(), DEFAULT_IMP_SECRET.to_owned()); stores];
    let direct = run(
        &http,
        &sandbox,
        &sandbox.base_url(),
        direct_credentials,
        &prefixes,
        seconds,
        poll,
        payments_per_sec,
    )
    .await;
    sandbox.shutdown().await;

    println!("relay_polling: {stores} stores polling their feed every {} s for {seconds} s, {payments_per_sec} payments/s", poll.as_secs());
    println!(
        "{:<8} {:>8} {:>7} {:>22} {:>16} {:>9} {:>9}",
        "mode", "polls", "errors", "Iamport requests", "feed reads", "p50 ms", "p99 ms"
    );
    for (mode, f) in [("relay", &via_relay), ("direct", &direct)] {
        println!(
            "{:<8} {:>8} {:>7} {:>22} {:>16} {:>9.2} {:>9.2}",
            mode, f.polls, f.errors, f.upstream, f.feed_reads, f.p50_ms, f.p99_ms
        );
    }
    if direct.upstream > 0 {
        println!(
            "Iamport requests through the relay: {:.4} of direct ({} vs {})",
            via_relay.upstream as f64 / direct.upstream as f64,
            via_relay.upstream,
            direct.upstream
        );
    }
}
