//! Refunds against the sandbox: full, partial twice, the requests that must be refused (and
//! change nothing), what a queued refund writes, and virtual-account refund accounts.

use pos_core::checkout::{
    refund_now, request_refund, CheckoutError, RefundAccount, RefundOutcome, RefundRequest,
    CANCEL_JOB,
};
use pos_core::{ErrorCode, OrderState, PayMethod};

use crate::checkout_support::{account, paid_order, refund, Shop, CANCELS};
use crate::relay_support::{over_both, Backend};

async fn full_refund_refunds_everything(backend: Backend) {
    let shop = Shop::open_on(backend).await;
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

async fn two_partial_refunds_then_the_rest(backend: Backend) {
    let shop = Shop::open_on(backend).await;
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

async fn refund_requests_that_cannot_be_right_are_refused_and_change_nothing(backend: Backend) {
    let shop = Shop::open_on(backend).await;
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
over_both!(refund_requests_that_cannot_be_right_are_refused_and_change_nothing);

async fn refund_request_writes_the_job_and_event_and_leaves_the_state(backend: Backend) {
    let shop = Shop::open_on(backend).await;
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
over_both!(refund_request_writes_the_job_and_event_and_leaves_the_state);

async fn vbank_refund_requires_the_refund_account(backend: Backend) {
    let shop = Shop::open_on(backend).await;
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
over_both!(vbank_refund_requires_the_refund_account);

over_both!(full_refund_refunds_everything);

over_both!(two_partial_refunds_then_the_rest);
