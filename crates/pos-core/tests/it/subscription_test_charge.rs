//! Danal's 0원 billing window is approved as a 10원 test charge that Danal cancels about 30
//! minutes later (the sandbox does the same on its clock). The card registration stays the 0원
//! `billing_` order: the 10원 is no sale, no period, and no wrong payment for the app to cancel;
//! the order shows it received, then cancelled by the PG.

use pos_core::checkout::{apply_payment, CANCEL_JOB};
use pos_core::store::SubscriptionState;
use pos_core::subscription::IssuanceRule;
use pos_core::OrderState;

use crate::subscription_support::Sbx;

const DANAL: &str = "danal";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn danal_s_test_charge_is_neither_a_sale_nor_a_period_and_shows_cancelled() {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let ticket = subs
        .start("sub_monthly", Some(DANAL))
        .unwrap_or_else(|e| panic!("start: {e}"));
    assert_eq!(
        (ticket.amount, ticket.rule),
        (0, IssuanceRule::FreeWithTestCharge { test_amount: 10 }),
        "Danal's window is opened for 0원"
    );
    let imp_uid = sbx.billing_window_ends(&ticket, "approve").await;
    let charged = sbx
        .iamport()
        .payment(&imp_uid)
        .await
        .unwrap_or_else(|e| panic!("the window's payment: {e}"));
    assert!(
        charged.is_paid() && charged.amount == 10,
        "the sandbox's Danal approved the 0원 window as a 10원 test charge: {charged:?}"
    );

    let sub = subs
        .verify_issuance(
            &ticket.subscription_id,
            &imp_uid,
            Some(DANAL),
            sbx.now().await,
        )
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(sub.state, SubscriptionState::Active, "subscribed");
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        1,
        "the first period is charged on its own, not taken from the 10원"
    );
    let order = subs
        .store
        .order(&ticket.merchant_uid)
        .unwrap_or_else(|e| panic!("the billing order: {e}"));
    assert_eq!(
        (order.state, order.amount, order.refunded_amount),
        (OrderState::Paid, 0, 0),
        "the registration is the 0원 card registration, not a 10원 sale"
    );
    assert_eq!(
        (order.mismatch_received, order.mismatch_returned),
        (Some(10), 0),
        "the test charge is recorded beside it, not yet cancelled"
    );

    sbx.advance(29 * 60).await;
    let before = sbx.iamport().payment(&imp_uid).await.ok();
    assert_eq!(
        before.map(|p| p.cancel_amount),
        Some(0),
        "Danal has not cancelled it after 29 minutes"
    );
    sbx.advance(2 * 60).await;
    let cancelled = sbx
        .iamport()
        .payment(&imp_uid)
        .await
        .unwrap_or_else(|e| panic!("the test charge after 31 minutes: {e}"));
    assert_eq!(
        cancelled.cancel_amount, 10,
        "Danal cancelled its test charge by itself about 30 minutes later"
    );

    // What the change feed does with the update (the function it calls).
    let applied = apply_payment(&subs.store, &cancelled, "change_feed")
        .unwrap_or_else(|e| panic!("the cancelled test charge applies: {e}"));
    assert_eq!(
        applied.order.state,
        OrderState::Paid,
        "the registration stays paid: the 10원 is no wrong payment to flag"
    );
    assert_eq!(
        (
            applied.order.mismatch_received,
            applied.order.mismatch_returned
        ),
        (Some(10), 10),
        "the order shows the 10원 cancelled"
    );
    assert!(
        subs.store
            .open_job(CANCEL_JOB, &ticket.merchant_uid)
            .is_ok_and(|j| j.is_none()),
        "the app owes no cancel of it"
    );
    assert_eq!(
        sbx.calls("POST /payments/cancel").await,
        0,
        "the app never cancelled it itself (the PG did)"
    );
    assert_eq!(
        applied.order.refunded_amount, 0,
        "no refund of a sale is recorded"
    );
    sbx.stop().await;
}
