//! The shop's Panmusic account: every order names it in `custom_data`, the payment window and
//! Iamport carry it, and verification refuses a payment that names another account.

use pos_core::account::ShopAccount;
use pos_core::checkout::{complete_payment, CheckoutError, Refusal};
use pos_core::{OrderState, PayMethod};
use serde_json::{json, Value};

use crate::checkout_support::Shop;

fn gangnam() -> ShopAccount {
    ShopAccount {
        account_id: "pm-1001".into(),
        store: "판뮤직 강남점".into(),
    }
}

/// A payment at the sandbox, as if the buyer finished the window with `custom_data`.
async fn pay_with(shop: &Shop, merchant_uid: &str, amount: i64, custom_data: Value) -> String {
    let url = format!("{}/__sandbox/payments", shop.sandbox.base_url());
    let body = json!({"merchant_uid": merchant_uid, "amount": amount, "pay_method": "card",
        "outcome": "paid", "custom_data": custom_data});
    let reply: Value = match shop.http.post(&url).json(&body).send().await {
        Ok(r) => r.json().await.unwrap_or_default(),
        Err(e) => panic!("the sandbox must take the payment: {e}"),
    };
    assert_eq!(reply["code"], 0, "the sandbox took the payment: {reply}");
    reply["response"]["imp_uid"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_new_order_carries_the_shops_account_store_plan_and_app() {
    let shop = Shop::open().await;
    shop.store.set_account(Some(gangnam()));
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let data: Value = serde_json::from_str(ticket.custom_data.as_deref().unwrap_or("null"))
        .unwrap_or(Value::Null);
    assert_eq!(data["account_id"], "pm-1001", "the account: {data}");
    assert_eq!(data["store"], "판뮤직 강남점", "the store name");
    assert_eq!(data["plan"], "pass_1m", "the plan");
    assert!(
        data["app"]
            .as_str()
            .is_some_and(|a| a.starts_with("panmusic-pos/")),
        "the app and its version: {data}"
    );
    assert_eq!(
        shop.order(&ticket.merchant_uid).custom_data,
        ticket.custom_data,
        "fixed on the order, so a retry sends the same"
    );
}

#[tokio::test]
async fn a_payment_naming_another_account_is_refused_and_the_order_stays_unpaid() {
    let shop = Shop::open().await;
    shop.store.set_account(Some(gangnam()));
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    // The attack: the window's custom_data is rewritten to grant the music to another account.
    let imp = pay_with(
        &shop,
        &ticket.merchant_uid,
        ticket.amount,
        json!({"account_id": "pm-6666", "store": "남의 매장", "plan": "pass_1m", "app": "panmusic-pos/0.1.0"}),
    )
    .await;
    let result =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    match result {
        Err(CheckoutError::Refused(refusal)) => assert!(
            matches!(*refusal, Refusal::OtherAccount { ref found, .. } if found.as_deref() == Some("pm-6666")),
            "refused as another account's payment: {refusal:?}"
        ),
        other => panic!("a payment for another account must be refused, got {other:?}"),
    }
    let order = shop.order(&ticket.merchant_uid);
    assert_ne!(order.state, OrderState::Paid, "the order is not paid by it");
    assert_eq!(
        order.imp_uid, None,
        "the payment is not recorded on the order"
    );
}

#[tokio::test]
async fn a_payment_stripped_of_its_account_is_refused() {
    let shop = Shop::open().await;
    shop.store.set_account(Some(gangnam()));
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = pay_with(&shop, &ticket.merchant_uid, ticket.amount, Value::Null).await;
    let result =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert!(
        matches!(result, Err(CheckoutError::Refused(_))),
        "no account where one was sent is refused: {result:?}"
    );
}

#[tokio::test]
async fn the_shops_own_payment_is_paid_whether_custom_data_comes_back_as_an_object_or_a_string() {
    let shop = Shop::open().await;
    shop.store.set_account(Some(gangnam()));
    for as_string in [false, true] {
        let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
        let text = ticket.custom_data.clone().unwrap_or_default();
        // The sandbox stores an object as its JSON text and keeps a string as it is: a string
        // holding the text is the "serialised twice" reading.
        let sent = if as_string {
            Value::String(serde_json::to_string(&text).unwrap_or_default())
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        };
        let imp = pay_with(&shop, &ticket.merchant_uid, ticket.amount, sent).await;
        let verified =
            complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
        assert!(
            verified
                .as_ref()
                .is_ok_and(|v| v.order.state == OrderState::Paid),
            "the shop's own payment is paid (as string: {as_string}): {verified:?}"
        );
    }
}

#[tokio::test]
async fn an_order_from_before_the_account_was_set_is_not_locked_out() {
    let shop = Shop::open().await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    assert_eq!(ticket.custom_data, None, "no account, no custom_data");
    // The account is set while the order waits for its payment.
    shop.store.set_account(Some(gangnam()));
    let imp = pay_with(&shop, &ticket.merchant_uid, ticket.amount, Value::Null).await;
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert!(
        verified.is_ok_and(|v| v.order.state == OrderState::Paid),
        "an order made before the account was set is verified as before"
    );
}
