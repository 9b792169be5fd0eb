//! 주문 취소 of an unpaid order: the owner gives it up, an issued virtual account is revoked at
//! Iamport through the job queue, and money always wins (a payment or deposit that went through
//! is applied instead).

use pos_core::checkout::{
    abandon_now, complete_payment, window_opened, AbandonOutcome, CheckoutError, OWNER_ABANDONED,
    REVOKE_VBANK_JOB,
};
use pos_core::work::{run_job_now, JobRun};
use pos_core::{OrderState, PayMethod};
use serde_json::json;

use crate::checkout_support::{ctx, paid_order, Shop};

/// The sandbox route of virtual-account revokes, for counting what was sent.
const REVOKES: &str = "DELETE /vbanks/{imp_uid}";

/// A virtual-account order whose account is issued: (merchant_uid, imp_uid).
async fn issued_vbank(shop: &Shop) -> (String, String) {
    let ticket = shop.checkout("pass_1m", PayMethod::Vbank).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, ticket.amount, "vbank", "ready")
        .await;
    let issued =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert!(
        issued.is_ok_and(|v| v.order.state == OrderState::VbankIssued),
        "the account must be issued first"
    );
    (ticket.merchant_uid, imp)
}

#[tokio::test]
async fn an_order_waiting_for_payment_is_given_up_without_calling_iamport_to_revoke() {
    let shop = Shop::open().await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    assert!(window_opened(&shop.store, &ticket.merchant_uid).is_ok());
    let outcome = abandon_now(&shop.store, Some(&shop.client), &ticket.merchant_uid).await;
    let Ok(AbandonOutcome::Done { order }) = outcome else {
        panic!("an unpaid card order is given up at once: {outcome:?}");
    };
    assert_eq!(order.state, OrderState::Abandoned, "the order is given up");
    let events = shop
        .store
        .order_events(&ticket.merchant_uid)
        .unwrap_or_default();
    assert_eq!(
        events.last().map(|e| e.cause.as_str()),
        Some(OWNER_ABANDONED),
        "the timeline says the owner gave it up"
    );
    assert_eq!(shop.calls(REVOKES).await, 0, "nothing to revoke for a card");
}

#[tokio::test]
async fn giving_up_an_issued_virtual_account_revokes_it_at_iamport() {
    let shop = Shop::open().await;
    let (uid, imp) = issued_vbank(&shop).await;
    let outcome = abandon_now(&shop.store, Some(&shop.client), &uid).await;
    assert!(
        matches!(&outcome, Ok(AbandonOutcome::Done { order }) if order.state == OrderState::Abandoned),
        "the order is given up and the account revoked at once: {outcome:?}"
    );
    assert_eq!(shop.calls(REVOKES).await, 1, "one revoke was sent");
    let payment = shop.payment(&imp).await;
    assert_eq!(
        payment.status,
        iamport::PaymentStatus::Cancelled,
        "Iamport no longer takes a deposit into the account"
    );
    assert!(
        shop.store
            .open_job(REVOKE_VBANK_JOB, &uid)
            .ok()
            .flatten()
            .is_none(),
        "no revoke left in the queue"
    );
}

#[tokio::test]
async fn offline_the_revoke_waits_in_the_queue_and_is_sent_when_iamport_answers() {
    let shop = Shop::open().await;
    let (uid, imp) = issued_vbank(&shop).await;
    shop.faults(json!({"error_rate": 1.0})).await;
    let outcome = abandon_now(&shop.store, Some(&shop.client), &uid).await;
    let Ok(AbandonOutcome::RevokeQueued { order, job_id, .. }) = outcome else {
        panic!("offline the revoke is queued, not an error: {outcome:?}");
    };
    assert_eq!(
        order.state,
        OrderState::Abandoned,
        "given up locally at once"
    );
    shop.faults(json!({})).await;
    assert_eq!(
        shop.payment(&imp).await.status,
        iamport::PaymentStatus::Ready,
        "the account is still open while the revoke waits"
    );
    let run = run_job_now(&ctx(&shop), job_id).await;
    assert!(
        matches!(run, Ok(JobRun::Done(_))),
        "the queued revoke goes through: {run:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.status,
        iamport::PaymentStatus::Cancelled,
        "the account is revoked"
    );
}

#[tokio::test]
async fn a_deposit_that_arrives_before_the_revoke_pays_the_order_and_nothing_is_revoked() {
    let shop = Shop::open().await;
    let (uid, imp) = issued_vbank(&shop).await;
    shop.faults(json!({"error_rate": 1.0})).await;
    let outcome = abandon_now(&shop.store, Some(&shop.client), &uid).await;
    let Ok(AbandonOutcome::RevokeQueued { job_id, .. }) = outcome else {
        panic!("the revoke is queued: {outcome:?}");
    };
    shop.faults(json!({})).await;
    shop.deposit(&imp).await;
    let run = run_job_now(&ctx(&shop), job_id).await;
    assert!(matches!(run, Ok(JobRun::Done(_))), "the job ends: {run:?}");
    assert_eq!(
        shop.order(&uid).state,
        OrderState::Paid,
        "the buyer's deposit pays the order the owner had given up"
    );
    assert_eq!(
        shop.calls(REVOKES).await,
        0,
        "a paid account is never revoked"
    );
}

#[tokio::test]
async fn a_paid_order_cannot_be_given_up() {
    let shop = Shop::open().await;
    let (uid, _) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    let outcome = abandon_now(&shop.store, Some(&shop.client), &uid).await;
    assert!(
        matches!(outcome, Err(CheckoutError::NotAbandonable { .. })),
        "a paid order is refunded, not given up: {outcome:?}"
    );
    assert_eq!(shop.order(&uid).state, OrderState::Paid, "still paid");
}

#[tokio::test]
async fn a_payment_that_went_through_unnoticed_is_found_before_giving_up() {
    let shop = Shop::open().await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    assert!(window_opened(&shop.store, &ticket.merchant_uid).is_ok());
    // The buyer paid in the window, but its result never reached the app.
    shop.buyer_pays(&ticket.merchant_uid, ticket.amount, "card", "paid")
        .await;
    let outcome = abandon_now(&shop.store, Some(&shop.client), &ticket.merchant_uid).await;
    assert!(
        matches!(outcome, Err(CheckoutError::NotAbandonable { .. })),
        "the paid order is not given up: {outcome:?}"
    );
    assert_eq!(
        shop.order(&ticket.merchant_uid).state,
        OrderState::Paid,
        "the payment found is applied"
    );
}
