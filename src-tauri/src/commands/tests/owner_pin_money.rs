//! The owner's PIN in front of money: a refund refused by the PIN queues no job and leaves the
//! order paid; a subscription action refused by the PIN leaves the subscription as it was.
//! With the right PIN each goes through to the real flow.

use chrono::Utc;
use pos_core::secrets::{CredentialStore, Credentials, SecretBackend, KEYRING_USER};
use pos_core::settings::{Settings, STORE_KEY};
use pos_core::{NewOrder, OrderPatch, OrderState, PayMethod};
use serde_json::{json, Value};

use super::owner_pin::{refused, set_pin, with_pin, PIN};
use super::{no_args, TestApp};
use crate::settings_file;
use crate::state::PosStateExt;

/// A live-mode app whose Iamport cannot be reached (a refund then waits in the queue), with a
/// paid card order; returns the app and the order's merchant_uid.
fn live_shop_with_a_paid_order(dir: &std::path::Path) -> (TestApp, String) {
    let mut settings = serde_json::to_value(Settings::default()).expect("settings serialise");
    settings["mode"] = json!("live");
    settings["merchantCode"] = json!("imp12345678");
    std::fs::write(
        settings_file::path(dir),
        json!({ STORE_KEY: settings }).to_string(),
    )
    .expect("settings.json written");
    CredentialStore::with_backend(dir, SecretBackend::File, KEYRING_USER)
        .set(&Credentials::new("live-key", "live-secret"))
        .expect("credentials stored");
    // Port 9 on loopback: nothing listens, every request to Iamport fails to connect.
    let app = TestApp::on(dir, false, "http://127.0.0.1:9");
    let store = app.app.pos().store().expect("order book");
    let order = store
        .create_order(&NewOrder {
            plan_id: "pass_1m".into(),
            pay_method: PayMethod::Card,
            buyer_name: None,
            buyer_tel: None,
            buyer_email: None,
        })
        .expect("order created");
    let patch = OrderPatch {
        imp_uid: Some("imp_paid_1".into()),
        paid_at: Some(Utc::now()),
        ..OrderPatch::default()
    };
    store
        .apply_transition(&order, OrderState::Paid, "test_paid", &patch)
        .expect("order paid");
    (app, order.merchant_uid)
}

fn jobs(app: &TestApp) -> Vec<Value> {
    app.ok("list_jobs", no_args())
}

#[test]
fn a_refund_needs_the_pin_and_a_refused_one_queues_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (app, uid) = live_shop_with_a_paid_order(dir.path());
    set_pin(&app);
    let refund =
        json!({ "merchantUid": uid, "amount": null, "reason": "손님 요청", "refundAccount": null });

    refused(&app, "refund_order", &refund, None);
    refused(&app, "refund_order", &refund, Some("1357"));
    let detail: Value = app.ok("get_order", json!({ "merchantUid": uid }));
    assert_eq!(detail["order"]["state"], "paid", "still paid: {detail}");
    assert_eq!(detail["pendingRefund"], Value::Null, "no refund waits");
    assert!(jobs(&app).is_empty(), "no refund job was queued");

    app.ok::<Value>("refund_order", with_pin(&refund, Some(PIN)));
    let queued = jobs(&app);
    assert_eq!(
        queued.len(),
        1,
        "with the right PIN the refund is queued (Iamport is unreachable): {queued:?}"
    );
}

#[test]
fn clearing_sandbox_data_needs_the_pin_and_a_refused_one_deletes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    app.card_checkout();
    set_pin(&app);
    let total = |app: &TestApp| -> Value {
        let page: Value = app.ok("list_orders", json!({ "query": null }));
        page["total"].clone()
    };

    refused(&app, "clear_sandbox_data", &json!({}), None);
    refused(&app, "clear_sandbox_data", &json!({}), Some("0852"));
    assert_eq!(total(&app), 1, "the test order is still there");

    app.ok::<Value>("clear_sandbox_data", with_pin(&json!({}), Some(PIN)));
    assert_eq!(total(&app), 0, "the right PIN clears the sandbox book");
}

#[test]
fn subscription_actions_need_the_pin_and_a_refused_one_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let window: Value = app.ok("start_subscription", json!({ "planId": "sub_monthly" }));
    let id = window["subscriptionId"].as_str().expect("an id").to_owned();
    let customer_uid = window["customerUid"].as_str().expect("a key").to_owned();
    let state_of = |app: &TestApp| -> Value {
        let subs: Vec<Value> = app.ok("list_subscriptions", no_args());
        subs.into_iter()
            .find(|v| v["subscription"]["id"] == id.as_str())
            .map(|v| v["subscription"].clone())
            .expect("the subscription is listed")
    };
    let before = state_of(&app);
    assert_eq!(before["state"], "incomplete", "{before}");
    set_pin(&app);

    let by_id = json!({ "id": id });
    let change = json!({ "id": id, "customerUid": "cust_somebody_else" });
    let delete = json!({ "customerUid": customer_uid });
    for pin in [None, Some("8642")] {
        refused(&app, "cancel_subscription", &by_id, pin);
        refused(&app, "card_change_window", &by_id, pin);
        refused(&app, "change_card", &change, pin);
        refused(&app, "delete_billing_key", &delete, pin);
    }
    assert_eq!(state_of(&app), before, "the subscription is as it was");

    let card_window: Value = app.ok("card_change_window", with_pin(&by_id, Some(PIN)));
    assert_eq!(
        card_window["subscriptionId"],
        id.as_str(),
        "the right PIN opens it"
    );
    let (code, _) = app.err("change_card", with_pin(&change, Some(PIN)));
    assert_ne!(
        code, "pin",
        "the right PIN passes; the key itself is then checked at Iamport"
    );
    let cancelled: Value = app.ok("cancel_subscription", with_pin(&by_id, Some(PIN)));
    assert_eq!(
        cancelled["state"], "cancelled",
        "the right PIN cancels: {cancelled}"
    );
    match app.invoke("delete_billing_key", with_pin(&delete, Some(PIN))) {
        Ok(_) => {}
        Err(error) => assert_ne!(error["code"], "pin", "the right PIN passes: {error}"),
    }
}
