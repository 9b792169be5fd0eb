//! Payment-lookup throughput: `cargo run --release -p iamport-sandbox --example bench
//! [-- --clients 32 --seconds 5 --payments 1000]`.
//!
//! Starts a sandbox in-process on loopback, creates payments through the control API, then has
//! concurrent keep-alive clients call `GET /payments/{imp_uid}` for a fixed time and prints
//! requests per second. A benchmark, not a test: it prints, it does not assert.

use clap::Parser;
use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Concurrent keep-alive clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// How long to measure.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Payments to create and look up.
    #[arg(long, default_value_t = 1000)]
    payments: usize,
}

#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error("sandbox did not start")]
    Start(#[from] iamport_sandbox::SandboxError),
    #[error("HTTP call failed")]
    Http(#[from] reqwest::Error),
    #[error("unexpected reply: {0}")]
    Reply(Value),
}

#[tokio::main]
async fn main() -> Result<(), BenchError> {
    let args = Args::parse();
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let base = sandbox.base_url();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients)
        .build()?;
    let token: Value = http
        .post(format!("{base}/users/getToken"))
        .json(&json!({"imp_key": DEFAULT_IMP_KEY, "imp_secret": DEFAULT_IMP_SECRET}))
        .send()
        .await?
        .json()
        .await?;
    let token = token["response"]["access_token"]
        .as_str()
        .ok_or_else(|| BenchError::Reply(token.clone()))?
        .to_owned();
    let mut imp_uids = Vec::with_capacity(args.payments);
    for i in 0..args.payments {
        let created: Value = http
            .post(format!("{base}/__sandbox/payments"))
            .json(&json!({"merchant_uid": format!("bench_{i}"), "amount": 9900}))
            .send()
            .await?
            .json()
            .await?;
        let imp = created["response"]["imp_uid"]
            .as_str()
            .ok_or_else(|| BenchError::Reply(created.clone()))?
            .to_owned();
        imp_uids.push(imp);
    }
    let imp_uids = Arc::new(imp_uids);
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.clients {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        let (imp_uids, done, failed) = (imp_uids.clone(), done.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = c;
            while Instant::now() < deadline {
                let imp = &imp_uids[i % imp_uids.len()];
                i += args.clients;
                let ok = match http
                    .get(format!("{base}/payments/{imp}"))
                    .header("Authorization", &token)
                    .send()
                    .await
                {
                    Ok(resp) => resp.status().is_success() && resp.bytes().await.is_ok(),
                    Err(_) => false,
                };
                let counter = if ok { &done } else { &failed };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        if let Err(e) = t.await {
            eprintln!("a client task failed: {e}");
        }
    }
    let elapsed = started.elapsed();
    let n = done.load(Ordering::Relaxed);
    let per_second =
        n.saturating_mul(1000) / u64::try_from(elapsed.as_millis().max(1)).unwrap_or(u64::MAX);
    println!(
        "GET /payments/{{imp_uid}}: {n} ok, {} failed in {:.2?} with {} keep-alive clients over loopback: {per_second} requests/s",
        failed.load(Ordering::Relaxed),
        elapsed,
        args.clients,
    );
    sandbox.shutdown().await;
    Ok(())
}
