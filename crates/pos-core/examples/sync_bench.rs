//! Sync engine benchmark (prints figures; not a test).
//!
//! `cargo run --release -p pos-core --example sync_bench [-- ORDERS]` (default 10,000):
//! 1. ORDERS open orders whose payments are all paid in the sandbox: one `sync --once` cycle
//!    (the engine's `run_once`), counted by the sandbox's `/__sandbox/stats`.
//! 2. The seed's approach on another ORDERS orders, in the same process: one token request and
//!    one lookup per order. Ratios of requests and time.
//! 3. Nothing open: the engine running with a 1-second sweep for 10 seconds; requests per sweep.

use std::sync::Arc;
use std::time::{Duration, Instant};

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use pos_core::checkout::apply_payment;
use pos_core::sync::{CheckoutWork, SyncEngine, SyncOptions};
use pos_core::{NewOrder, Order, OrderState, PayMethod, Store};
use serde_json::{json, Value};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn client(base: &str) -> BenchResult<iamport::Client> {
    Ok(iamport::Client::new(iamport::Config::new(
        base,
        DEFAULT_IMP_KEY,
        DEFAULT_IMP_SECRET,
    ))?)
}

async fn rest_calls(http: &reqwest::Client, base: &str) -> BenchResult<u64> {
    let v: Value = http
        .get(format!("{base}/__sandbox/stats"))
        .send()
        .await?
        .json()
        .await?;
    v["response"]["total"]
        .as_u64()
        .ok_or_else(|| "stats without a total".into())
}

/// ORDERS local orders, each paid in the sandbox (8 requests in flight).
async fn paid_orders(
    store: &Store,
    http: &reqwest::Client,
    base: &str,
    n: usize,
) -> BenchResult<Vec<Order>> {
    let new = NewOrder {
        plan_id: "pass_1m".into(),
        pay_method: PayMethod::Card,
        buyer_name: None,
        buyer_tel: None,
        buyer_email: None,
    };
    let orders = (0..n)
        .map(|_| store.create_order(&new))
        .collect::<Result<Vec<_>, _>>()?;
    for chunk in orders.chunks(8) {
        let mut set = tokio::task::JoinSet::new();
        for o in chunk {
            let (http, url) = (http.clone(), format!("{base}/__sandbox/payments"));
            let body =
                json!({"merchant_uid": o.merchant_uid, "amount": o.amount, "pay_method": "card"});
            set.spawn(async move { http.post(url).json(&body).send().await.map(|_| ()) });
        }
        while let Some(done) = set.join_next().await {
            done??;
        }
    }
    Ok(orders)
}

fn count_paid(store: &Store, orders: &[Order]) -> BenchResult<usize> {
    let mut paid = 0;
    for o in orders {
        if store.order(&o.merchant_uid)?.state == OrderState::Paid {
            paid += 1;
        }
    }
    Ok(paid)
}

fn ratio(a: u128, b: u128) -> String {
    if b == 0 {
        return "n/a".into();
    }
    format!("{}.{:02}", a / b, (a % b) * 100 / b)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> BenchResult<()> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(10_000);
    let sb = Sandbox::start(SandboxConfig::default()).await?;
    let base = sb.base_url();
    let http = reqwest::Client::new();
    let dir = tempfile::tempdir()?;
    let ours = if std::env::var_os("BENCH_MEMORY").is_some() {
        Store::open_in_memory()?
    } else {
        Store::open(&dir.path().join("ours").tap_create()?)?
    };
    let seed = Store::open(&dir.path().join("seed").tap_create()?)?;

    println!("sync_bench: {n} open orders, payments all paid in the sandbox");
    let orders = paid_orders(&ours, &http, &base, n).await?;
    let before = rest_calls(&http, &base).await?;
    let started = Instant::now();
    let work = Arc::new(CheckoutWork);
    let report = SyncEngine::run_once(
        ours.clone(),
        client(&base)?,
        work.clone(),
        work.clone(),
        SyncOptions::default(),
        "bench",
    )
    .await?;
    let engine_time = started.elapsed();
    let engine_calls = rest_calls(&http, &base).await? - before;
    let paid = count_paid(&ours, &orders)?;
    println!(
        "engine  : {paid}/{n} paid, {engine_calls} REST requests, {} ms ({} feed pages, {} lookup calls)",
        engine_time.as_millis(),
        report.feed_pages,
        report.lookup_calls
    );

    let seed_orders = paid_orders(&seed, &http, &base, n).await?;
    let before = rest_calls(&http, &base).await?;
    let started = Instant::now();
    for o in &seed_orders {
        // The seed: a fresh token and one lookup per order.
        let c = client(&base)?;
        let p = c.find_payment(&o.merchant_uid, None).await?;
        apply_payment(&seed, &p, "seed_poll")?;
    }
    let seed_time = started.elapsed();
    let seed_calls = rest_calls(&http, &base).await? - before;
    let seed_paid = count_paid(&seed, &seed_orders)?;
    println!(
        "seed    : {seed_paid}/{n} paid, {seed_calls} REST requests, {} ms",
        seed_time.as_millis()
    );
    println!(
        "ratio   : requests seed/engine = {}x, time seed/engine = {}x",
        ratio(u128::from(seed_calls), u128::from(engine_calls)),
        ratio(seed_time.as_millis(), engine_time.as_millis().max(1))
    );
    println!(
        "target  : <= 120 requests: {}; < 5 s: {}",
        if engine_calls <= 120 { "met" } else { "MISSED" },
        if engine_time < Duration::from_secs(5) {
            "met"
        } else {
            "MISSED"
        }
    );

    sb.shutdown().await;

    // Idle: nothing open and no traffic (a fresh sandbox), 1-second sweep, 10 seconds.
    let quiet = Sandbox::start(SandboxConfig::default()).await?;
    let idle = Store::open(&dir.path().join("idle").tap_create()?)?;
    let mut options = SyncOptions::default();
    options.policy.sweep = Duration::from_secs(1);
    let engine = SyncEngine::start(
        idle,
        client(&quiet.base_url())?,
        work.clone(),
        work,
        options,
        "bench",
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(10)).await;
    engine.stop().await?;
    let idle_calls = rest_calls(&http, &quiet.base_url()).await?;
    println!(
        "idle    : nothing open, sweep 1 s, 10 s: {idle_calls} REST requests \
         (1 token + 1 feed read per sweep; with the default 300 s sweep: 1 request per 5 minutes plus a token every 30 minutes)"
    );
    quiet.shutdown().await;
    Ok(())
}

trait TapCreate: Sized {
    fn tap_create(self) -> std::io::Result<Self>;
}

impl TapCreate for std::path::PathBuf {
    fn tap_create(self) -> std::io::Result<Self> {
        std::fs::create_dir_all(&self)?;
        Ok(self)
    }
}
