//! 카드 변경 on a PG that charges whatever its billing window carries (KakaoPay, Danal T-pay):
//! the sandbox refuses their 0원 window, so the window carries a 100원 check charge, which is
//! verified and refunded in full before the subscription moves to the new key. No period is
//! charged by it, and doing it twice never refunds or charges twice.

use pos_core::store::{Subscription, SubscriptionState};
use pos_core::subscription::{CardChangeWindow, Subscriptions};
use pos_core::OrderState;
use serde_json::json;

use crate::subscription_support::Sbx;

const KAKAOPAY: &str = "kakaopay.TCSUBSCRIP";

/// A `sub_monthly` subscription registered through a KakaoPay window (the window paid month 1).
async fn subscribed_with_kakaopay(sbx: &Sbx, subs: &Subscriptions) -> Subscription {
    let ticket = subs
        .start("sub_monthly", Some(KAKAOPAY))
        .unwrap_or_else(|e| panic!("start: {e}"));
    let imp_uid = sbx.billing_window_ends(&ticket, "approve").await;
    let sub = subs
        .verify_issuance(
            &ticket.subscription_id,
            &imp_uid,
            Some(KAKAOPAY),
            sbx.now().await,
        )
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(sub.state, SubscriptionState::Active, "subscribed");
    sub
}

/// The card-change window of `sub` opened at the sandbox with `amount` and ended with `action`.
async fn card_window(
    sbx: &Sbx,
    window: &CardChangeWindow,
    amount: i64,
    action: &str,
) -> serde_json::Value {
    let params = json!({"merchant_uid": window.merchant_uid, "amount": amount, "pay_method": "card",
                        "customer_uid": window.customer_uid, "pg": KAKAOPAY});
    sbx.sdk_window(params, action).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_change_on_kakaopay_charges_a_check_refunded_in_full_and_no_period() {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let sub = subscribed_with_kakaopay(&sbx, &subs).await;
    let charges_before = subs
        .store
        .subscription_charges(&sub.id)
        .map(|c| c.len())
        .ok();
    let window = subs
        .open_card_change_window(&sub.id, Some(KAKAOPAY))
        .unwrap_or_else(|e| panic!("card-change window: {e}"));
    assert_eq!(
        window.amount, 100,
        "KakaoPay's card-change window carries the 100원 check"
    );
    let zero = card_window(&sbx, &window, 0, "approve").await;
    assert_ne!(
        zero["code"], 0,
        "the sandbox's KakaoPay refuses a 0원 billing window: {zero}"
    );

    let opened = card_window(&sbx, &window, window.amount, "approve").await;
    assert_eq!(opened["code"], 0, "the 100원 window opens: {opened}");
    let changed = subs
        .change_card(&sub.id, &window.customer_uid, sbx.now().await)
        .await
        .unwrap_or_else(|e| panic!("change card: {e}"));
    assert_eq!(
        changed.customer_uid, window.customer_uid,
        "the subscription uses the new key"
    );

    let payment = sbx
        .iamport()
        .find_payment(&window.merchant_uid, None)
        .await
        .unwrap_or_else(|e| panic!("the check charge at Iamport: {e}"));
    assert_eq!(
        (payment.amount, payment.cancel_amount),
        (100, 100),
        "Iamport has the 100원 check refunded in full"
    );
    let order = subs
        .store
        .order(&window.merchant_uid)
        .unwrap_or_else(|e| panic!("the check order: {e}"));
    assert_eq!(
        (order.state, order.refunded_amount),
        (OrderState::Refunded, 100),
        "the books show the check charged and refunded"
    );
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        0,
        "no period was charged by the card change"
    );
    assert_eq!(
        subs.store
            .subscription_charges(&sub.id)
            .map(|c| c.len())
            .ok(),
        charges_before,
        "the card change added no period charge"
    );

    subs.change_card(&sub.id, &window.customer_uid, sbx.now().await)
        .await
        .unwrap_or_else(|e| panic!("change card again: {e}"));
    assert_eq!(
        sbx.calls("POST /payments/cancel").await,
        1,
        "confirming the same card change again refunds nothing twice"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_change_window_closed_without_paying_moves_nothing() {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let sub = subscribed_with_kakaopay(&sbx, &subs).await;
    let window = subs
        .open_card_change_window(&sub.id, Some(KAKAOPAY))
        .unwrap_or_else(|e| panic!("card-change window: {e}"));
    card_window(&sbx, &window, window.amount, "close").await;
    let refused = subs
        .change_card(&sub.id, &window.customer_uid, sbx.now().await)
        .await;
    assert!(
        refused.is_err(),
        "a check charge never paid does not move the subscription: {refused:?}"
    );
    let after = subs
        .store
        .subscription(&sub.id)
        .unwrap_or_else(|e| panic!("the subscription: {e}"));
    assert_eq!(after.customer_uid, sub.customer_uid, "still on the old key");
    assert_eq!(
        sbx.calls("POST /payments/cancel").await,
        0,
        "nothing to refund"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_change_on_a_pg_that_issues_for_free_opens_a_0_won_window_without_an_order() {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let sub = crate::subscription_support::subscribed(&sbx, &subs, "cust_free_card").await;
    let window = subs
        .open_card_change_window(&sub.id, Some("html5_inicis.INIBillTst"))
        .unwrap_or_else(|e| panic!("card-change window: {e}"));
    assert_eq!(window.amount, 0, "Inicis issues the key for 0원");
    assert!(
        subs.store.order(&window.merchant_uid).is_err(),
        "nothing is charged, so no order is written"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_card_check_whose_result_never_came_back_is_refunded_by_the_engine() {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let sub = subscribed_with_kakaopay(&sbx, &subs).await;
    let window = subs
        .open_card_change_window(&sub.id, Some(KAKAOPAY))
        .unwrap_or_else(|e| panic!("card-change window: {e}"));
    // The window charged the 100원 and issued the key, but the app never heard back.
    card_window(&sbx, &window, window.amount, "approve").await;
    let report = pos_core::subscription::poll_due(&subs, sbx.now().await)
        .await
        .unwrap_or_else(|e| panic!("poll: {e}"));
    assert!(report.errors.is_empty(), "poll errors: {:?}", report.errors);
    let payment = sbx
        .iamport()
        .find_payment(&window.merchant_uid, None)
        .await
        .unwrap_or_else(|e| panic!("the check charge at Iamport: {e}"));
    assert_eq!(
        payment.cancel_amount, 100,
        "the engine found the paid check and refunded it in full"
    );
    pos_core::subscription::poll_due(&subs, sbx.now().await)
        .await
        .unwrap_or_else(|e| panic!("poll again: {e}"));
    assert_eq!(
        sbx.calls("POST /payments/cancel").await,
        1,
        "the next cycle refunds nothing twice"
    );
    let after = subs
        .store
        .subscription(&sub.id)
        .unwrap_or_else(|e| panic!("the subscription: {e}"));
    assert_eq!(
        after.customer_uid, sub.customer_uid,
        "the card is changed only by the owner's card change"
    );
    sbx.stop().await;
}
