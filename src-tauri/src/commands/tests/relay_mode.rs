//! The app itself in 중계 서버 mode, through real IPC: saved with a relay in front of the sandbox
//! (the relay holds the real key; the app holds a store key), it takes a payment and syncs a
//! change made at Iamport behind its back, every request going through the relay.

use std::time::Duration;

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use panmusic_relay::testing::TestRelay;
use serde_json::{json, Value};

use super::{no_args, TestApp};

/// POST to the sandbox's control API; its `response`.
fn control(sandbox: &Sandbox, path: &str, body: Value) -> Value {
    let url = format!("{}{path}", sandbox.base_url());
    let reply: Value = tauri::async_runtime::block_on(async {
        reqwest::Client::new()
            .post(&url)
            .json(&body)
            .send()
            .await
            .expect("control call")
            .json()
            .await
            .expect("control reply")
    });
    assert_eq!(reply["code"], 0, "POST {path}: {reply}");
    reply["response"].clone()
}

/// The sandbox as Iamport, and a relay in front of it holding the sandbox's key.
fn sandbox_behind_a_relay() -> (Sandbox, TestRelay) {
    let sandbox = tauri::async_runtime::block_on(Sandbox::start(SandboxConfig::default()))
        .expect("the sandbox as Iamport");
    let relay = tauri::async_runtime::block_on(TestRelay::start(
        &sandbox.base_url(),
        DEFAULT_IMP_KEY,
        DEFAULT_IMP_SECRET,
    ));
    (sandbox, relay)
}

/// The app's settings switched to live through `relay` (중계 서버, with the store's prefix).
fn live_through(app: &TestApp, relay: &TestRelay) -> Value {
    let view: Value = app.ok("get_settings", no_args());
    let mut settings = view["settings"].clone();
    settings["mode"] = json!("live");
    settings["merchantCode"] = json!("imp12345678");
    settings["relay"] = json!({ "url": relay.base_url(), "uidPrefix": relay.store.prefix });
    settings
}

#[test]
fn the_app_in_relay_mode_takes_a_payment_and_syncs_through_the_relay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (sandbox, relay) = sandbox_behind_a_relay();
    // Live calls of 직접 연결 would go nowhere: everything must go through the relay.
    let app = TestApp::on(dir.path(), false, "http://127.0.0.1:9");
    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": relay.store.key, "impSecret": relay.store.secret },
                "relay": true }),
    );
    let settings = live_through(&app, &relay);
    app.ok::<Value>("save_settings", json!({ "settings": settings }));

    let ticket: Value = app.card_checkout();
    let uid = ticket["merchantUid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        uid.starts_with(&relay.store.prefix),
        "the order is minted behind the store's prefix: {ticket}"
    );
    assert_eq!(
        ticket["prepare"]["status"], "registered",
        "the amount was registered with Iamport through the relay: {ticket}"
    );
    let paid = control(
        &sandbox,
        "/__sandbox/payments",
        json!({"merchant_uid": uid, "amount": ticket["amount"], "pay_method": "card",
               "outcome": "paid"}),
    );
    let imp_uid = paid["imp_uid"].as_str().unwrap_or_default().to_owned();
    let verified: Value = app.ok(
        "complete_payment",
        json!({ "merchantUid": uid, "impUid": imp_uid }),
    );
    assert_eq!(
        verified["order"]["state"], "paid",
        "verified as paid through the relay: {verified}"
    );

    // A refund made in the Iamport console: the app learns it by syncing through the relay.
    control(
        &sandbox,
        &format!("/__sandbox/payments/{imp_uid}/cancel"),
        json!({"reason": "콘솔 취소"}),
    );
    tauri::async_runtime::block_on(relay.catch_up());
    let mut state = Value::Null;
    for _ in 0..250 {
        app.ok::<Value>("sync_now", no_args());
        let detail: Value = app.ok("get_order", json!({ "merchantUid": uid }));
        state = detail["order"]["state"].clone();
        if state == "refunded" {
            break;
        }
        std::thread::sleep(Duration::from_millis(40));
    }
    assert_eq!(
        state, "refunded",
        "the sync through the relay saw the refund"
    );
    let status: Value = app.ok("sync_status", no_args());
    assert!(
        status["online"] == true && status["lastError"].is_null(),
        "the engine syncs through the relay: {status}"
    );
    tauri::async_runtime::block_on(relay.stop());
    tauri::async_runtime::block_on(sandbox.shutdown());
}

/// `save_settings` to live through the relay with `credentials`: the error's code and message.
fn refused_switch(app: &TestApp, relay: &TestRelay, credentials: (&str, &str)) -> (String, String) {
    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": credentials.0, "impSecret": credentials.1 },
                "relay": true }),
    );
    let settings = live_through(app, relay);
    app.err("save_settings", json!({ "settings": settings }))
}

#[test]
fn a_store_key_the_relay_refuses_keeps_the_app_in_sandbox_and_saves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (sandbox, relay) = sandbox_behind_a_relay();
    let app = TestApp::on(dir.path(), false, "http://127.0.0.1:9");

    // The store's key with a wrong secret, and Iamport's own key and secret (which the relay
    // holds itself and never takes from a store): each is refused at the gate, as Iamport
    // refuses a wrong secret, and nothing of the switch is saved.
    for (what, credentials) in [
        (
            "the store key with a wrong secret",
            (relay.store.key.as_str(), "wrong-secret"),
        ),
        (
            "Iamport's own key and secret",
            (DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET),
        ),
    ] {
        let (code, message) = refused_switch(&app, &relay, credentials);
        assert_eq!(code, "validation", "{what}: refused credentials: {message}");
        assert!(
            message.contains("거부"),
            "{what}: says they were refused: {message}"
        );
        assert!(
            !message.contains("wrong-secret") && !message.contains(DEFAULT_IMP_SECRET),
            "{what}: no secret in the message: {message}"
        );
        let after: Value = app.ok("get_settings", no_args());
        assert!(
            after["settings"]["mode"] == "sandbox" && after["settings"]["relay"].is_null(),
            "{what}: nothing was saved: {}",
            after["settings"]
        );
        let status: Value = app.ok("app_status", no_args());
        assert_eq!(
            status["mode"], "sandbox",
            "{what}: the app stays in sandbox"
        );
    }

    tauri::async_runtime::block_on(relay.stop());
    tauri::async_runtime::block_on(sandbox.shutdown());
}
