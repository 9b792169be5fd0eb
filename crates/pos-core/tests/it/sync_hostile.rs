//! The engine against what should never happen: a loop that crashes, and an Iamport whose
//! clock runs far ahead.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pos_core::store::CHANGE_FEED_CURSOR;
use pos_core::sync::planner::CURSOR_SKEW_SECS;
use pos_core::sync::{CheckoutWork, SyncEngine, SyncHandle, SyncStatus};
use pos_core::{OrderState, PayMethod};

use super::sync_support::{fast_options, new_order, run_once, sandbox, Control, Net};
use crate::relay_support::{over_both, Backend};

/// Polls the engine's status until `done` holds (at most 10 s); returns the last status.
async fn wait_for(
    engine: &SyncHandle,
    what: &str,
    done: impl Fn(&SyncStatus) -> bool,
) -> SyncStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = engine.status();
        if done(&status) {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting until {what}: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn a_crashed_engine_says_so_and_is_started_again_and_works(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let store = net.book(super::store());
    let work = Arc::new(CheckoutWork);
    let c = net.client(Duration::from_secs(5));
    let engine = SyncEngine::start(store.clone(), c, work.clone(), work, fast_options(), "app")
        .await
        .unwrap_or_else(|e| panic!("engine: {e}"));
    wait_for(&engine, "a first cycle succeeded", |s| {
        s.last_success_at.is_some()
    })
    .await;

    engine.crash_for_test();
    let down = wait_for(&engine, "the crash is reported", |s| s.restarting).await;
    assert!(
        !down.stopped,
        "a crashed loop is restarted, not given up: {down:?}"
    );
    let said = down.last_error.unwrap_or_default();
    assert!(
        said.contains("다시 시작") && said.contains("test hook"),
        "the status says the engine crashed, why, and that it restarts: {said}"
    );

    let up = wait_for(&engine, "the loop runs again", |s| {
        s.restarts == 1 && !s.restarting
    })
    .await;
    assert!(!up.stopped, "the engine runs after its restart: {up:?}");
    let order = new_order(&store, PayMethod::Card);
    ctl.pay(&order.merchant_uid, order.amount, "card", "paid")
        .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        engine.sync_now();
        let state = store.order(&order.merchant_uid).map(|o| o.state).ok();
        if state == Some(OrderState::Paid) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the restarted engine settles a payment: {state:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let after = wait_for(&engine, "a cycle succeeded after the restart", |s| {
        s.last_error.is_none()
    })
    .await;
    assert_eq!(after.restarts, 1, "one restart was counted");
    assert!(
        engine.stop().await.is_ok(),
        "the restarted engine stops cleanly"
    );
    sb.shutdown().await;
}
over_both!(a_crashed_engine_says_so_and_is_started_again_and_works);

async fn an_engine_stopped_while_it_waits_to_restart_reports_stopped_and_frees_the_lease(
    backend: Backend,
) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let store = net.book(super::store());
    let work = Arc::new(CheckoutWork);
    let c = net.client(Duration::from_secs(5));
    let engine = SyncEngine::start(
        store.clone(),
        c.clone(),
        work.clone(),
        work.clone(),
        fast_options(),
        "app",
    )
    .await
    .unwrap_or_else(|e| panic!("engine: {e}"));
    engine.crash_for_test();
    wait_for(&engine, "the crash is reported", |s| s.restarting).await;
    assert!(
        engine.stop().await.is_ok(),
        "stopping during the restart wait works"
    );
    let again =
        SyncEngine::start(store.clone(), c, work.clone(), work, fast_options(), "app").await;
    assert!(
        again.is_ok(),
        "the lease was released: a new engine starts: {:?}",
        again.err()
    );
    if let Ok(again) = again {
        assert!(again.stop().await.is_ok(), "the new engine stops");
    }
    sb.shutdown().await;
}
over_both!(an_engine_stopped_while_it_waits_to_restart_reports_stopped_and_frees_the_lease);

async fn a_payment_dated_a_month_ahead_never_moves_the_feed_cursor_past_iamports_now(
    backend: Backend,
) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let c = net.client(Duration::from_secs(5));
    let store = net.book(super::store());
    // A month: far past any skew, and inside the feed's 90-day window, so the reply is served.
    ctl.advance_clock(30 * 24 * 3600).await;
    net.sync_clock().await;
    let order = new_order(&store, PayMethod::Card);
    ctl.pay(&order.merchant_uid, order.amount, "card", "paid")
        .await;

    let report = run_once(&store, &c).await;
    assert!(
        report.is_ok(),
        "a cycle against a clock a month ahead works: {report:?}"
    );
    assert_eq!(
        store.order(&order.merchant_uid).map(|o| o.state).ok(),
        Some(OrderState::Paid),
        "the payment itself is applied"
    );
    let cursor: i64 = store
        .sync_value(CHANGE_FEED_CURSOR)
        .ok()
        .flatten()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("the feed saved a cursor"));
    // Iamport's clock decides: the sandbox's runs a month ahead of this machine's, and the
    // token reply told the client so. The cursor follows Iamport's now, never past its skew.
    let now = chrono::Utc::now().timestamp() + 30 * 24 * 3600;
    assert!(
        cursor <= now + CURSOR_SKEW_SECS,
        "the cursor stays within the skew allowance of Iamport's now ({now}): {cursor}"
    );
    assert!(
        cursor >= now - 3600,
        "the cursor still moved up to about now: {cursor} (now {now})"
    );
    sb.shutdown().await;
}
over_both!(a_payment_dated_a_month_ahead_never_moves_the_feed_cursor_past_iamports_now);
