//! 1,000 subscriptions renewed in one sandbox month by one engine: how many REST requests the
//! engine sends per renewal (target: at most 3) and how long the cycle that settles them all
//! takes. Prints the figures; it is a benchmark, not a test.
//! Run: `cargo bench -p pos-core --bench renewals` (`RENEWALS_SUBS=N` for another count).

use std::sync::Arc;
use std::time::Instant;

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use pos_core::store::{OrderState, SubscriptionState};
use pos_core::subscription::Subscriptions;
use pos_core::sync::{CheckoutWork, SyncEngine, SyncOptions};
use pos_core::Store;
use serde_json::{json, Value};

async fn control(http: &reqwest::Client, base: &str, path: &str, body: Value) -> Value {
    let reply: Value = http
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("POST {path} reply: {e}"));
    reply["response"].clone()
}

async fn stats(http: &reqwest::Client, base: &str) -> Value {
    let reply: Value = http
        .get(format!("{base}/__sandbox/stats"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("stats: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("stats reply: {e}"));
    reply["response"].clone()
}

fn total(s: &Value) -> u64 {
    s["total"].as_u64().unwrap_or(0)
}

fn by_route_diff(before: &Value, after: &Value) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = after["by_route"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let was = before["by_route"][k].as_u64().unwrap_or(0);
                    (k.clone(), v.as_u64().unwrap_or(0).saturating_sub(was))
                })
                .filter(|(_, n)| *n > 0)
                .collect()
        })
        .unwrap_or_default();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    rows
}

fn main() {
    let count: usize = std::env::var("RENEWALS_SUBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    rt.block_on(run(count));
}

async fn run(count: usize) {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .unwrap_or_else(|e| panic!("sandbox: {e}"));
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("store: {e}"));
    let client = iamport::Client::new(iamport::Config::new(
        &base,
        DEFAULT_IMP_KEY,
        DEFAULT_IMP_SECRET,
    ))
    .unwrap_or_else(|e| panic!("client: {e}"));
    let subs = Subscriptions::new(store.clone(), client.clone());
    // A store subscribes to a plan once: the bench adds one copy of the monthly plan per
    // subscription to this book's catalog, so one book (one engine) holds them all.
    let conn = rusqlite::Connection::open(dir.path().join(pos_core::store::DB_FILE))
        .unwrap_or_else(|e| panic!("raw open: {e}"));
    let setup = Instant::now();
    let now = pos_core::clock::IamportClock::new(&client).now().await.now;
    for i in 0..count {
        let plan = format!("sub_bench_{i:04}");
        conn.execute(
            "INSERT INTO plans (id, name_ko, name_en, kind, price, months, active, sort_order) \
             SELECT ?1, name_ko, name_en, kind, price, months, active, sort_order FROM plans \
             WHERE id = 'sub_monthly'",
            rusqlite::params![plan],
        )
        .unwrap_or_else(|e| panic!("plan {plan}: {e}"));
        let uid = format!("cust_bench_{i:04}");
        control(
            &http,
            &base,
            &format!("/__sandbox/customers/{uid}"),
            json!({ "decline": false }),
        )
        .await;
        subs.create_with_key(&plan, &uid, now)
            .await
            .unwrap_or_else(|e| panic!("subscribe {i}: {e}"));
    }
    let subscribed = store.subscriptions().unwrap_or_default();
    println!(
        "set-up: {} subscriptions, first period paid and 3 renewals scheduled each, in {:?}",
        subscribed.len(),
        setup.elapsed()
    );
    // One month passes at Iamport: every first renewal runs.
    let next = subscribed
        .iter()
        .filter_map(|s| s.next_charge_at)
        .max()
        .unwrap_or(now);
    let advance = (next - now).num_seconds() + 3600;
    let ran = control(
        &http,
        &base,
        "/__sandbox/clock",
        json!({ "advance": advance }),
    )
    .await;
    println!(
        "the sandbox clock moved {} days; Iamport ran {} schedules",
        advance / 86_400,
        ran["executed"]
    );
    let before = stats(&http, &base).await;
    let work = Arc::new(CheckoutWork);
    let started = Instant::now();
    let report = SyncEngine::run_once(
        store.clone(),
        client.clone(),
        work.clone(),
        work,
        SyncOptions::default(),
        "bench",
    )
    .await
    .unwrap_or_else(|e| panic!("the cycle: {e}"));
    let cycle = started.elapsed();
    let after = stats(&http, &base).await;
    let mut renewed: u64 = 0;
    let mut active = 0;
    for sub in store.subscriptions().unwrap_or_default() {
        if sub.state == SubscriptionState::Active {
            active += 1;
        }
        let charges = store.subscription_charges(&sub.id).unwrap_or_default();
        if charges.iter().any(|c| {
            c.period_no == 1
                && store
                    .order(&c.merchant_uid)
                    .is_ok_and(|o| o.state == OrderState::Paid)
        }) {
            renewed += 1;
        }
    }
    let requests = total(&after).saturating_sub(total(&before));
    println!(
        "one engine cycle settled {renewed} renewals ({active} subscriptions active) in {cycle:?}"
    );
    // Hundredths of a request per renewal, in integers (money code never uses floats).
    let per = requests.saturating_mul(100) / renewed.max(1);
    println!(
        "requests to Iamport in that cycle: {requests} = {}.{:02} per renewal (target <= 3); report {report:?}",
        per / 100,
        per % 100
    );
    for (route, n) in by_route_diff(&before, &after) {
        println!("  {n:>6}  {route}");
    }
    sandbox.shutdown().await;
}
