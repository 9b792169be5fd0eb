//! The order book converges on Iamport: a full cycle settles many paid orders with a handful of
//! requests, and changes made at Iamport later (a console cancel, a virtual-account deposit)
//! arrive through the change feed and the sweep.

use std::sync::Arc;
use std::time::Duration;

use pos_core::sync::{CheckoutWork, SyncEngine};
use pos_core::{OrderState, PayMethod};

use super::store;
use crate::relay_support::{over_both, Backend, Front};
use crate::sync_support::{fast_options, new_order, run_once, sandbox, Control, Net};

/// The change feed's route at the sandbox.
const FEED_ROUTE: &str = "GET /payments/status/{payment_status}";

async fn one_full_cycle_brings_paid_orders_to_paid_with_a_handful_of_requests(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let store = net.book(store());
    let orders: Vec<_> = (0..250)
        .map(|_| new_order(&store, PayMethod::Card))
        .collect();
    for o in &orders {
        ctl.pay(&o.merchant_uid, o.amount, "card", "paid").await;
    }
    // Through the relay the change feed is read by the relay on its own clock (every 100 ms in
    // tests), however long the cycle takes on a loaded machine: what the store's cycle costs
    // Iamport there is every other call.
    let calls_now = || async {
        match backend {
            Backend::Direct => ctl.rest_calls().await,
            Backend::Relay => ctl.rest_calls_except(FEED_ROUTE).await,
        }
    };
    let before = calls_now().await;
    let report = run_once(&store, &net.client(Duration::from_secs(5)))
        .await
        .unwrap_or_else(|e| panic!("a cycle against a healthy sandbox: {e}"));
    let calls = calls_now().await - before;
    for o in &orders {
        let state = store.order(&o.merchant_uid).map(|o| o.state).ok();
        assert_eq!(
            state,
            Some(OrderState::Paid),
            "{} must be paid",
            o.merchant_uid
        );
    }
    assert!(
        calls <= 6,
        "250 orders cost a token and a few pages, not 250 lookups: {calls} calls ({report:?})"
    );
    sb.shutdown().await;
}
over_both!(one_full_cycle_brings_paid_orders_to_paid_with_a_handful_of_requests);

async fn a_console_cancel_of_a_settled_order_arrives_through_the_change_feed(backend: Backend) {
    let sb = sandbox(None, None).await;
    let front = Front::start(backend, &sb.base_url()).await;
    let ctl = Control::new(&sb.base_url());
    let c = front.client(Duration::from_secs(5));
    let store = front.book(store());
    let order = new_order(&store, PayMethod::Card);
    let imp_uid = ctl
        .pay(&order.merchant_uid, order.amount, "card", "paid")
        .await;
    assert!(run_once(&store, &c).await.is_ok(), "first cycle");
    ctl.console_cancel(&imp_uid).await;
    front.catch_up().await;
    let report = run_once(&store, &c)
        .await
        .unwrap_or_else(|e| panic!("second cycle: {e}"));
    let state = store.order(&order.merchant_uid).map(|o| o.state).ok();
    assert_eq!(
        state,
        Some(OrderState::Refunded),
        "the console cancel is mirrored"
    );
    assert_eq!(
        report.lookup_calls, 0,
        "a settled order is never looked up one by one: {report:?}"
    );
    sb.shutdown().await;
}

over_both!(a_console_cancel_of_a_settled_order_arrives_through_the_change_feed);

async fn a_vbank_deposit_is_noticed_within_one_sweep(backend: Backend) {
    let sb = sandbox(None, None).await;
    let front = Front::start(backend, &sb.base_url()).await;
    let ctl = Control::new(&sb.base_url());
    let c = front.client(Duration::from_secs(5));
    let store = front.book(store());
    let order = new_order(&store, PayMethod::Vbank);
    let imp_uid = ctl
        .pay(&order.merchant_uid, order.amount, "vbank", "ready")
        .await;
    assert!(run_once(&store, &c).await.is_ok(), "first cycle");
    let issued = store.order(&order.merchant_uid).map(|o| o.state).ok();
    assert_eq!(
        issued,
        Some(OrderState::VbankIssued),
        "the issued account is seen"
    );
    let mut options = fast_options();
    options.policy.sweep = Duration::from_millis(500);
    options.policy.feed_when_open = Duration::from_millis(500);
    let work = Arc::new(CheckoutWork);
    let engine = SyncEngine::start(store.clone(), c, work.clone(), work, options, "test")
        .await
        .unwrap_or_else(|e| panic!("engine: {e}"));
    ctl.deposit(&imp_uid).await;
    let mut state = None;
    for _ in 0..100 {
        state = store.order(&order.merchant_uid).map(|o| o.state).ok();
        if state == Some(OrderState::Paid) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(engine.stop().await.is_ok(), "clean stop");
    assert_eq!(
        state,
        Some(OrderState::Paid),
        "the deposit turns the order paid"
    );
    sb.shutdown().await;
}
over_both!(a_vbank_deposit_is_noticed_within_one_sweep);

async fn with_nothing_open_a_console_cancel_is_mirrored_within_one_sweep(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let c = net.client(Duration::from_secs(5));
    let store = net.book(store());
    let order = new_order(&store, PayMethod::Card);
    let imp_uid = ctl
        .pay(&order.merchant_uid, order.amount, "card", "paid")
        .await;
    assert!(
        run_once(&store, &c).await.is_ok(),
        "paid; nothing is open any more"
    );
    let mut options = fast_options();
    options.policy.sweep = Duration::from_millis(400);
    let work = Arc::new(CheckoutWork);
    let engine = SyncEngine::start(store.clone(), c, work.clone(), work, options, "app")
        .await
        .unwrap_or_else(|e| panic!("engine: {e}"));
    ctl.console_cancel(&imp_uid).await;
    // The refund lands in the order book during a cycle; the status records the cycle's success
    // only when the whole cycle has finished, a moment later: wait for both.
    let mut state = None;
    let mut status = engine.status();
    for _ in 0..250 {
        state = store.order(&order.merchant_uid).map(|o| o.state).ok();
        status = engine.status();
        if state == Some(OrderState::Refunded) && status.last_success_at.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(engine.stop().await.is_ok(), "clean stop");
    assert_eq!(
        state,
        Some(OrderState::Refunded),
        "the sweep's feed read mirrors the console cancel"
    );
    assert!(
        status.online && status.last_success_at.is_some(),
        "the status shows a successful sync: {status:?}"
    );
    sb.shutdown().await;
}
over_both!(with_nothing_open_a_console_cancel_is_mirrored_within_one_sweep);
