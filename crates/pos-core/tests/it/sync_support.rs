//! What the sync tests share: a sandbox on loopback, its control API, clients with short
//! timeouts, and a count of orders scaled by `SYNC_TEST_SCALE`.

use std::sync::Arc;
use std::time::Duration;

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use pos_core::sync::{Backoff, CheckoutWork, CycleReport, SyncEngine, SyncOptions};
use pos_core::{NewOrder, Order, PayMethod, Store};
use serde_json::{json, Value};

use crate::relay_support::{Backend, Front};

/// `n` scaled by the env var `SYNC_TEST_SCALE` (a percentage, default 100).
pub fn scaled(n: usize) -> usize {
    let pct = std::env::var("SYNC_TEST_SCALE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(100);
    (n * pct / 100).max(1)
}

/// A sandbox in this process, with state in memory or in `state`.
pub async fn sandbox(
    state: Option<std::path::PathBuf>,
    listen: Option<std::net::SocketAddr>,
) -> Sandbox {
    let mut config = SandboxConfig {
        state_file: state,
        ..SandboxConfig::default()
    };
    if let Some(addr) = listen {
        config.listen = addr;
    }
    Sandbox::start(config)
        .await
        .unwrap_or_else(|e| panic!("the sandbox must start: {e}"))
}

/// A client of `base` with a short per-request timeout.
pub fn client(base: &str, timeout: Duration) -> iamport::Client {
    let mut config = iamport::Config::new(base, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET);
    config.timeout = timeout;
    config.connect_timeout = timeout;
    iamport::Client::new(config).unwrap_or_else(|e| panic!("client: {e}"))
}

/// Engine options for tests: quick backoffs.
pub fn fast_options() -> SyncOptions {
    SyncOptions {
        job_backoff: Backoff {
            base: Duration::from_millis(20),
            max: Duration::from_millis(300),
        },
        call_backoff: Backoff {
            base: Duration::from_millis(10),
            max: Duration::from_millis(200),
        },
        ..SyncOptions::default()
    }
}

/// One `posctl sync --once`-style cycle under the lease.
pub async fn run_once(
    store: &Store,
    client: &iamport::Client,
) -> Result<CycleReport, pos_core::sync::SyncError> {
    run_once_with(store, client, fast_options()).await
}

/// [`run_once`] with other options.
pub async fn run_once_with(
    store: &Store,
    client: &iamport::Client,
    options: SyncOptions,
) -> Result<CycleReport, pos_core::sync::SyncError> {
    let work = Arc::new(CheckoutWork);
    SyncEngine::run_once(
        store.clone(),
        client.clone(),
        work.clone(),
        work,
        options,
        "test",
    )
    .await
}

/// The sandbox's control API.
pub struct Control {
    http: reqwest::Client,
    base: String,
}

impl Control {
    /// Control of the sandbox at `base`.
    pub fn new(base: &str) -> Control {
        Control {
            http: reqwest::Client::new(),
            base: base.to_owned(),
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let reply = self
            .http
            .post(&url)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let value: Value = reply
            .json()
            .await
            .unwrap_or_else(|e| panic!("POST {path} body: {e}"));
        assert_eq!(value["code"], 0, "POST {path} must succeed: {value}");
        value["response"].clone()
    }

    /// A payment for `merchant_uid` as if the buyer finished the window (`paid` or a vbank `ready`).
    pub async fn pay(
        &self,
        merchant_uid: &str,
        amount: i64,
        pay_method: &str,
        outcome: &str,
    ) -> String {
        let p = self
            .post(
                "/__sandbox/payments",
                json!({"merchant_uid": merchant_uid, "amount": amount, "pay_method": pay_method, "outcome": outcome}),
            )
            .await;
        p["imp_uid"].as_str().unwrap_or_default().to_owned()
    }

    /// The bank reports a deposit into a virtual account.
    pub async fn deposit(&self, imp_uid: &str) {
        self.post(&format!("/__sandbox/payments/{imp_uid}/deposit"), json!({}))
            .await;
    }

    /// A cancel made in the Iamport console.
    pub async fn console_cancel(&self, imp_uid: &str) {
        self.post(&format!("/__sandbox/payments/{imp_uid}/cancel"), json!({}))
            .await;
    }

    /// Moves the sandbox's clock forward by `seconds`.
    pub async fn advance_clock(&self, seconds: i64) {
        self.post("/__sandbox/clock", json!({ "advance": seconds }))
            .await;
    }

    /// Replaces the fault plan (`{}` turns faults off).
    pub async fn faults(&self, spec: Value) {
        self.post("/__sandbox/faults", spec).await;
    }

    /// REST calls counted so far.
    pub async fn rest_calls(&self) -> u64 {
        self.stats().await["total"].as_u64().unwrap_or(u64::MAX)
    }

    /// REST calls counted so far, less those of `route` (e.g. `GET /payments/status/{payment_status}`).
    pub async fn rest_calls_except(&self, route: &str) -> u64 {
        let stats = self.stats().await;
        let total = stats["total"].as_u64().unwrap_or(u64::MAX);
        total.saturating_sub(stats["by_route"][route].as_u64().unwrap_or(0))
    }

    async fn stats(&self) -> Value {
        let url = format!("{}/__sandbox/stats", self.base);
        let v: Value = match self.http.get(&url).send().await {
            Ok(r) => r.json().await.unwrap_or_default(),
            Err(e) => panic!("stats: {e}"),
        };
        v["response"].clone()
    }
}

/// Creates an order for the 1-month pass paid with `method`.
pub fn new_order(store: &Store, method: PayMethod) -> Order {
    store
        .create_order(&NewOrder {
            plan_id: "pass_1m".into(),
            pay_method: method,
            buyer_name: None,
            buyer_tel: None,
            buyer_email: None,
        })
        .unwrap_or_else(|e| panic!("create an order: {e}"))
}

/// The sandbox as a test's store reaches it: directly, or through a relay in front of it.
pub struct Net {
    front: Front,
}

impl Net {
    /// The sandbox `sb` over `backend`.
    pub async fn over(backend: Backend, sb: &Sandbox) -> Net {
        Net {
            front: Front::start(backend, &sb.base_url()).await,
        }
    }

    /// [`Net::over`] with a relay that gives up on the sandbox after `upstream_timeout`.
    pub async fn over_impatient(backend: Backend, sb: &Sandbox, upstream_timeout: Duration) -> Net {
        Net {
            front: Front::start_with(backend, &sb.base_url(), Some(upstream_timeout)).await,
        }
    }

    /// Through the relay: lets the store send `per_second` requests a second (20 by default).
    pub async fn set_rate(&self, per_second: i32) {
        self.front.set_rate(per_second).await;
    }

    /// `posctl` with the global flags that point it at this connection's Iamport (the sandbox,
    /// or the relay with the relay store key; the secret through the environment).
    pub fn posctl(&self, dir: &std::path::Path) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_posctl"));
        cmd.arg("--data-dir")
            .arg(dir)
            .args(["--api-base", &self.front.base_url()])
            .args(["--imp-key", self.front.key()])
            .env_remove("IAMPORT_KEY")
            .env("IAMPORT_SECRET", self.front.secret())
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// Makes `dir` a data dir of this connection: through the relay, an app saved in 중계 서버
    /// mode with the relay store's key; direct, a fresh dir.
    pub fn prepare_dir(&self, dir: &std::path::Path) {
        if self.front.is_relay() {
            crate::relay_support::relay_data_dir(&self.front, dir);
        }
    }

    /// `posctl` as the shop runs it on a dir made by [`Net::prepare_dir`]: through the relay in
    /// 중계 서버 mode from the app's settings alone (the live book); direct with the flags of
    /// [`Net::posctl`] (the sandbox book).
    pub fn shop_posctl(&self, dir: &std::path::Path) -> std::process::Command {
        if !self.front.is_relay() {
            return self.posctl(dir);
        }
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_posctl"));
        cmd.arg("--data-dir")
            .arg(dir)
            .env("PANMUSIC_SECRETS", "file")
            .env_remove("IAMPORT_KEY")
            .env_remove("IAMPORT_SECRET")
            .env_remove("IAMPORT_API_BASE")
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// The order book [`Net::shop_posctl`] works on in `dir`, minting ids as this connection
    /// needs.
    pub fn book_of(&self, dir: &std::path::Path) -> Store {
        let mode = if self.front.is_relay() {
            pos_core::settings::Mode::Live
        } else {
            pos_core::settings::Mode::Sandbox
        };
        let store = Store::open_book(dir, mode).unwrap_or_else(|e| panic!("open the book: {e}"));
        self.front.book(store)
    }

    /// `uid` as the store names it (behind the relay store's prefix through the relay).
    pub fn uid(&self, uid: &str) -> String {
        self.front.uid(uid)
    }

    /// The store's client, with `timeout` per request (and to connect).
    pub fn client(&self, timeout: Duration) -> iamport::Client {
        self.front.client_with(timeout, timeout)
    }

    /// `store` minting ids as this connection needs (behind the relay store's prefix).
    pub fn book(&self, store: Store) -> Store {
        self.front.book(store)
    }

    /// After the sandbox's clock moved: a relay re-reads Iamport's clock at once.
    pub async fn sync_clock(&self) {
        self.front.sync_clock().await;
    }
}
