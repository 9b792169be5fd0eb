//! What the checkout and refund tests share: a sandbox started by the test, a client with short
//! timeouts, the sandbox's control API, and orders created through `start_checkout`.

use std::time::Duration;

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use pos_core::checkout::{
    complete_payment, start_checkout, Buyer, CheckoutEnv, CheckoutTicket, RefundAccount,
    RefundRequest,
};
use pos_core::settings::Settings;
use pos_core::work::WorkContext;
use pos_core::{Order, OrderState, PayMethod, Store};
use serde_json::{json, Value};

pub use crate::relay_support::{Backend, Front};

/// A sandbox, a client of it, its control API and a fresh store.
pub struct Shop {
    pub sandbox: Sandbox,
    pub client: iamport::Client,
    pub store: Store,
    pub http: reqwest::Client,
    /// The sandbox itself, or a relay in front of it.
    pub front: Option<Front>,
}

/// A client of `base` with a 10-second per-request timeout (generous: CI machines are busy).
pub fn client_of(base: &str) -> iamport::Client {
    let mut config = iamport::Config::new(base, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET);
    config.timeout = Duration::from_secs(10);
    config.connect_timeout = Duration::from_secs(2);
    iamport::Client::new(config).unwrap_or_else(|e| panic!("a client must build: {e}"))
}

/// Starts a sandbox (state in `state_file` when given, on `listen` when given).
pub async fn start_sandbox(
    state_file: Option<std::path::PathBuf>,
    listen: Option<std::net::SocketAddr>,
) -> Sandbox {
    let mut config = SandboxConfig {
        state_file,
        ..SandboxConfig::default()
    };
    if let Some(addr) = listen {
        config.listen = addr;
    }
    Sandbox::start(config)
        .await
        .unwrap_or_else(|e| panic!("the sandbox must start: {e}"))
}

impl Shop {
    /// A shop against a fresh in-memory sandbox.
    pub async fn open() -> Shop {
        Shop::with_sandbox(start_sandbox(None, None).await)
    }

    /// A shop against `sandbox`.
    pub fn with_sandbox(sandbox: Sandbox) -> Shop {
        Shop {
            client: client_of(&sandbox.base_url()),
            sandbox,
            store: crate::store(),
            http: reqwest::Client::new(),
            front: None,
        }
    }

    /// A shop against a fresh sandbox reached over `backend`.
    pub async fn open_on(backend: Backend) -> Shop {
        let sandbox = start_sandbox(None, None).await;
        let front = Front::start(backend, &sandbox.base_url()).await;
        Shop {
            client: front.client(Duration::from_secs(10)),
            store: front.book(crate::store()),
            sandbox,
            http: reqwest::Client::new(),
            front: Some(front),
        }
    }

    async fn catch_up(&self) {
        if let Some(front) = &self.front {
            front.catch_up().await;
        }
    }

    /// Checkout settings for this sandbox.
    pub fn env(&self) -> CheckoutEnv {
        CheckoutEnv {
            settings: Settings::default(),
            api_base: self.sandbox.base_url(),
        }
    }

    /// Starts a checkout of `plan_id` paid with `method` (prepare included).
    pub async fn checkout(&self, plan_id: &str, method: PayMethod) -> CheckoutTicket {
        start_checkout(
            &self.store,
            Some(&self.client),
            &self.env(),
            plan_id,
            method,
            &Buyer::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("checkout of {plan_id} must start: {e}"))
    }

    /// The order as stored.
    pub fn order(&self, merchant_uid: &str) -> Order {
        self.store
            .order(merchant_uid)
            .unwrap_or_else(|e| panic!("order {merchant_uid} must exist: {e}"))
    }

    /// The number of events in an order's timeline.
    pub fn event_count(&self, merchant_uid: &str) -> usize {
        self.store
            .order_events(merchant_uid)
            .unwrap_or_else(|e| panic!("events of {merchant_uid}: {e}"))
            .len()
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.sandbox.base_url());
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
            .unwrap_or_else(|e| panic!("POST {path} reply: {e}"));
        assert_eq!(value["code"], 0, "POST {path} must succeed: {value}");
        value["response"].clone()
    }

    /// A payment as if the buyer finished the window: returns its imp_uid.
    pub async fn buyer_pays(
        &self,
        merchant_uid: &str,
        amount: i64,
        method: &str,
        outcome: &str,
    ) -> String {
        let p = self
            .control(
                "/__sandbox/payments",
                json!({"merchant_uid": merchant_uid, "amount": amount, "pay_method": method, "outcome": outcome}),
            )
            .await;
        p["imp_uid"].as_str().unwrap_or_default().to_owned()
    }

    /// The bank reports the deposit into a virtual account.
    pub async fn deposit(&self, imp_uid: &str) {
        self.control(&format!("/__sandbox/payments/{imp_uid}/deposit"), json!({}))
            .await;
        self.catch_up().await;
    }

    /// A partial cancel made in the Iamport console, behind the app's back.
    pub async fn console_cancel(&self, imp_uid: &str, amount: i64) {
        self.control(
            &format!("/__sandbox/payments/{imp_uid}/cancel"),
            json!({"amount": amount, "reason": "콘솔 취소"}),
        )
        .await;
        self.catch_up().await;
    }

    /// Replaces the fault plan (`{}` turns faults off).
    pub async fn faults(&self, spec: Value) {
        self.control("/__sandbox/faults", spec).await;
    }

    /// Moves Iamport's clock forward by `seconds`; returns its new now (Unix seconds).
    pub async fn advance_clock(&self, seconds: i64) -> i64 {
        let reply = self
            .control("/__sandbox/clock", json!({ "advance": seconds }))
            .await;
        if let Some(front) = &self.front {
            front.sync_clock().await;
        }
        reply["now"]
            .as_i64()
            .unwrap_or_else(|| panic!("the sandbox's now: {reply}"))
    }

    /// REST calls on `route` (e.g. `POST /payments/cancel`) counted by the sandbox.
    pub async fn calls(&self, route: &str) -> u64 {
        let url = format!("{}/__sandbox/stats", self.sandbox.base_url());
        let v: Value = match self.http.get(&url).send().await {
            Ok(r) => r.json().await.unwrap_or_default(),
            Err(e) => panic!("stats: {e}"),
        };
        v["response"]["by_route"][route].as_u64().unwrap_or(0)
    }

    /// The sandbox's payment, looked up by REST.
    pub async fn payment(&self, imp_uid: &str) -> iamport::Payment {
        self.client
            .payment(imp_uid)
            .await
            .unwrap_or_else(|e| panic!("payment {imp_uid} must exist in the sandbox: {e}"))
    }
}

/// The sandbox route of cancels, for counting what was sent.
pub const CANCELS: &str = "POST /payments/cancel";

/// A refund request with a reason.
pub fn refund(amount: Option<i64>) -> RefundRequest {
    RefundRequest {
        amount,
        reason: "고객 요청".into(),
        refund_account: None,
    }
}

/// A well-formed refund account.
pub fn account() -> RefundAccount {
    RefundAccount {
        bank: "004".into(),
        number: "123-4567-8901".into(),
        holder: "홍길동".into(),
    }
}

/// A paid order of `plan` (paid with `method`), returning (merchant_uid, imp_uid).
pub async fn paid_order(shop: &Shop, plan: &str, method: PayMethod) -> (String, String) {
    let ticket = shop.checkout(plan, method).await;
    let wire = method.as_str();
    let imp = if method == PayMethod::Vbank {
        let imp = shop
            .buyer_pays(&ticket.merchant_uid, ticket.amount, wire, "ready")
            .await;
        shop.deposit(&imp).await;
        imp
    } else {
        shop.buyer_pays(&ticket.merchant_uid, ticket.amount, wire, "paid")
            .await
    };
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert!(
        verified.is_ok_and(|v| v.order.state == OrderState::Paid),
        "the order must be paid first"
    );
    (ticket.merchant_uid, imp)
}

/// The work context of a shop.
pub fn ctx(shop: &Shop) -> WorkContext {
    WorkContext {
        store: shop.store.clone(),
        client: shop.client.clone(),
    }
}
