//! Refunds against the sandbox: full, partial twice, refused ones that change nothing, a
//! console cancel behind our back caught by `checksum`, virtual accounts, and refunds queued
//! while Iamport is unreachable (or its answer is lost) that run exactly once later.

use pos_core::checkout::{
    complete_payment, refund_now, request_refund, CheckoutError, RefundAccount, RefundOutcome,
    RefundRequest, CANCEL_JOB,
};
use pos_core::work::{run_job_now, JobRun, WorkContext};
use pos_core::{ErrorCode, JobState, OrderState, PayMethod};
use serde_json::json;

use crate::checkout_support::{start_sandbox, Shop};

const CANCELS: &str = "POST /payments/cancel";

fn refund(amount: Option<i64>) -> RefundRequest {
    RefundRequest {
        amount,
        reason: "고객 요청".into(),
        refund_account: None,
    }
}

fn account() -> RefundAccount {
    RefundAccount {
        bank: "국민은행".into(),
        number: "123-4567-8901".into(),
        holder: "홍길동".into(),
    }
}

/// A paid order of `plan` (paid with `method`), returning (merchant_uid, imp_uid).
async fn paid_order(shop: &Shop, plan: &str, method: PayMethod) -> (String, String) {
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

fn ctx(shop: &Shop) -> WorkContext {
    WorkContext {
        store: shop.store.clone(),
        client: shop.client.clone(),
    }
}

#[tokio::test]
async fn full_refund_refunds_everything() {
    let shop = Shop::open().await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    let done = refund_now(&shop.store, Some(&shop.client), &muid, &refund(None)).await;
    let done = done.unwrap_or_else(|e| panic!("a full refund works: {e}"));
    let RefundOutcome::Done { order } = done else {
        panic!("refunded at once, got {done:?}")
    };
    assert_eq!(
        (order.state, order.refunded_amount),
        (OrderState::Refunded, 9900),
        "refunded in full"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        9900,
        "Iamport refunded 9,900원"
    );
}

#[tokio::test]
async fn two_partial_refunds_then_the_rest() {
    let shop = Shop::open().await;
    let (muid, imp) = paid_order(&shop, "pass_3m", PayMethod::Card).await;
    for (amount, state, total) in [
        (5000, OrderState::PartiallyRefunded, 5000),
        (2000, OrderState::PartiallyRefunded, 7000),
        (20000, OrderState::Refunded, 27000),
    ] {
        let done = refund_now(
            &shop.store,
            Some(&shop.client),
            &muid,
            &refund(Some(amount)),
        )
        .await;
        assert!(
            matches!(done, Ok(RefundOutcome::Done { .. })),
            "refund of {amount} works: {done:?}"
        );
        let order = shop.order(&muid);
        assert_eq!(
            (order.state, order.refunded_amount),
            (state, total),
            "after refunding {amount}"
        );
    }
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        27000,
        "Iamport refunded the same total"
    );
}

#[tokio::test]
async fn refund_requests_that_cannot_be_right_are_refused_and_change_nothing() {
    let shop = Shop::open().await;
    let (muid, _imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    let unpaid = shop.checkout("pass_1m", PayMethod::Card).await;
    let before = (shop.order(&muid), shop.event_count(&muid));
    let cases: Vec<(&str, &str, RefundRequest, ErrorCode)> = vec![
        (
            "over-refund",
            &muid,
            refund(Some(9901)),
            ErrorCode::Validation,
        ),
        ("zero", &muid, refund(Some(0)), ErrorCode::Validation),
        ("negative", &muid, refund(Some(-100)), ErrorCode::Validation),
        (
            "no reason",
            &muid,
            RefundRequest {
                reason: "  ".into(),
                ..refund(None)
            },
            ErrorCode::Validation,
        ),
        (
            "unknown order",
            "order_NOPE",
            refund(None),
            ErrorCode::NotFound,
        ),
        (
            "unpaid order",
            &unpaid.merchant_uid,
            refund(None),
            ErrorCode::Conflict,
        ),
    ];
    for (what, target, request, code) in cases {
        let refused = request_refund(&shop.store, target, &request);
        assert_eq!(
            refused.err().map(|e| e.code()),
            Some(code),
            "{what} must be refused as {code:?}"
        );
    }
    assert_eq!(
        (shop.order(&muid), shop.event_count(&muid)),
        before,
        "nothing changed"
    );
    assert!(
        shop.store.jobs_of_order(&muid).is_ok_and(|j| j.is_empty()),
        "no job was written"
    );
    assert_eq!(shop.calls(CANCELS).await, 0, "nothing was sent to Iamport");
}

#[tokio::test]
async fn refund_request_writes_the_job_and_event_and_leaves_the_state() {
    let shop = Shop::open().await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    let events = shop.event_count(&muid);
    let queued = request_refund(&shop.store, &muid, &refund(Some(3000)));
    let queued = queued.unwrap_or_else(|e| panic!("a refund is queued: {e}"));
    assert_eq!(
        (queued.amount, queued.checksum),
        (3000, 9900),
        "amount and checksum = our balance"
    );
    assert_eq!(
        queued.order.state,
        OrderState::Paid,
        "the state waits for Iamport"
    );
    assert_eq!(
        shop.event_count(&muid),
        events + 1,
        "a refund_requested event"
    );
    let job = shop.store.open_job(CANCEL_JOB, &muid).ok().flatten();
    let payload = job.map(|j| j.payload).unwrap_or_default();
    assert_eq!(
        (payload["impUid"].as_str(), payload["checksum"].as_i64()),
        (Some(imp.as_str()), Some(9900)),
        "payload: {payload}"
    );
    let second = request_refund(&shop.store, &muid, &refund(Some(1000)));
    assert!(
        matches!(second, Err(CheckoutError::RefundPending { .. })),
        "one pending refund at a time: {second:?}"
    );
}

#[tokio::test]
async fn console_cancel_behind_our_back_makes_the_checksum_refuse_and_parks_the_job() {
    let shop = Shop::open().await;
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

#[tokio::test]
async fn vbank_refund_requires_the_refund_account() {
    let shop = Shop::open().await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Vbank).await;
    let without = request_refund(&shop.store, &muid, &refund(None));
    assert!(
        matches!(without, Err(CheckoutError::RefundAccountRequired)),
        "the account is required: {without:?}"
    );
    let bad = RefundRequest {
        refund_account: Some(RefundAccount {
            number: "abc".into(),
            ..account()
        }),
        ..refund(None)
    };
    assert_eq!(
        request_refund(&shop.store, &muid, &bad)
            .err()
            .map(|e| e.code()),
        Some(ErrorCode::Validation),
        "a malformed account"
    );
    let with = RefundRequest {
        refund_account: Some(account()),
        ..refund(None)
    };
    let done = refund_now(&shop.store, Some(&shop.client), &muid, &with).await;
    assert!(
        matches!(done, Ok(RefundOutcome::Done { .. })),
        "with the account it works: {done:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        9900,
        "refunded at Iamport"
    );
}

#[tokio::test]
async fn refund_while_iamport_fails_is_queued_and_runs_once_when_back() {
    let shop = Shop::open().await;
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

#[tokio::test]
async fn refund_while_the_sandbox_is_stopped_is_queued_and_runs_once_after_restart() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let state = dir.path().join("sandbox.json");
    let shop = Shop::with_sandbox(start_sandbox(Some(state.clone()), None).await);
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    let addr = shop.sandbox.addr();
    let Shop {
        sandbox,
        client,
        store,
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

#[tokio::test]
async fn lost_answer_whose_cancel_landed_is_settled_by_a_lookup_without_resending() {
    let shop = Shop::open().await;
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
    let claimed = shop.store.claim_job(job_id, chrono::Utc::now());
    assert!(claimed.is_ok_and(|j| j.is_some()), "claimed");
    let recorded = shop
        .store
        .retry_job(job_id, chrono::Utc::now(), "응답 없음", true);
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

#[tokio::test]
async fn dropped_answer_of_a_cancel_that_never_landed_is_sent_again_safely() {
    let shop = Shop::open().await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    // Warm the token so only the cancel meets the fault.
    let _ = shop.payment(&imp).await;
    shop.faults(json!({"drop_rate": 1.0})).await;
    let queued = refund_now(&shop.store, Some(&shop.client), &muid, &refund(Some(1000))).await;
    let Ok(RefundOutcome::Queued { job_id, .. }) = queued else {
        panic!("a lost answer is queued: {queued:?}")
    };
    let job = shop.store.job(job_id).ok().flatten();
    assert!(
        job.is_some_and(|j| j.outcome_unknown),
        "the job remembers the outcome is unknown"
    );
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
