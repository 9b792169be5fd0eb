//! 지금 동기화: a full cycle at once, whatever the planner had scheduled, and what it found.

use std::sync::Arc;
use std::time::Duration;

use pos_core::sync::{CheckoutWork, SyncEngine};
use pos_core::{OrderState, PayMethod};

use super::sync_support::{fast_options, new_order, run_once, sandbox, Control, Net};
use crate::relay_support::{over_both, Backend};

async fn sync_now_looks_up_an_open_virtual_account_at_once_and_reports_it(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let c = net.client(Duration::from_secs(5));
    let store = net.book(super::store());
    let order = new_order(&store, PayMethod::Vbank);
    let imp_uid = ctl
        .pay(&order.merchant_uid, order.amount, "vbank", "ready")
        .await;
    assert!(run_once(&store, &c).await.is_ok(), "first cycle");
    assert_eq!(
        store.order(&order.merchant_uid).map(|o| o.state).ok(),
        Some(OrderState::VbankIssued),
        "the account is issued"
    );
    // Nothing is due for an hour: neither the order's next check nor the change feed.
    let mut options = fast_options();
    let hour = Duration::from_secs(3600);
    options.policy.vbank_every = hour;
    options.policy.feed_when_open = hour;
    options.policy.sweep = hour;
    let work = Arc::new(CheckoutWork);
    let engine = SyncEngine::start(store.clone(), c, work.clone(), work, options, "test")
        .await
        .unwrap_or_else(|e| panic!("engine: {e}"));
    // Let the engine's first (planned) cycle pass, then the buyer deposits.
    tokio::time::sleep(Duration::from_millis(500)).await;
    ctl.deposit(&imp_uid).await;

    let status = engine
        .trigger()
        .sync_now_and_wait(Duration::from_secs(20))
        .await;
    let state = store.order(&order.merchant_uid).map(|o| o.state).ok();
    let cycle = status.last_cycle.clone().unwrap_or_default();
    assert!(engine.stop().await.is_ok(), "clean stop");
    assert_eq!(
        state,
        Some(OrderState::Paid),
        "the deposit is seen when 지금 동기화 returns, not at the next planned check"
    );
    assert!(
        cycle.open_orders >= 1 && cycle.transitions >= 1,
        "the status says what it checked and changed: {cycle:?}"
    );
    sb.shutdown().await;
}
over_both!(sync_now_looks_up_an_open_virtual_account_at_once_and_reports_it);
