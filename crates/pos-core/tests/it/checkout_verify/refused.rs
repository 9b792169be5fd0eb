//! Payments that must not verify as sent: a tampered amount or deposit, another order's payment,
//! forged calls, and Iamport unreachable while verifying.

use crate::checkout_support::Shop;
use crate::relay_support::{over_both, Backend};
use pos_core::checkout::{complete_payment, CheckoutError};
use pos_core::work::JobRun;
use pos_core::{ErrorCode, OrderState, PayMethod};

async fn tampered_amount_is_flagged_and_cancelled_in_full_at_once(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 100, "card", "paid")
        .await;
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let verified = verified.unwrap_or_else(|e| panic!("a tampered payment still verifies: {e}"));
    assert_eq!(verified.order.state, OrderState::AmountMismatch, "flagged");
    assert!(
        matches!(verified.mismatch_cancel, Some(JobRun::Done(_))),
        "cancelled at once: {:?}",
        verified.mismatch_cancel
    );
    let at_iamport = shop.payment(&imp).await;
    assert_eq!(
        at_iamport.cancel_amount, 100,
        "the whole tampered payment is cancelled at Iamport"
    );
    let jobs = shop
        .store
        .jobs_of_order(&ticket.merchant_uid)
        .unwrap_or_default();
    assert!(
        jobs.iter().all(|j| j.state == pos_core::JobState::Done),
        "the cancel job is done: {jobs:?}"
    );
}
over_both!(tampered_amount_is_flagged_and_cancelled_in_full_at_once);

async fn imp_uid_of_another_order_is_refused_and_nothing_changes(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let mine = shop.checkout("pass_1m", PayMethod::Card).await;
    let other = shop.checkout("pass_1m", PayMethod::Card).await;
    let others_imp = shop
        .buyer_pays(&other.merchant_uid, 9900, "card", "paid")
        .await;
    let before = (
        shop.order(&mine.merchant_uid),
        shop.event_count(&mine.merchant_uid),
    );
    let refused = complete_payment(
        &shop.store,
        &shop.client,
        &mine.merchant_uid,
        Some(&others_imp),
    )
    .await;
    let err = refused
        .err()
        .unwrap_or_else(|| panic!("another order's payment must be refused"));
    assert_eq!(
        err.code(),
        ErrorCode::Conflict,
        "refused as a conflict: {err}"
    );
    let after = (
        shop.order(&mine.merchant_uid),
        shop.event_count(&mine.merchant_uid),
    );
    assert_eq!(before, after, "nothing about my order changed");
    assert_eq!(
        shop.order(&other.merchant_uid).state,
        OrderState::Created,
        "nor the other order"
    );
}
over_both!(imp_uid_of_another_order_is_refused_and_nothing_changes);

async fn forged_calls_get_clear_errors_and_change_nothing(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let before = (
        shop.order(&ticket.merchant_uid),
        shop.event_count(&ticket.merchant_uid),
    );

    let wrong_imp = complete_payment(
        &shop.store,
        &shop.client,
        &ticket.merchant_uid,
        Some("imp_000000000000"),
    )
    .await;
    assert!(
        matches!(wrong_imp, Err(CheckoutError::PaymentNotFound { .. })),
        "an unknown imp_uid: {wrong_imp:?}"
    );

    let unknown_order = complete_payment(
        &shop.store,
        &shop.client,
        "order_NOPE",
        Some("imp_000000000000"),
    )
    .await;
    assert_eq!(
        unknown_order.err().map(|e| e.code()),
        Some(ErrorCode::NotFound),
        "an unknown merchant_uid"
    );

    let unknown_plan = pos_core::checkout::start_checkout(
        &shop.store,
        Some(&shop.client),
        &shop.env(),
        "pass_99y",
        PayMethod::Card,
        &Default::default(),
    )
    .await;
    assert_eq!(
        unknown_plan.err().map(|e| e.code()),
        Some(ErrorCode::NotFound),
        "an unknown plan"
    );

    let subscription = pos_core::checkout::start_checkout(
        &shop.store,
        Some(&shop.client),
        &shop.env(),
        "sub_monthly",
        PayMethod::Card,
        &Default::default(),
    )
    .await;
    assert!(
        matches!(subscription, Err(CheckoutError::NotAPass { .. })),
        "a subscription is not a pass"
    );

    assert_eq!(
        (
            shop.order(&ticket.merchant_uid),
            shop.event_count(&ticket.merchant_uid)
        ),
        before,
        "nothing changed"
    );
    let page = shop.store.list_orders(&Default::default());
    assert_eq!(
        page.map(|p| p.total).unwrap_or(0),
        1,
        "no order was created by refused calls"
    );
}
over_both!(forged_calls_get_clear_errors_and_change_nothing);

async fn iamport_unreachable_during_verification_queues_a_verify_job(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    shop.faults(serde_json::json!({"error_rate": 1.0})).await;
    let offline =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert_eq!(
        offline.err().map(|e| e.code()),
        Some(ErrorCode::Offline),
        "offline is reported as offline"
    );
    let job = shop
        .store
        .open_job(pos_core::checkout::VERIFY_JOB, &ticket.merchant_uid);
    assert!(
        job.is_ok_and(|j| j.is_some()),
        "the verification waits in the queue"
    );
    shop.faults(serde_json::json!({})).await;
    let ctx = pos_core::work::WorkContext {
        store: shop.store.clone(),
        client: shop.client.clone(),
    };
    let job = shop
        .store
        .open_job(pos_core::checkout::VERIFY_JOB, &ticket.merchant_uid)
        .ok()
        .flatten();
    let run = pos_core::work::run_job_now(&ctx, job.map(|j| j.id).unwrap_or_default()).await;
    assert!(
        matches!(run, Ok(JobRun::Done(_))),
        "the queued verification runs when Iamport is back: {run:?}"
    );
    assert_eq!(
        shop.order(&ticket.merchant_uid).state,
        OrderState::Paid,
        "and pays the order"
    );
}
over_both!(iamport_unreachable_during_verification_queues_a_verify_job);

async fn tampered_virtual_account_deposit_is_cancelled_once_a_person_gives_the_refund_account(
    backend: Backend,
) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Vbank).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 100, "vbank", "ready")
        .await;
    let issued =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let issued = issued.unwrap_or_else(|e| panic!("a wrong-amount account verifies: {e}"));
    assert_eq!(
        (issued.order.state, issued.mismatch_cancel.is_none()),
        (OrderState::AmountMismatch, true),
        "flagged before any deposit; nothing to cancel yet"
    );
    shop.deposit(&imp).await;
    let deposited =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let deposited = deposited.unwrap_or_else(|e| panic!("the deposit verifies: {e}"));
    let Some(JobRun::Parked { message, .. }) = deposited.mismatch_cancel else {
        panic!(
            "a vbank cancel needs the buyer's refund account: parked, got {:?}",
            deposited.mismatch_cancel
        );
    };
    assert!(!message.is_empty(), "the parked cancel says why");
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        0,
        "nothing was refunded without an account"
    );
    let account = pos_core::checkout::RefundAccount {
        bank: "004".into(),
        number: "123-4567-8901".into(),
        holder: "홍길동".into(),
    };
    let resumed = pos_core::checkout::resume_mismatch_cancel(
        &shop.store,
        Some(&shop.client),
        &ticket.merchant_uid,
        &account,
    )
    .await;
    assert!(
        matches!(resumed, Ok(pos_core::checkout::RefundOutcome::Done { .. })),
        "with the account the cancel goes through: {resumed:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        100,
        "the whole tampered deposit was refunded"
    );
}
over_both!(tampered_virtual_account_deposit_is_cancelled_once_a_person_gives_the_refund_account);
