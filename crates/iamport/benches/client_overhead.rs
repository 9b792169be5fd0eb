//! Prints two figures (a benchmark, not a test; nothing here asserts timings):
//!
//! 1. token requests spent on 1,000 mixed calls against `iamport-sandbox` (target: 1);
//! 2. client-side overhead per call against a loopback server: `Client::payment` (token cache,
//!    envelope, typed decode) minus a bare `reqwest` GET of the same body.
//!
//! Run: `cargo bench -p iamport --bench client_overhead`

use std::time::{Duration, Instant};

use axum::routing::{get, post};
use axum::Router;
use iamport::{Client, Config, StatusQuery};
use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};

const CARD_2024: &str = include_str!("../fixtures/payment_card_2024.json");
const TOKEN: &str = r#"{"code":0,"message":null,"response":{"access_token":"c659d28525e034bfe0e75be9d71122585da0c97e","now":1700000000,"expired_at":1700001800}}"#;

type BenchResult = Result<(), Box<dyn std::error::Error>>;

async fn token_requests_for_mixed_calls() -> BenchResult {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let base = sandbox.base_url();
    let control = reqwest::Client::new();
    let mut imp_uids = Vec::new();
    for i in 0..10 {
        let reply: serde_json::Value = control
            .post(format!("{base}/__sandbox/payments"))
            .json(&serde_json::json!({"merchant_uid": format!("bench_{i}"), "amount": 9900}))
            .send()
            .await?
            .json()
            .await?;
        imp_uids.push(
            reply["response"]["imp_uid"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let client = Client::new(Config::new(&base, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET))?;
    let started = Instant::now();
    for i in 0..1000usize {
        let n = i % 10;
        match i % 4 {
            0 => drop(client.payment(&imp_uids[n]).await?),
            1 => drop(client.find_payment(&format!("bench_{n}"), None).await?),
            2 => drop(client.payments_by_ids(&imp_uids, &[]).await?),
            _ => drop(client.payments_by_status(&StatusQuery::default()).await?),
        }
    }
    let elapsed = started.elapsed();
    println!(
        "mixed calls against iamport-sandbox: 1000 calls, {} token request(s) (target 1), {} ms total, {} us/call",
        client.token_requests(),
        elapsed.as_millis(),
        elapsed.as_micros() / 1000
    );
    sandbox.shutdown().await;
    Ok(())
}

async fn overhead_per_call() -> BenchResult {
    let app = Router::new()
        .route("/users/getToken", post(|| async { TOKEN }))
        .route("/payments/{imp_uid}", get(|| async { CARD_2024 }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let base = format!("http://{addr}");

    let client = Client::new(Config::new(&base, "k", "s"))?;
    let raw = reqwest::Client::new();
    let url = format!("{base}/payments/imp_088022300265?include_sandbox=true");
    // Warm both connection pools and the token cache.
    for _ in 0..200 {
        client.payment("imp_088022300265").await?;
        raw.get(&url).send().await?.bytes().await?;
    }
    const N: u32 = 5000;
    // Interleaved, one bare call then one client call, so machine load hits both alike;
    // medians, so a stray slow call does not move the figure.
    let mut raw_ns = Vec::with_capacity(N as usize);
    let mut client_ns = Vec::with_capacity(N as usize);
    for _ in 0..N {
        let t = Instant::now();
        raw.get(&url)
            .header("authorization", "Bearer x")
            .send()
            .await?
            .bytes()
            .await?;
        raw_ns.push(t.elapsed().as_nanos());
        let t = Instant::now();
        client.payment("imp_088022300265").await?;
        client_ns.push(t.elapsed().as_nanos());
    }
    let median = |mut v: Vec<u128>| {
        v.sort_unstable();
        i128::try_from(v.get(v.len() / 2).copied().unwrap_or(0)).unwrap_or(i128::MAX)
    };
    let (raw_median, client_median) = (median(raw_ns), median(client_ns));
    println!(
        "loopback GET /payments/{{imp_uid}} ({} byte body), {N} interleaved calls, medians: bare reqwest {raw_median} ns, iamport::Client {client_median} ns, client overhead {} ns/call; token requests {}",
        CARD_2024.len(),
        client_median - raw_median,
        client.token_requests()
    );
    // Integer nanoseconds: the workspace forbids float arithmetic.
    let per = |d: Duration| i128::try_from(d.as_nanos() / u128::from(N)).unwrap_or(i128::MAX);
    server.abort();

    // How much of that is the typed decode of the payment alone.
    #[derive(serde::Deserialize)]
    struct Envelope {
        response: iamport::Payment,
    }
    let t = Instant::now();
    for _ in 0..N {
        let e: Envelope = serde_json::from_str(std::hint::black_box(CARD_2024))?;
        std::hint::black_box(e.response);
    }
    println!(
        "typed decode of that payment alone: {} ns/call",
        per(t.elapsed())
    );
    Ok(())
}

#[tokio::main]
async fn main() -> BenchResult {
    token_requests_for_mixed_calls().await?;
    overhead_per_call().await?;
    Ok(())
}
