//! Payments that verify: a paid card, a deposited virtual account, a retry after a decline, a
//! window closed unpaid, a repeated completion and the redirect.

use crate::checkout_support::Shop;
use crate::relay_support::{over_both, Backend};
use pos_core::checkout::{complete_payment, retry_checkout, window_opened};
use pos_core::{OrderState, PayMethod};

async fn card_paid_is_verified_as_paid(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let window = window_opened(&shop.store, &ticket.merchant_uid);
    assert!(
        window.is_ok_and(|o| o.state == OrderState::AwaitingPayment),
        "the window opened"
    );
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let verified = verified.unwrap_or_else(|e| panic!("a paid card must verify: {e}"));
    assert_eq!(verified.order.state, OrderState::Paid, "paid");
    assert_eq!(
        verified.order.imp_uid.as_deref(),
        Some(imp.as_str()),
        "imp_uid stored"
    );
    assert!(verified.order.paid_at.is_some(), "paid_at stored");
    let events = shop
        .store
        .order_events(&ticket.merchant_uid)
        .unwrap_or_default();
    let receipt = pos_core::checkout::receipt_url(&events);
    assert!(
        receipt.is_some_and(|u| u.starts_with("http")),
        "the receipt link is kept for the order page"
    );
}

async fn declined_card_fails_then_the_same_order_is_retried_and_paid(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let declined = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "failed")
        .await;
    let first = complete_payment(
        &shop.store,
        &shop.client,
        &ticket.merchant_uid,
        Some(&declined),
    )
    .await;
    let first = first.unwrap_or_else(|e| panic!("a decline verifies as failed: {e}"));
    assert_eq!(first.order.state, OrderState::Failed, "declined is failed");
    assert!(
        first.order.fail_reason.is_some(),
        "the reason is kept to show"
    );
    let retry = retry_checkout(
        &shop.store,
        Some(&shop.client),
        &shop.env(),
        &ticket.merchant_uid,
    )
    .await;
    let retry = retry.unwrap_or_else(|e| panic!("a failed order can be retried: {e}"));
    assert_eq!(
        (retry.merchant_uid.as_str(), retry.amount),
        (ticket.merchant_uid.as_str(), 9900),
        "same order, same amount"
    );
    let reopened = window_opened(&shop.store, &ticket.merchant_uid);
    assert!(
        reopened.is_ok_and(|o| o.state == OrderState::AwaitingPayment),
        "the retry reopens the order"
    );
    let paid = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let second =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&paid)).await;
    let second = second.unwrap_or_else(|e| panic!("the retry verifies: {e}"));
    assert_eq!(
        second.order.state,
        OrderState::Paid,
        "the retried order is paid"
    );
    assert_eq!(
        second.order.imp_uid.as_deref(),
        Some(paid.as_str()),
        "the paying attempt's imp_uid is kept"
    );
}
over_both!(declined_card_fails_then_the_same_order_is_retried_and_paid);

async fn closed_window_leaves_the_order_open(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let _ = window_opened(&shop.store, &ticket.merchant_uid);
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "ready")
        .await;
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let verified = verified.unwrap_or_else(|e| panic!("a closed window verifies: {e}"));
    assert_eq!(
        verified.order.state,
        OrderState::AwaitingPayment,
        "open, not failed"
    );
}
over_both!(closed_window_leaves_the_order_open);

async fn vbank_issued_then_deposit_is_paid(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Vbank).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "vbank", "ready")
        .await;
    let issued =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let issued = issued.unwrap_or_else(|e| panic!("an issued vbank verifies: {e}"));
    assert_eq!(
        issued.order.state,
        OrderState::VbankIssued,
        "waiting for the deposit"
    );
    assert!(
        issued.order.vbank_num.is_some()
            && issued.order.vbank_bank.is_some()
            && issued.order.vbank_due.is_some(),
        "bank, number and deadline are stored: {:?}",
        issued.order
    );
    shop.deposit(&imp).await;
    let paid = complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, None).await;
    let paid = paid.unwrap_or_else(|e| panic!("the deposit verifies by merchant_uid: {e}"));
    assert_eq!(
        paid.order.state,
        OrderState::Paid,
        "the deposit pays the order"
    );
}

async fn duplicate_completion_is_harmless(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let first = complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert!(
        first.is_ok_and(|v| v.changed),
        "the first completion pays the order"
    );
    let events = shop.event_count(&ticket.merchant_uid);
    for _ in 0..3 {
        let again =
            complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
        let again = again.unwrap_or_else(|e| panic!("a duplicate completion is not an error: {e}"));
        assert!(
            !again.changed && again.order.state == OrderState::Paid,
            "nothing changes"
        );
    }
    assert_eq!(
        shop.event_count(&ticket.merchant_uid),
        events,
        "no new events"
    );
}
over_both!(duplicate_completion_is_harmless);

async fn redirect_url_reaches_the_same_verification(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let url = format!(
        "{}?imp_success=false&imp_uid={imp}&merchant_uid={}",
        pos_core::checkout::M_REDIRECT_URL,
        ticket.merchant_uid
    );
    let params = pos_core::checkout::parse_redirect(&url)
        .unwrap_or_else(|| panic!("the app's redirect URL must parse: {url}"));
    let verified = complete_payment(
        &shop.store,
        &shop.client,
        &params.merchant_uid,
        params.imp_uid.as_deref(),
    )
    .await;
    assert!(
        verified.is_ok_and(|v| v.order.state == OrderState::Paid),
        "imp_success=false is not believed: the payment is fetched and it is paid"
    );
}
over_both!(redirect_url_reaches_the_same_verification);

over_both!(card_paid_is_verified_as_paid);

over_both!(vbank_issued_then_deposit_is_paid);
