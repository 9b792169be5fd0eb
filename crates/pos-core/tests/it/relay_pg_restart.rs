//! The relay's PostgreSQL stopped (`pg_ctl stop`) and started again while the store's sync
//! engine sends refunds, a subscription's first-period charge and the renewals it schedules through the relay:
//! every write reaches Iamport exactly once, none is lost, the engine goes 오프라인 while the
//! relay cannot record a write (it then sends nothing and says so) and drains once the database
//! is back. Iamport answers slowly during the run (a second before every reply), so the stop
//! strikes writes the relay has recorded and sent but not yet recorded the answer of.

use std::sync::Arc;
use std::time::Duration;

use panmusic_relay::testing::pg::Pg;
use panmusic_relay::testing::TestRelay;
use pos_core::checkout::{request_refund, RefundRequest};
use pos_core::ids::UidPrefix;
use pos_core::store::{ChargeVia, NewCharge, NewSubscription, SubscriptionState};
use pos_core::subscription::{CHARGE_JOB, LOOKAHEAD};
use pos_core::sync::{CheckoutWork, SyncEngine, SyncStatus};
use pos_core::{NewJob, OrderState, PayMethod, Store};
use serde_json::json;

use super::subscription_support::Sbx;
use super::sync_support::{fast_options, new_order, run_once, Control};

const REFUNDS: usize = 6;
// A shop holds one subscription of the one monthly plan.
const SUBSCRIPTIONS: usize = 1;

const CANCELS: &str = "POST /payments/cancel";
const AGAIN: &str = "POST /subscribe/payments/again";
const SCHEDULE: &str = "POST /subscribe/payments/schedule";

/// Polls the engine until `done` holds for its status, for at most `secs` seconds.
async fn wait_for(
    engine: &pos_core::sync::SyncHandle,
    secs: u64,
    done: impl Fn(&SyncStatus) -> bool,
) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if done(&engine.status()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A subscription of `sub_monthly` on the fresh approving key `customer_uid`, its first period
/// owed to Iamport as a charge job (sent by the engine's worker).
async fn subscription_owed(sbx: &Sbx, store: &Store, customer_uid: &str) -> (String, String) {
    sbx.customer(customer_uid, false).await;
    let sub = store
        .create_subscription(&NewSubscription {
            plan_id: "sub_monthly".into(),
            customer_uid: customer_uid.into(),
            issuance_amount: 0,
            card_masked: None,
            key_verified: true,
        })
        .unwrap_or_else(|e| panic!("create: {e}"));
    let charge = store
        .add_subscription_charge(
            &sub.id,
            &NewCharge {
                period_no: 0,
                period: None,
                via: ChargeVia::Again,
                charge_at: sbx.now().await,
            },
        )
        .unwrap_or_else(|e| panic!("charge: {e}"));
    store
        .enqueue_job(&NewJob {
            kind: CHARGE_JOB.into(),
            merchant_uid: charge.merchant_uid.clone(),
            payload: json!({ "subscriptionId": sub.id }),
            run_at: None,
        })
        .unwrap_or_else(|e| panic!("enqueue: {e}"));
    (sub.id, charge.merchant_uid)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_restart_under_the_relay_loses_no_write_and_sends_none_twice() {
    // A PostgreSQL server of this test's own: the shared one serves the other tests.
    let pg = Arc::new(
        tokio::task::spawn_blocking(Pg::start)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL: {e}")),
    );
    let sbx = Sbx::start().await;
    let relay = TestRelay::start_on(
        &pg,
        &sbx.base,
        iamport_sandbox::DEFAULT_IMP_KEY,
        iamport_sandbox::DEFAULT_IMP_SECRET,
        |_| {},
    )
    .await;
    relay.set_rate(1000).await;
    let prefix = UidPrefix::parse(&relay.store.prefix)
        .unwrap_or_else(|e| panic!("the relay issues prefixes the app accepts: {e}"));
    let mut config = iamport::Config::new(relay.base_url(), &relay.store.key, &relay.store.secret);
    config.timeout = Duration::from_secs(5);
    config.connect_timeout = Duration::from_secs(2);
    let client = iamport::Client::new(config).unwrap_or_else(|e| panic!("client: {e}"));
    let ctl = Control::new(&sbx.base);
    let store = super::store().with_uid_prefix(Some(prefix.clone()));

    let mut paid = Vec::new();
    for _ in 0..REFUNDS {
        let o = new_order(&store, PayMethod::Card);
        let imp_uid = ctl.pay(&o.merchant_uid, o.amount, "card", "paid").await;
        paid.push((o.merchant_uid, imp_uid));
    }
    assert!(
        run_once(&store, &client).await.is_ok(),
        "a healthy first cycle sees the payments"
    );
    for (merchant_uid, _) in &paid {
        let req = RefundRequest {
            amount: None,
            reason: "고객 요청".into(),
            refund_account: None,
        };
        assert!(
            request_refund(&store, merchant_uid, &req).is_ok(),
            "refund queued for {merchant_uid}"
        );
    }
    let mut subs = Vec::new();
    for i in 0..SUBSCRIPTIONS {
        let customer = format!("{}cust_pg_{i}", prefix.as_str());
        subs.push(subscription_owed(&sbx, &store, &customer).await);
    }
    let before = (sbx.calls(CANCELS).await, sbx.calls(AGAIN).await);
    assert_eq!(before, (0, 0), "nothing sent before the engine runs");

    sbx.faults(json!({ "latency_ms": 1000 })).await;
    let work = Arc::new(CheckoutWork);
    let engine = SyncEngine::start(
        store.clone(),
        client,
        work.clone(),
        work,
        fast_options(),
        "app",
    )
    .await
    .unwrap_or_else(|e| panic!("engine: {e}"));
    engine.sync_now();
    // The first write has reached Iamport (it answers a second later): stop the database now.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while sbx.calls(CANCELS).await + sbx.calls(AGAIN).await == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the engine never sent a write: {:?}",
            engine.status()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopper = pg.clone();
    tokio::task::spawn_blocking(move || stopper.stop())
        .await
        .unwrap_or_else(|e| panic!("pg_ctl stop: {e}"));
    let sent_before_restart = sbx.calls(CANCELS).await + sbx.calls(AGAIN).await;
    let offline = wait_for(&engine, 30, |s| !s.online).await;
    let while_down = engine.status();
    assert!(
        offline,
        "without its database the relay answers as a dead Iamport: the engine goes offline: \
         {while_down:?}"
    );
    let owed = |store: &Store| {
        store
            .queue_summary()
            .map(|q| q.pending)
            .unwrap_or_else(|e| panic!("queue: {e}"))
    };
    assert!(
        owed(&store) > 0,
        "writes were still owed when the database went: {while_down:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let starter = pg.clone();
    tokio::task::spawn_blocking(move || starter.start_server())
        .await
        .unwrap_or_else(|e| panic!("pg_ctl start: {e}"));
    sbx.faults(json!({})).await;

    let drained = wait_for(&engine, 90, |s| {
        s.online && s.last_error.is_none() && s.last_cycle.is_some() && owed(&store) == 0
    })
    .await;
    let after = engine.status();
    assert!(
        drained,
        "the queue drains once the database is back: {after:?}"
    );
    // The next periods are scheduled by the subscription poll of the cycles after the charges.
    let scheduled = {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let all = subs.iter().all(|(id, _)| {
                store
                    .subscription(id)
                    .ok()
                    .and_then(|s| s.next_charge_merchant_uid)
                    .and_then(|m| store.subscription_charge(&m).ok().flatten())
                    .is_some_and(|c| c.request == pos_core::store::ChargeRequest::Sent)
            });
            if all || tokio::time::Instant::now() > deadline {
                break all;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    assert!(engine.stop().await.is_ok(), "clean stop");
    assert!(
        scheduled,
        "every subscription's renewals are scheduled at Iamport"
    );
    let relay_status = relay.status().await;
    let struck = relay.writes_with_answer_unrecorded().await;
    let (cancels, charges, schedules) = (
        sbx.calls(CANCELS).await,
        sbx.calls(AGAIN).await,
        sbx.calls(SCHEDULE).await,
    );
    println!(
        "PostgreSQL restart under the relay: {sent_before_restart} write(s) sent before the stop; \
         at Iamport {cancels} cancels, {charges} charges, {schedules} schedule requests; \
         the relay could not record the answer of {struck} forwarded write(s) \
         ({} still of unknown outcome)",
        relay_status.writes_of_unknown_outcome
    );

    assert_eq!(
        cancels, REFUNDS as u64,
        "each refund reached Iamport exactly once"
    );
    assert_eq!(
        charges, SUBSCRIPTIONS as u64,
        "each first-period charge reached Iamport exactly once"
    );
    assert_eq!(
        schedules,
        (SUBSCRIPTIONS * LOOKAHEAD as usize) as u64,
        "each of the {LOOKAHEAD} renewals ahead was scheduled exactly once"
    );
    assert!(
        struck >= 1,
        "the stop struck a write between its sending and the recording of Iamport's answer \
         (else this run proves nothing about writes in flight): {relay_status:?}"
    );
    let iamport = sbx.iamport();
    for (merchant_uid, imp_uid) in &paid {
        let p = iamport
            .payment(imp_uid)
            .await
            .unwrap_or_else(|e| panic!("lookup {imp_uid}: {e}"));
        assert_eq!(
            p.cancel_history.len(),
            1,
            "{merchant_uid}: refunded exactly once"
        );
        assert_eq!(
            store.order(merchant_uid).map(|o| o.state).ok(),
            Some(OrderState::Refunded),
            "{merchant_uid}: the book shows the refund"
        );
    }
    for (id, merchant_uid) in &subs {
        let all = iamport
            .find_all_payments(merchant_uid, None)
            .await
            .unwrap_or_else(|e| panic!("payments of {merchant_uid}: {e}"));
        assert_eq!(
            all.iter().filter(|p| p.is_paid()).count(),
            1,
            "{merchant_uid}: charged exactly once"
        );
        let sub = store
            .subscription(id)
            .unwrap_or_else(|e| panic!("subscription {id}: {e}"));
        assert_eq!(
            sub.state,
            SubscriptionState::Active,
            "{id} is paid: {sub:?}"
        );
    }
    let log = std::fs::read_to_string(pg.dir().join("server.log")).unwrap_or_default();
    assert!(
        log.contains("shut down"),
        "PostgreSQL really went down mid-run"
    );
    relay.stop().await;
    sbx.stop().await;
}
