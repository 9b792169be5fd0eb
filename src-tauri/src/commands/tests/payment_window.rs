//! The payment window through the mock runtime with the real capability file: Rust opens it for
//! a checkout, one at a time, and nothing in it can call a command.

use serde_json::{json, Value};
use tauri::{WebviewUrl, WebviewWindowBuilder};

use super::{invoke_in, no_args, TestApp};
use crate::paywindow::PAYMENT_WINDOW;

#[test]
fn a_window_labelled_as_the_payment_window_is_refused_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let label = format!("{PAYMENT_WINDOW}-7");
    let payment = WebviewWindowBuilder::new(&app.app, label, WebviewUrl::App("pay.html".into()))
        .build()
        .expect("a payment window builds");
    let attack =
        json!({ "credentials": { "impKey": "attacker_key", "impSecret": "attacker_secret" } });
    for (command, args) in [
        ("set_credentials", attack),
        ("save_settings", json!({ "settings": {} })),
        ("app_status", no_args()),
        (
            "complete_payment",
            json!({ "merchantUid": "order_x", "impUid": null }),
        ),
        (
            "plugin:event|listen",
            json!({ "event": "payment-result", "target": { "kind": "Any" }, "handler": 0 }),
        ),
    ] {
        let refused = invoke_in(&payment, command, args);
        let message = refused
            .as_ref()
            .err()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        assert!(
            message.contains("not allowed"),
            "{command} from the payment window is refused by the ACL, got {refused:?}"
        );
    }
    let settings: Value = app.ok("get_settings", no_args());
    assert_eq!(
        settings["credentialsSet"], false,
        "the refused call stored nothing: {settings}"
    );
}

/// The order the payment window open now pays, read from its page's URL.
fn window_order(app: &TestApp) -> Value {
    let window = crate::paywindow::current(app.app.handle()).expect("a payment window is open");
    assert!(
        window.label().starts_with("payment-"),
        "a payment window's label: {}",
        window.label()
    );
    let url = window.url().expect("its URL");
    assert_eq!(url.path(), "/pay.html", "the local payment page: {url}");
    let request: Value = url
        .query_pairs()
        .find(|(k, _)| k == "request")
        .and_then(|(_, v)| serde_json::from_str(&v).ok())
        .expect("the request is in the query");
    request["params"].clone()
}

/// The owner closes the card-registration window of `ticket` (a `start_subscription` reply),
/// the one open. The mock runtime sends no `Destroyed`: what the window was opened for is
/// taken and handed to what the window's close handler runs.
fn registration_window_closed(app: &TestApp, ticket: &Value) {
    let purpose = crate::paywindow::take_open(app.app.handle()).expect("a payment window is open");
    assert_eq!(
        purpose.merchant_uid(),
        ticket["merchantUid"].as_str().unwrap_or_default(),
        "the window open is the registration's"
    );
    tauri::async_runtime::block_on(crate::paywindow::result::closed(app.app.handle(), purpose));
}

#[test]
fn checkout_opens_a_payment_window_for_the_order_rust_made() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let ticket: Value = app.card_checkout();
    let params = window_order(&app);
    assert_eq!(
        params["merchant_uid"], ticket["merchantUid"],
        "the window pays the order Rust made: {params}"
    );
    assert_eq!(params["amount"], 9_900, "at the catalog price");

    let second: Value = app.ok(
        "start_checkout",
        json!({ "planId": "pass_3m", "payMethod": "card" }),
    );
    assert_eq!(
        window_order(&app)["merchant_uid"],
        second["merchantUid"],
        "one window at a time: the new one replaced the first"
    );
}

#[test]
fn a_closed_card_registration_window_leaves_the_subscription_incomplete_as_등록_취소_and_subscribing_again_reopens_it(
) {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let first: Value = app.ok("start_subscription", json!({ "planId": "sub_monthly" }));
    assert!(
        crate::paywindow::current(app.app.handle()).is_some(),
        "the billing window is open"
    );
    registration_window_closed(&app, &first);

    let views: Vec<Value> = app.ok("list_subscriptions", no_args());
    assert_eq!(views.len(), 1, "one subscription, listed: {views:?}");
    let sub = &views[0]["subscription"];
    assert_eq!(sub["state"], "incomplete", "still incomplete: {sub}");
    assert_eq!(
        sub["lastFailureReason"], "등록 취소",
        "Rust recorded the closed window where it handles the close: {sub}"
    );

    let again: Value = app.ok("start_subscription", json!({ "planId": "sub_monthly" }));
    assert_eq!(
        (&again["subscriptionId"], &again["merchantUid"]),
        (&first["subscriptionId"], &first["merchantUid"]),
        "구독하기 is not refused: it reopens the same registration and billing order"
    );
    // The reopened window is open, so the registration is 확인 중 until that window ends too
    // (다시 등록 is refused while it might complete at Iamport); the owner closes it.
    registration_window_closed(&app, &first);
    let reopened: Value = app.ok(
        "reopen_subscription",
        json!({ "id": first["subscriptionId"] }),
    );
    assert_eq!(
        reopened["merchantUid"], first["merchantUid"],
        "다시 등록 opens the same billing order's window"
    );
    assert_eq!(
        window_order(&app)["merchant_uid"],
        first["merchantUid"],
        "the window open now is the registration's"
    );
}
