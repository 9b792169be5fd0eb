//! The sync engine against the sandbox on loopback: convergence, the change feed, virtual
//! accounts, one engine per data dir, and an outage.

use std::sync::Arc;
use std::time::Duration;

use pos_core::checkout::{request_refund, RefundRequest};
use pos_core::sync::{CheckoutWork, SyncEngine, SyncError};
use pos_core::{OrderState, PayMethod, Store};

use super::sync_support::{client, fast_options, new_order, run_once, sandbox, Control, Net};
use crate::relay_support::{over_both, Backend, Front};

/// The change feed's route at the sandbox.
const FEED_ROUTE: &str = "GET /payments/status/{payment_status}";

fn store() -> Store {
    super::store()
}

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

async fn only_one_engine_runs_on_a_data_dir_and_the_other_names_the_holder(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let open = || net.book(Store::open(dir.path()).unwrap_or_else(|e| panic!("store: {e}")));
    let work = Arc::new(CheckoutWork);
    let c = net.client(Duration::from_secs(5));
    let first = SyncEngine::start(
        open(),
        c.clone(),
        work.clone(),
        work.clone(),
        fast_options(),
        "app",
    )
    .await
    .unwrap_or_else(|e| panic!("first engine: {e}"));
    let second = SyncEngine::start(
        open(),
        c.clone(),
        work.clone(),
        work.clone(),
        fast_options(),
        "posctl",
    )
    .await;
    let holder = first.status().lease_holder.unwrap_or_default();
    match second {
        Err(SyncError::LeaseHeld { holder: named, .. }) => {
            assert_eq!(named, holder, "the refusal names the app")
        }
        Err(e) => panic!("expected LeaseHeld, got {e}"),
        Ok(_) => panic!("a second engine must not run"),
    }
    assert!(first.stop().await.is_ok(), "the first stops cleanly");
    let third = SyncEngine::start(open(), c, work.clone(), work, fast_options(), "posctl").await;
    assert!(third.is_ok(), "after a clean stop the lease is free");
    if let Ok(engine) = third {
        assert!(engine.stop().await.is_ok(), "stop");
    }
    sb.shutdown().await;
}
over_both!(only_one_engine_runs_on_a_data_dir_and_the_other_names_the_holder);

// Behind a relay the store still reaches the relay while Iamport is down; the relay answers
// "Iamport unreachable", so the engine reports 오프라인 and holds the queue exactly as direct.
async fn during_an_outage_refunds_queue_and_drain_when_iamport_returns(backend: Backend) {
    let state_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let state_file = state_dir.path().join("sandbox.json");
    let sb = sandbox(Some(state_file.clone()), None).await;
    let addr = sb.addr();
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let c = net.client(Duration::from_millis(500));
    let store = net.book(store());
    let orders: Vec<_> = (0..5).map(|_| new_order(&store, PayMethod::Card)).collect();
    let mut imp_uids = Vec::new();
    for o in &orders {
        imp_uids.push(ctl.pay(&o.merchant_uid, o.amount, "card", "paid").await);
    }
    assert!(run_once(&store, &c).await.is_ok(), "all paid while online");
    sb.shutdown().await;

    for o in &orders {
        let req = RefundRequest {
            amount: None,
            reason: "고객 요청".into(),
            refund_account: None,
        };
        assert!(
            request_refund(&store, &o.merchant_uid, &req).is_ok(),
            "a refund is accepted while offline"
        );
    }
    let work = Arc::new(CheckoutWork);
    let engine = SyncEngine::start(store.clone(), c, work.clone(), work, fast_options(), "app")
        .await
        .unwrap_or_else(|e| panic!("engine: {e}"));
    engine.sync_now();
    let mut offline_seen = false;
    // The status shows it once the first cycle (the refunds tried, the feed's retries) is over:
    // through the relay each call costs the relay its database round trips, and on a loaded
    // machine that cycle took over 2 s.
    let waiting = std::time::Instant::now();
    while waiting.elapsed() < Duration::from_secs(10) {
        let s = engine.status();
        // Offline, with the refunds waiting in the queue.
        if !s.online && s.queue_len == 5 {
            offline_seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        offline_seen,
        "the engine reports offline with the 5 refunds queued: {:?}",
        engine.status()
    );

    let back = sandbox(Some(state_file), Some(addr)).await;
    let mut drained = false;
    for _ in 0..300 {
        let s = engine.status();
        if s.online && s.queue_len == 0 && s.last_error.is_none() {
            drained = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = engine.status();
    assert!(engine.stop().await.is_ok(), "clean stop");
    assert!(drained, "the queue drains when Iamport returns: {status:?}");
    let check = client(&back.base_url(), Duration::from_secs(5));
    for (o, imp_uid) in orders.iter().zip(&imp_uids) {
        let p = check
            .payment(imp_uid)
            .await
            .unwrap_or_else(|e| panic!("lookup: {e}"));
        assert_eq!(
            p.cancel_history.len(),
            1,
            "{} refunded exactly once",
            o.merchant_uid
        );
        let state = store.order(&o.merchant_uid).map(|o| o.state).ok();
        assert_eq!(
            state,
            Some(OrderState::Refunded),
            "the order shows the refund"
        );
    }
    back.shutdown().await;
}
over_both!(during_an_outage_refunds_queue_and_drain_when_iamport_returns);

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

/// An executor with a bug: it panics on every job.
struct PanickingExecutor;

impl pos_core::sync::JobExecutor for PanickingExecutor {
    fn execute<'a>(
        &'a self,
        _ctx: &'a pos_core::work::WorkContext,
        _job: &'a pos_core::Job,
    ) -> pos_core::sync::BoxFuture<'a, Result<pos_core::work::JobDone, pos_core::work::JobFailure>>
    {
        Box::pin(async { panic!("a bug in an executor") })
    }
}

async fn a_job_whose_executor_panics_goes_back_to_the_queue_as_outcome_unknown(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let store = net.book(store());
    let id = store
        .enqueue_job(&pos_core::NewJob {
            kind: "cancel".into(),
            merchant_uid: "order_x".into(),
            payload: serde_json::json!({}),
            run_at: None,
        })
        .unwrap_or_else(|e| panic!("enqueue: {e}"));
    let result = SyncEngine::run_once(
        store.clone(),
        net.client(Duration::from_secs(5)),
        Arc::new(PanickingExecutor),
        Arc::new(CheckoutWork),
        fast_options(),
        "test",
    )
    .await;
    assert!(
        matches!(result, Err(SyncError::Join(_))),
        "the cycle reports the bug: {result:?}"
    );
    let job = store
        .list_jobs(pos_core::store::JobFilter::All, 10)
        .ok()
        .and_then(|jobs| jobs.into_iter().find(|j| j.id == id));
    assert_eq!(
        job.map(|j| (j.state, j.outcome_unknown)),
        Some((pos_core::JobState::Pending, true)),
        "queued again, to be looked up before anything is re-sent"
    );
    sb.shutdown().await;
}
over_both!(a_job_whose_executor_panics_goes_back_to_the_queue_as_outcome_unknown);

async fn an_engine_whose_lease_is_taken_over_stops_and_says_so(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let store = net.book(store());
    let options = pos_core::sync::SyncOptions {
        heartbeat: Duration::from_millis(50),
        ..fast_options()
    };
    let work = Arc::new(CheckoutWork);
    let client = net.client(Duration::from_secs(5));
    let engine = SyncEngine::start(store.clone(), client, work.clone(), work, options, "app")
        .await
        .unwrap_or_else(|e| panic!("engine: {e}"));
    let taken = store.take_lease_if("intruder-1", 1, chrono::Utc::now(), |_| true);
    assert!(taken.is_ok(), "another process takes the lease over");
    let mut status = engine.status();
    for _ in 0..200 {
        status = engine.status();
        if status.stopped {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        status.stopped,
        "the engine stops instead of running beside the new holder"
    );
    assert!(
        status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("잠금을 잃었습니다")),
        "and the status says why: {status:?}"
    );
    let holder = store.engine_lease().ok().flatten().map(|l| l.holder);
    assert_eq!(
        holder.as_deref(),
        Some("intruder-1"),
        "the new holder keeps its lease"
    );
    assert!(engine.stop().await.is_ok(), "stop after the loop ended");
    sb.shutdown().await;
}
over_both!(an_engine_whose_lease_is_taken_over_stops_and_says_so);

over_both!(a_console_cancel_of_a_settled_order_arrives_through_the_change_feed);

over_both!(a_vbank_deposit_is_noticed_within_one_sweep);
