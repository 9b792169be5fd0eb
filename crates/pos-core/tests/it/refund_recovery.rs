//! Refunds that do not go through the first time: a console cancel behind our back caught by
//! `checksum` (parked, nothing refunded twice, then superseded), Iamport failing or stopped
//! (queued, run once later), and answers lost after sending (looked up before any re-send).

use pos_core::checkout::{refund_now, request_refund, RefundOutcome};
use pos_core::work::{run_job_now, JobRun};
use pos_core::{ErrorCode, JobState, OrderState, PayMethod};
use serde_json::json;
use std::time::Duration;

use crate::checkout_support::{ctx, paid_order, refund, start_sandbox, Shop, CANCELS};
use crate::relay_support::{over_both, Backend, Front};

async fn console_cancel_behind_our_back_makes_the_checksum_refuse_and_parks_the_job(
    backend: Backend,
) {
    let shop = Shop::open_on(backend).await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    shop.console_cancel(&imp, 3000).await;
    let refused = refund_now(&shop.store, Some(&shop.client), &muid, &refund(Some(3000))).await;
    let err = refused
        .err()
        .unwrap_or_else(|| panic!("the stale checksum must be refused"));
    assert_eq!(err.code(), ErrorCode::Declined, "refused by Iamport: {err}");
    assert!(
        err.to_string().contains("잔액"),
        "the message explains the balance moved: {err}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        3000,
        "only the console's 3,000원 was refunded, never twice"
    );
    let jobs = shop.store.jobs_of_order(&muid).unwrap_or_default();
    assert!(
        jobs.iter()
            .any(|j| j.state == JobState::NeedsAttention && j.last_error.is_some()),
        "parked with a message: {jobs:?}"
    );
    let order = shop.order(&muid);
    assert_eq!(
        (order.state, order.refunded_amount),
        (OrderState::PartiallyRefunded, 3000),
        "the console cancel is mirrored"
    );
}
over_both!(console_cancel_behind_our_back_makes_the_checksum_refuse_and_parks_the_job);

async fn after_a_refused_refund_a_new_refund_from_the_refreshed_balance_works(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    shop.console_cancel(&imp, 3000).await;
    let refused = refund_now(&shop.store, Some(&shop.client), &muid, &refund(Some(3000))).await;
    assert!(refused.is_err(), "the stale refund is refused first");
    let again = refund_now(&shop.store, Some(&shop.client), &muid, &refund(None)).await;
    assert!(
        matches!(again, Ok(RefundOutcome::Done { .. })),
        "a new refund from the refreshed balance replaces the parked one: {again:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        9900,
        "the rest (6,900원) was refunded once"
    );
    let jobs = shop.store.jobs_of_order(&muid).unwrap_or_default();
    assert!(
        jobs.iter().all(|j| j.state == JobState::Done),
        "the parked job was retired: {jobs:?}"
    );
}
over_both!(after_a_refused_refund_a_new_refund_from_the_refreshed_balance_works);

async fn refund_while_iamport_fails_is_queued_and_runs_once_when_back(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    shop.faults(json!({"error_rate": 1.0})).await;
    let queued = refund_now(&shop.store, Some(&shop.client), &muid, &refund(Some(4000))).await;
    let Ok(RefundOutcome::Queued { job_id, .. }) = queued else {
        panic!("queued, not an error: {queued:?}")
    };
    assert_eq!(
        shop.order(&muid).state,
        OrderState::Paid,
        "nothing refunded yet"
    );
    shop.faults(json!({})).await;
    let run = run_job_now(&ctx(&shop), job_id).await;
    assert!(
        matches!(run, Ok(JobRun::Done(_))),
        "runs when Iamport is back: {run:?}"
    );
    let again = run_job_now(&ctx(&shop), job_id).await;
    assert!(
        matches!(again, Ok(JobRun::NotPending { .. })),
        "a done job does not run again: {again:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        4000,
        "refunded exactly once"
    );
    assert_eq!(shop.order(&muid).refunded_amount, 4000, "mirrored");
}
over_both!(refund_while_iamport_fails_is_queued_and_runs_once_when_back);

// Through the relay the stopped sandbox is the relay's upstream: the relay answers "Iamport
// unreachable", and the store queues the refund exactly as when it cannot reach Iamport itself.
async fn refund_while_the_sandbox_is_stopped_is_queued_and_runs_once_after_restart(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let state = dir.path().join("sandbox.json");
    let sandbox = start_sandbox(Some(state.clone()), None).await;
    let front = Front::start(backend, &sandbox.base_url()).await;
    let shop = Shop {
        client: front.client(Duration::from_secs(10)),
        store: front.book(crate::store()),
        front: Some(front),
        ..Shop::with_sandbox(sandbox)
    };
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    let addr = shop.sandbox.addr();
    let Shop {
        sandbox,
        client,
        store,
        front,
        ..
    } = shop;
    sandbox.shutdown().await;
    let queued = refund_now(&store, Some(&client), &muid, &refund(None)).await;
    let Ok(RefundOutcome::Queued { job_id, message }) = queued else {
        panic!("queued while stopped: {queued:?}")
    };
    assert!(
        message.contains("연결"),
        "the message says Iamport is unreachable: {message}"
    );
    let shop = Shop {
        store,
        client,
        front,
        ..Shop::with_sandbox(start_sandbox(Some(state), Some(addr)).await)
    };
    let run = run_job_now(&ctx(&shop), job_id).await;
    assert!(
        matches!(run, Ok(JobRun::Done(_))),
        "runs after the restart: {run:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        9900,
        "refunded once"
    );
    assert_eq!(shop.order(&muid).state, OrderState::Refunded, "mirrored");
}
over_both!(refund_while_the_sandbox_is_stopped_is_queued_and_runs_once_after_restart);

async fn lost_answer_whose_cancel_landed_is_settled_by_a_lookup_without_resending(
    backend: Backend,
) {
    let shop = Shop::open_on(backend).await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    let queued = request_refund(&shop.store, &muid, &refund(Some(2500)));
    let job_id = queued
        .map(|q| q.job_id)
        .unwrap_or_else(|e| panic!("queued: {e}"));
    // Our request reached Iamport, but the answer was lost on the way back.
    let landed = shop
        .client
        .cancel(&iamport::CancelRequest {
            imp_uid: Some(imp.clone()),
            amount: Some(2500),
            checksum: Some(9900),
            reason: Some("고객 요청".into()),
            ..Default::default()
        })
        .await;
    assert!(landed.is_ok(), "the cancel lands at Iamport");
    let executor = pos_core::work::executor::Executor::register("test");
    let claimed = shop
        .store
        .claim_job(job_id, chrono::Utc::now(), executor.owner())
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("claimed"));
    let recorded = shop
        .store
        .retry_job(&claimed, chrono::Utc::now(), "응답 없음", true);
    assert!(recorded.is_ok(), "recorded as outcome unknown");
    let sent_before = shop.calls(CANCELS).await;
    let run = run_job_now(&ctx(&shop), job_id).await;
    assert!(
        matches!(run, Ok(JobRun::Done(_))),
        "settled by the lookup: {run:?}"
    );
    assert_eq!(
        shop.calls(CANCELS).await,
        sent_before,
        "no second cancel was sent"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        2500,
        "refunded once"
    );
    assert_eq!(shop.order(&muid).refunded_amount, 2500, "mirrored");
}
over_both!(lost_answer_whose_cancel_landed_is_settled_by_a_lookup_without_resending);

async fn dropped_answer_of_a_cancel_that_never_landed_is_sent_again_safely(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    // Warm the token so only the cancel meets the fault.
    let _ = shop.payment(&imp).await;
    shop.faults(json!({"drop_rate": 1.0})).await;
    let queued = refund_now(&shop.store, Some(&shop.client), &muid, &refund(Some(1000))).await;
    let Ok(RefundOutcome::Queued { job_id, .. }) = queued else {
        panic!("a lost answer is queued: {queued:?}")
    };
    let job = shop.store.job(job_id).ok().flatten();
    match backend {
        Backend::Direct => assert!(
            job.is_some_and(|j| j.outcome_unknown),
            "the job remembers the outcome is unknown"
        ),
        // The relay looks the payment up before it forwards a cancel; that lookup met the
        // dropped connection, so the relay knows the cancel never left and says Iamport is
        // unreachable: the job waits as any job does while offline.
        Backend::Relay => assert!(
            job.is_some_and(|j| !j.outcome_unknown),
            "the relay says the cancel was never sent"
        ),
    }
    shop.faults(json!({})).await;
    let run = run_job_now(&ctx(&shop), job_id).await;
    assert!(
        matches!(run, Ok(JobRun::Done(_))),
        "looked up, then sent: {run:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        1000,
        "refunded exactly once"
    );
}
over_both!(dropped_answer_of_a_cancel_that_never_landed_is_sent_again_safely);
