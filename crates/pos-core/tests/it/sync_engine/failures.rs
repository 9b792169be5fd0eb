//! Failures lose no work: refunds asked for during an outage wait in the queue and are sent
//! exactly once when Iamport returns, and a job whose executor panics goes back to the queue to
//! be looked up before anything is sent again.

use std::sync::Arc;
use std::time::Duration;

use pos_core::checkout::{request_refund, RefundRequest};
use pos_core::sync::{CheckoutWork, SyncEngine, SyncError};
use pos_core::{OrderState, PayMethod};

use super::store;
use crate::relay_support::{over_both, Backend};
use crate::sync_support::{client, fast_options, new_order, run_once, sandbox, Control, Net};

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
