//! The client against `iamport-sandbox`, the faithful fake, through its public control API.

use futures::TryStreamExt;
use iamport::{
    AgainRequest, CancelRequest, Client, Config, Error, PaymentStatus, ScheduleItem, ScheduleQuery,
    ScheduleRequest, ScheduleStatus, StatusQuery,
};
use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::{json, Value};

/// A running sandbox, a client pointed at it, and a plain HTTP client for its control API.
pub struct Env {
    pub sandbox: Sandbox,
    pub client: Client,
    control: reqwest::Client,
}

impl Env {
    pub async fn start() -> Env {
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox starts");
        let client = Client::new(Config::new(
            sandbox.base_url(),
            DEFAULT_IMP_KEY,
            DEFAULT_IMP_SECRET,
        ))
        .expect("client");
        Env {
            sandbox,
            client,
            control: reqwest::Client::new(),
        }
    }

    /// `POST /__sandbox/…`, returning `response` of the envelope.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/__sandbox/{path}", self.sandbox.base_url());
        let reply: Value = self
            .control
            .post(url)
            .json(&body)
            .send()
            .await
            .expect("control API reachable")
            .json()
            .await
            .expect("control API answers JSON");
        assert_eq!(reply["code"], 0, "control call {path} failed: {reply}");
        reply["response"].clone()
    }

    /// A payment made as if by a buyer; returns its imp_uid.
    pub async fn paid(&self, merchant_uid: &str, amount: i64) -> String {
        let p = self
            .control(
                "payments",
                json!({"merchant_uid": merchant_uid, "amount": amount}),
            )
            .await;
        p["imp_uid"].as_str().expect("imp_uid").to_owned()
    }

    pub async fn tokens_issued(&self) -> u64 {
        let url = format!("{}/__sandbox/stats", self.sandbox.base_url());
        let reply: Value = self
            .control
            .get(url)
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats JSON");
        reply["response"]["tokens_issued"]
            .as_u64()
            .expect("tokens_issued")
    }

    /// A client with a short timeout, sharing nothing with `self.client`.
    pub fn client_with_timeout(&self, timeout: std::time::Duration) -> Client {
        let mut config = Config::new(self.sandbox.base_url(), DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET);
        config.timeout = timeout;
        Client::new(config).expect("client")
    }

    /// The sandbox's clock (Unix seconds), after moving it forward by `advance` seconds.
    pub async fn advance_clock(&self, advance: i64) -> i64 {
        let r = self.control("clock", json!({ "advance": advance })).await;
        r["now"].as_i64().expect("now")
    }

    pub async fn stop(self) {
        self.sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn token_is_reused_across_many_calls() {
    let env = Env::start().await;
    let imp_uid = env.paid("order_reuse", 1000).await;
    for _ in 0..200 {
        let p = env.client.payment(&imp_uid).await.expect("lookup");
        assert_eq!(p.amount, 1000, "amount in won");
    }
    assert_eq!(
        env.client.token_requests(),
        1,
        "one getToken from the client"
    );
    assert_eq!(
        env.tokens_issued().await,
        1,
        "one token minted by the sandbox"
    );
    env.stop().await;
}

#[tokio::test]
async fn batch_above_100_ids_finds_every_payment() {
    let env = Env::start().await;
    let mut merchant_uids = Vec::new();
    for i in 0..120 {
        let uid = format!("order_batch_{i}");
        env.paid(&uid, 100 + i).await;
        merchant_uids.push(uid);
    }
    merchant_uids.push("order_never_made".into());
    let found = env
        .client
        .payments_by_ids(&[], &merchant_uids)
        .await
        .expect("batched lookup");
    assert_eq!(
        found.len(),
        120,
        "all 120 found across two calls, the unknown one absent"
    );
    env.stop().await;
}

#[tokio::test]
async fn status_pages_cover_every_paid_payment() {
    let env = Env::start().await;
    for i in 0..45 {
        env.paid(&format!("order_page_{i}"), 500).await;
    }
    let pages: Vec<_> = env
        .client
        .payments_by_status_pages(StatusQuery {
            status: Some(PaymentStatus::Paid),
            limit: Some(20),
            ..StatusQuery::default()
        })
        .try_collect()
        .await
        .expect("pages");
    let count: usize = pages.iter().map(|p| p.list.len()).sum();
    assert_eq!(pages.len(), 3, "45 payments in pages of 20");
    assert_eq!(count, 45, "every payment once");
    assert_eq!(pages[0].total, 45, "total over all pages");
    env.stop().await;
}

#[tokio::test]
async fn cancel_with_wrong_checksum_is_refused_and_changes_nothing() {
    let env = Env::start().await;
    let imp_uid = env.paid("order_cancel", 10_000).await;
    let wrong = CancelRequest {
        imp_uid: Some(imp_uid.clone()),
        amount: Some(1_000),
        checksum: Some(9_000),
        reason: Some("부분 환불".into()),
        ..CancelRequest::default()
    };
    let err = env
        .client
        .cancel(&wrong)
        .await
        .expect_err("balance is 10000");
    assert!(
        matches!(err, Error::Api { .. }),
        "refusal is an Api error: {err:?}"
    );
    let p = env.client.payment(&imp_uid).await.expect("lookup");
    assert_eq!(p.cancel_amount, 0, "nothing was cancelled");
    let right = CancelRequest {
        checksum: Some(10_000),
        ..wrong
    };
    let p = env.client.cancel(&right).await.expect("checksum matches");
    assert_eq!(p.cancel_amount, 1_000, "partial cancel applied");
    assert_eq!(p.refundable(), 9_000, "balance after the cancel");
    assert_eq!(p.cancel_history.len(), 1, "one history entry");
    env.stop().await;
}

pub fn charge(customer_uid: &str, merchant_uid: &str) -> AgainRequest {
    AgainRequest {
        customer_uid: customer_uid.into(),
        merchant_uid: merchant_uid.into(),
        amount: 9_900,
        name: "월간 이용권".into(),
        ..AgainRequest::default()
    }
}

#[tokio::test]
async fn again_on_a_declining_card_is_code_zero_with_status_failed() {
    let env = Env::start().await;
    env.control("customers/store_decline", json!({"decline": true}))
        .await;
    let p = env
        .client
        .again(&charge("store_decline", "renew_decline_1"))
        .await
        .expect("a decline is an answer");
    assert_eq!(p.status, PaymentStatus::Failed, "declined");
    assert!(!p.is_paid(), "not paid");
    assert!(p.fail_reason.is_some(), "reason given");
    env.stop().await;
}

#[tokio::test]
async fn again_on_a_good_card_is_paid_and_findable_by_merchant_uid() {
    let env = Env::start().await;
    env.control("customers/store_ok", json!({})).await;
    let p = env
        .client
        .again(&charge("store_ok", "renew_ok_1"))
        .await
        .expect("charged");
    assert!(p.is_paid(), "approved: {p:?}");
    let found = env
        .client
        .find_payment("renew_ok_1", Some(PaymentStatus::Paid))
        .await
        .expect("found by merchant_uid");
    assert_eq!(found.imp_uid, p.imp_uid, "same payment");
    let key = env
        .client
        .billing_key("store_ok")
        .await
        .expect("billing key");
    assert_eq!(key.customer_uid, "store_ok", "the key");
    env.stop().await;
}

#[tokio::test]
async fn unknown_billing_key_is_not_found() {
    let env = Env::start().await;
    let err = env
        .client
        .billing_key("nobody")
        .await
        .expect_err("unknown key");
    assert!(err.is_not_found(), "got {err:?}");
    env.stop().await;
}

#[tokio::test]
async fn schedule_lookup_and_unschedule_round_trip() {
    let env = Env::start().await;
    env.control("customers/store_sched", json!({})).await;
    let at = 4_102_444_800; // 2100-01-01, always in the future
    let created = env
        .client
        .schedule(&ScheduleRequest {
            customer_uid: "store_sched".into(),
            schedules: vec![ScheduleItem {
                merchant_uid: "renew_sched_1".into(),
                schedule_at: at,
                amount: 9_900,
                name: "월간 이용권".into(),
                ..ScheduleItem::default()
            }],
        })
        .await
        .expect("scheduled");
    assert_eq!(created.len(), 1, "one schedule");
    assert_eq!(
        created[0].schedule_status,
        ScheduleStatus::Scheduled,
        "waiting"
    );
    let one = env
        .client
        .schedule_by_merchant_uid("renew_sched_1")
        .await
        .expect("lookup");
    assert_eq!(one.schedule_at, at, "time kept");
    assert_eq!(one.payment_status, None, "not executed");
    let page = env
        .client
        .schedules_by_customer(
            "store_sched",
            &ScheduleQuery {
                from: at - 86_400,
                to: at + 86_400,
                ..ScheduleQuery::default()
            },
        )
        .await
        .expect("customer list");
    assert_eq!(page.list.len(), 1, "listed in its window");
    let revoked = env
        .client
        .unschedule("store_sched", &["renew_sched_1".into()])
        .await
        .expect("revoked");
    assert_eq!(
        revoked[0].schedule_status,
        ScheduleStatus::Revoked,
        "revoked"
    );
    assert!(revoked[0].revoked_at.is_some(), "revoke time set");
    env.stop().await;
}

#[tokio::test]
async fn token_expired_by_the_server_clock_is_healed_by_one_refresh() {
    let env = Env::start().await;
    let imp_uid = env.paid("order_expiry", 1000).await;
    env.client.payment(&imp_uid).await.expect("first call");
    // 35 minutes later on the sandbox's clock only: the client still thinks its token is good.
    env.advance_clock(35 * 60).await;
    let p = env
        .client
        .payment(&imp_uid)
        .await
        .expect("healed by a refresh");
    assert_eq!(p.imp_uid, imp_uid, "the answer after the refresh");
    assert_eq!(env.client.token_requests(), 2, "one refresh after the 401");
    assert_eq!(
        env.tokens_issued().await,
        2,
        "the sandbox minted a new token"
    );
    env.stop().await;
}
