//! What the subscription tests share: a sandbox on loopback with its control API (billing keys
//! that approve or decline, the clock, faults, counters) and the domain over a fresh store.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use pos_core::store::Subscription;
use pos_core::subscription::{IssuanceTicket, Subscriptions};
use pos_core::Store;
use serde_json::{json, Value};

use crate::relay_support::{Backend, Front};

/// A running sandbox and an HTTP client for its control API.
pub struct Sbx {
    pub sandbox: Sandbox,
    pub base: String,
    http: reqwest::Client,
    /// A relay in front of the sandbox, when the test runs through one.
    front: Option<Front>,
}

impl Sbx {
    /// Starts a sandbox with its state in memory.
    pub async fn start() -> Sbx {
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .unwrap_or_else(|e| panic!("the sandbox must start: {e}"));
        let base = sandbox.base_url();
        Sbx {
            sandbox,
            base,
            http: reqwest::Client::new(),
            front: None,
        }
    }

    /// Starts a sandbox reached over `backend` (the domain's client and store go through it).
    pub async fn start_on(backend: Backend) -> Sbx {
        let mut sbx = Sbx::start().await;
        sbx.front = Some(Front::start(backend, &sbx.base).await);
        sbx
    }

    /// Makes `dir` a data dir of this connection: for the relay, an app saved in 중계 서버 mode
    /// with the relay store's key (posctl then finds the relay in the app's settings); direct, a
    /// fresh dir (posctl gets the sandbox with `--api-base`).
    pub fn prepare_dir(&self, dir: &Path) {
        if let Some(front) = self.front.as_ref().filter(|f| f.is_relay()) {
            crate::relay_support::relay_data_dir(front, dir);
        }
    }

    /// `posctl args` as the shop runs it on a dir made by [`Sbx::prepare_dir`].
    pub fn posctl(&self, dir: &Path, args: &[&str]) -> Command {
        if !self.front.as_ref().is_some_and(Front::is_relay) {
            return posctl(dir, &self.base, args);
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_posctl"));
        cmd.args(args)
            .arg("--data-dir")
            .arg(dir)
            .env("PANMUSIC_SECRETS", "file")
            .env_remove("IAMPORT_KEY")
            .env_remove("IAMPORT_SECRET")
            .env_remove("IAMPORT_API_BASE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// The order book posctl works on in a dir made by [`Sbx::prepare_dir`] (the live book in
    /// 중계 서버 mode, the sandbox book otherwise).
    pub fn book_of(&self, dir: &Path) -> Store {
        let mode = if self.front.as_ref().is_some_and(Front::is_relay) {
            pos_core::settings::Mode::Live
        } else {
            pos_core::settings::Mode::Sandbox
        };
        Store::open_book(dir, mode).unwrap_or_else(|e| panic!("open the book: {e}"))
    }

    /// `uid` as the store names it (behind the relay store's prefix through the relay).
    pub fn uid(&self, uid: &str) -> String {
        self.front
            .as_ref()
            .map_or_else(|| uid.to_owned(), |f| f.uid(uid))
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
        let v: Value = reply
            .json()
            .await
            .unwrap_or_else(|e| panic!("POST {path} reply: {e}"));
        assert_eq!(v["code"], 0, "control call {path} must succeed: {v}");
        v["response"].clone()
    }

    /// Creates the billing key `uid` (or sets whether it declines from now on).
    pub async fn customer(&self, uid: &str, decline: bool) {
        self.post(
            &format!("/__sandbox/customers/{uid}"),
            json!({ "decline": decline }),
        )
        .await;
    }

    /// The buyer finishes the billing-key window: a paid issuance payment of `amount` for
    /// `merchant_uid` that issues `customer_uid`. Returns its imp_uid.
    pub async fn issue_by_window(
        &self,
        merchant_uid: &str,
        amount: i64,
        customer_uid: &str,
    ) -> String {
        self.issuance_payment(merchant_uid, amount, customer_uid, "paid")
            .await
    }

    /// The buyer's billing-key window is declined: a failed issuance payment of `amount` for
    /// `merchant_uid` naming `customer_uid` (no key is issued by it). Returns its imp_uid.
    pub async fn declined_window(
        &self,
        merchant_uid: &str,
        amount: i64,
        customer_uid: &str,
    ) -> String {
        self.issuance_payment(merchant_uid, amount, customer_uid, "failed")
            .await
    }

    /// An issuance payment made at the sandbox with `outcome` (`paid`, `failed`). Returns its
    /// imp_uid.
    async fn issuance_payment(
        &self,
        merchant_uid: &str,
        amount: i64,
        customer_uid: &str,
        outcome: &str,
    ) -> String {
        let v = self
            .post(
                "/__sandbox/payments",
                json!({
                    "merchant_uid": merchant_uid, "amount": amount,
                    "customer_uid": customer_uid, "outcome": outcome,
                }),
            )
            .await;
        v["imp_uid"]
            .as_str()
            .unwrap_or_else(|| panic!("payment has an imp_uid: {v}"))
            .to_string()
    }

    /// The ticket's billing window opens in the sandbox's SDK for its merchant_uid, customer_uid
    /// and PG (the sandbox's window behaves as that PG's: 0원 issuance, or a charge with it).
    /// Returns the window's imp_uid.
    pub async fn billing_window_opens(&self, ticket: &IssuanceTicket) -> String {
        let opened = self
            .post(
                "/__sdk/open",
                json!({
                    "merchant_code": "imp00000000",
                    "params": {"merchant_uid": ticket.merchant_uid, "amount": ticket.amount,
                               "pay_method": "card", "customer_uid": ticket.customer_uid,
                               "pg": ticket.pg},
                }),
            )
            .await;
        opened["imp_uid"].as_str().unwrap_or_default().to_string()
    }

    /// The ticket's billing window opens and the owner presses `action` there (approve;
    /// decline: the card refused; close: 창 닫기). Returns the window's imp_uid.
    pub async fn billing_window_ends(&self, ticket: &IssuanceTicket, action: &str) -> String {
        let imp_uid = self.billing_window_opens(ticket).await;
        self.post(
            "/__sdk/complete",
            json!({"imp_uid": imp_uid, "action": action}),
        )
        .await;
        imp_uid
    }

    /// A billing window opened in the sandbox's SDK with `params` (merchant_uid, amount,
    /// customer_uid, pg) and ended with `action`. Returns the whole envelope of the opening
    /// (a refused window has `code != 0`) and, when it opened, the window's imp_uid.
    pub async fn sdk_window(&self, params: Value, action: &str) -> (Value, Option<String>) {
        let url = format!("{}/__sdk/open", self.base);
        let body = json!({"merchant_code": "imp00000000", "params": params});
        let opened: Value = match self.http.post(&url).json(&body).send().await {
            Ok(reply) => reply.json().await.unwrap_or_default(),
            Err(e) => panic!("POST /__sdk/open: {e}"),
        };
        let imp_uid = opened["response"]["imp_uid"].as_str().map(str::to_owned);
        if let Some(imp_uid) = &imp_uid {
            self.post(
                "/__sdk/complete",
                json!({"imp_uid": imp_uid, "action": action}),
            )
            .await;
        }
        (opened, imp_uid)
    }

    /// Moves the sandbox clock forward (running due schedules) and returns its new now.
    pub async fn advance(&self, seconds: i64) -> DateTime<Utc> {
        let v = self
            .post("/__sandbox/clock", json!({ "advance": seconds }))
            .await;
        if let (Some(front), true) = (&self.front, seconds != 0) {
            front.sync_clock().await;
        }
        let now = v["now"]
            .as_i64()
            .unwrap_or_else(|| panic!("clock reply has now: {v}"));
        Utc.timestamp_opt(now, 0)
            .single()
            .unwrap_or_else(|| panic!("now {now} is a time"))
    }

    /// The sandbox's now.
    pub async fn now(&self) -> DateTime<Utc> {
        self.advance(0).await
    }

    /// Moves the clock to just after `at` (a schedule at `at` runs).
    pub async fn advance_past(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let now = self.now().await;
        let gap = (at - now).num_seconds().max(0) + 60;
        self.advance(gap).await
    }

    /// A cancel made in the Iamport console: the whole payment (`None`) or `amount` won.
    pub async fn console_cancel(&self, imp_uid: &str, amount: Option<i64>) {
        let body = match amount {
            Some(a) => json!({ "amount": a, "reason": "콘솔 환불" }),
            None => json!({ "reason": "콘솔 환불" }),
        };
        self.post(&format!("/__sandbox/payments/{imp_uid}/cancel"), body)
            .await;
    }

    /// Replaces the fault plan (`{}` turns faults off).
    pub async fn faults(&self, spec: Value) {
        self.post("/__sandbox/faults", spec).await;
    }

    /// REST calls made to `route` (e.g. `POST /subscribe/payments/again`).
    pub async fn calls(&self, route: &str) -> u64 {
        let url = format!("{}/__sandbox/stats", self.base);
        let v: Value = self
            .http
            .get(&url)
            .send()
            .await
            .unwrap_or_else(|e| panic!("stats: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("stats reply: {e}"));
        v["response"]["by_route"][route].as_u64().unwrap_or(0)
    }

    /// An Iamport client of this sandbox, with a 10-second per-request timeout (generous: CI
    /// machines are busy, and every call here is expected to succeed).
    pub fn client(&self) -> iamport::Client {
        if let Some(front) = &self.front {
            return front.client(Duration::from_secs(10));
        }
        self.iamport()
    }

    /// A client of the sandbox itself with the real key: what Iamport holds, whatever the
    /// store's connection (the test's view, not the store's).
    pub fn iamport(&self) -> iamport::Client {
        let mut config = iamport::Config::new(&self.base, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET);
        config.timeout = Duration::from_secs(10);
        iamport::Client::new(config).unwrap_or_else(|e| panic!("client: {e}"))
    }

    /// `store` minting ids as this connection needs (behind the relay store's prefix).
    pub fn book(&self, store: Store) -> Store {
        match &self.front {
            Some(front) => front.book(store),
            None => store,
        }
    }

    /// The subscription domain over a fresh in-memory store and this sandbox.
    pub fn subs(&self) -> Subscriptions {
        Subscriptions::new(self.book(super::store()), self.client())
    }

    /// Stops the sandbox.
    pub async fn stop(self) {
        self.sandbox.shutdown().await;
    }
}

/// Subscribes `sub_monthly` with a fresh approving key `uid` at the sandbox's now.
pub async fn subscribed(sbx: &Sbx, subs: &Subscriptions, uid: &str) -> Subscription {
    let uid = &sbx.uid(uid);
    sbx.customer(uid, false).await;
    let now = sbx.now().await;
    subs.create_with_key("sub_monthly", uid, now)
        .await
        .unwrap_or_else(|e| panic!("subscribing with {uid} must work: {e}"))
}

/// 구독하기 of `sub_monthly`: the registration's ticket (its billing window not yet opened).
pub fn start_monthly(subs: &Subscriptions) -> IssuanceTicket {
    subs.start("sub_monthly", None)
        .unwrap_or_else(|e| panic!("start: {e}"))
}

/// Re-reads a subscription.
pub fn reread(store: &Store, id: &str) -> Subscription {
    store
        .subscription(id)
        .unwrap_or_else(|e| panic!("subscription {id}: {e}"))
}

/// Advances past the subscription's next charge and polls once; returns the subscription.
pub async fn renew_once(sbx: &Sbx, subs: &Subscriptions, id: &str) -> Subscription {
    let sub = reread(&subs.store, id);
    let at = sub
        .next_charge_at
        .unwrap_or_else(|| panic!("{id} has a next charge: {sub:?}"));
    let now = sbx.advance_past(at).await;
    let report = pos_core::subscription::poll_due(subs, now)
        .await
        .unwrap_or_else(|e| panic!("poll: {e}"));
    assert!(report.errors.is_empty(), "poll errors: {:?}", report.errors);
    reread(&subs.store, id)
}

/// `posctl ARGS --data-dir DIR --api-base BASE` with the sandbox's credentials, output piped.
pub fn posctl(dir: &Path, base: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_posctl"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(dir)
        .arg("--api-base")
        .arg(base)
        .env("PANMUSIC_SECRETS", "file")
        .env("IAMPORT_KEY", DEFAULT_IMP_KEY)
        .env("IAMPORT_SECRET", DEFAULT_IMP_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}
