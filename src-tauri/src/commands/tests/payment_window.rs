//! The payment window through the mock runtime with the real capability file: Rust opens it for
//! a checkout, one at a time, and nothing in it can call a command.

use serde_json::{json, Value};
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

use super::{invoke_in, no_args, TestApp};
use crate::paywindow::PAYMENT_WINDOW;

#[test]
fn a_window_labelled_as_the_payment_window_is_refused_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let payment =
        WebviewWindowBuilder::new(&app.app, PAYMENT_WINDOW, WebviewUrl::App("pay.html".into()))
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

#[test]
fn checkout_opens_the_payment_window_one_at_a_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let ticket: Value = app.ok(
        "start_checkout",
        json!({ "planId": "pass_1m", "payMethod": "card" }),
    );
    assert!(app.payment_window_open(), "Rust opened the payment window");
    let (code, message) = app.err(
        "start_checkout",
        json!({ "planId": "pass_3m", "payMethod": "card" }),
    );
    assert_eq!(code, "conflict", "a second window is refused: {message}");
    assert!(
        message.contains("결제창이 이미 열려"),
        "says why: {message}"
    );
    let (code, _) = app.err("start_subscription", json!({ "planId": "sub_monthly" }));
    assert_eq!(code, "conflict", "a billing window too");
    let page: Value = app.ok("list_orders", json!({ "query": null }));
    assert_eq!(
        page["total"], 1,
        "the refused checkout wrote nothing: {page}"
    );

    let window = app
        .app
        .get_webview_window(PAYMENT_WINDOW)
        .expect("the payment window");
    let url = window.url().expect("its URL");
    assert_eq!(url.path(), "/pay.html", "the local payment page: {url}");
    let request: Value = url
        .query_pairs()
        .find(|(k, _)| k == "request")
        .and_then(|(_, v)| serde_json::from_str(&v).ok())
        .expect("the request is in the query");
    assert_eq!(
        request["params"]["merchant_uid"], ticket["merchantUid"],
        "the window pays the order Rust made: {request}"
    );
    assert_eq!(request["params"]["amount"], 9_900, "at the catalog price");
}
