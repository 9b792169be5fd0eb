//! Checkout, order and sync commands through real IPC: bad input is a clear error and changes
//! nothing; the amount always comes from the catalog.

use serde_json::{json, Value};

use super::{no_args, TestApp};
use crate::state::PosStateExt;

fn order_count(app: &TestApp) -> i64 {
    let page: Value = app.ok("list_orders", json!({ "query": null }));
    page["total"].as_i64().unwrap_or(-1)
}

#[test]
fn start_checkout_fixes_the_catalog_amount_whatever_the_webview_adds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let ticket: Value = app.ok(
        "start_checkout",
        json!({ "planId": "pass_1m", "payMethod": "card", "amount": 1 }),
    );
    assert_eq!(
        ticket["amount"], 9_900,
        "the price from the catalog: {ticket}"
    );
    assert!(
        ticket["merchantUid"]
            .as_str()
            .is_some_and(|uid| uid.starts_with("order_")),
        "a fresh merchant_uid: {ticket}"
    );
    assert!(
        ticket["sdkUrl"]
            .as_str()
            .is_some_and(|url| url.starts_with("http://127.0.0.1:")),
        "the sandbox SDK: {ticket}"
    );
    let uid = ticket["merchantUid"].as_str().unwrap_or_default();
    let detail: Value = app.ok("get_order", json!({ "merchantUid": uid }));
    assert_eq!(
        detail["order"]["state"], "awaiting_payment",
        "the window is open: the sync engine watches the order"
    );
    let retry: Value = app.ok("retry_checkout", json!({ "merchantUid": uid }));
    assert_eq!(retry["merchantUid"], uid, "a retry reuses the merchant_uid");
    assert_eq!(order_count(&app), 1, "a retry creates no order");
}

#[test]
fn bad_checkout_input_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let (code, message) = app.err(
        "start_checkout",
        json!({ "planId": "pass_1m", "payMethod": "bitcoin" }),
    );
    assert_eq!(code, "validation", "an unknown pay method: {message}");
    assert!(
        message.contains("결제 수단"),
        "says what is wrong: {message}"
    );
    let (code, message) = app.err(
        "start_checkout",
        json!({ "planId": "pass_99y", "payMethod": "card" }),
    );
    assert_eq!(code, "not_found", "an unknown plan: {message}");
    let (code, message) = app.err(
        "start_checkout",
        json!({ "planId": "sub_monthly", "payMethod": "card" }),
    );
    assert_eq!(
        code, "validation",
        "a subscription is not a pass: {message}"
    );
    assert_eq!(order_count(&app), 0, "nothing was written");
}

#[test]
fn unknown_orders_and_unpaid_refunds_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let (code, _) = app.err(
        "complete_payment",
        json!({ "merchantUid": "order_nope", "impUid": "imp_1" }),
    );
    assert_eq!(code, "not_found", "verification of an unknown order");
    let (code, _) = app.err("get_order", json!({ "merchantUid": "order_nope" }));
    assert_eq!(code, "not_found", "an unknown order's page");

    let ticket: Value = app.card_checkout();
    let uid = ticket["merchantUid"].as_str().unwrap_or_default();
    let (code, message) = app.err(
        "refund_order",
        json!({ "merchantUid": uid, "amount": "삼천원", "reason": "test" }),
    );
    assert_eq!(code, "validation", "text where a number belongs: {message}");
    let (code, message) = app.err(
        "refund_order",
        json!({ "merchantUid": uid, "amount": 1000, "reason": "test" }),
    );
    assert_eq!(
        code, "conflict",
        "an unpaid order cannot be refunded: {message}"
    );
    let (code, _) = app.err("open_receipt", json!({ "merchantUid": uid }));
    assert_eq!(code, "not_found", "no receipt before payment");
    let detail: Value = app.ok("get_order", json!({ "merchantUid": uid }));
    assert_eq!(detail["pendingRefund"], Value::Null, "no refund was queued");
}

#[test]
fn sync_status_starts_the_engine_once_the_sandbox_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::on(dir.path(), true, "http://127.0.0.1:9");
    let status: Value = app.ok("sync_status", no_args());
    assert_eq!(
        status["stopped"], true,
        "no sandbox yet, no engine: {status}"
    );
    assert!(
        status["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("SANDBOX")),
        "says why: {status}"
    );
    assert_eq!(status["queueLen"], 0, "the queue is still shown: {status}");

    tauri::async_runtime::block_on(app.app.pos().sandbox.ensure_started(dir.path()))
        .expect("sandbox starts");
    let status: Value = app.ok("sync_status", no_args());
    assert_eq!(status["stopped"], false, "the engine follows: {status}");
    assert!(
        status["leaseHolder"]
            .as_str()
            .is_some_and(|h| h.starts_with("app")),
        "the app holds the lease: {status}"
    );
    let jobs: Vec<Value> = app.ok("list_jobs", no_args());
    assert!(jobs.is_empty(), "no jobs");
    let (code, _) = app.err("retry_job", json!({ "id": 42 }));
    assert_eq!(code, "not_found", "an unknown job");
}

#[test]
fn open_receipt_refuses_an_address_that_is_not_https() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let ticket: Value = app.card_checkout();
    let uid = ticket["merchantUid"].as_str().unwrap_or_default();
    let store = app.app.pos().store().expect("store").clone();
    // What a hostile or broken Iamport reply would leave in the timeline.
    for hostile in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://receipts.example.com/r/1",
        "panmusic://settings",
    ] {
        let order = store.order(uid).expect("order");
        store
            .apply_transition(
                &order,
                order.state,
                "payment_refreshed",
                &pos_core::store::OrderPatch {
                    detail: Some(json!({ pos_core::checkout::RECEIPT_URL_KEY: hostile })),
                    ..pos_core::store::OrderPatch::default()
                },
            )
            .expect("recorded");
        let (code, message) = app.err("open_receipt", json!({ "merchantUid": uid }));
        assert_eq!(code, "not_found", "{hostile} is not opened: {message}");
        let detail: Value = app.ok("get_order", json!({ "merchantUid": uid }));
        assert_eq!(
            detail["receiptUrl"],
            Value::Null,
            "{hostile} is not offered as a receipt link"
        );
    }
}

#[test]
fn abandon_order_gives_up_an_unpaid_order_once_and_refuses_it_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let ticket: Value = app.card_checkout();
    let uid = ticket["merchantUid"].as_str().unwrap_or_default();
    let outcome: Value = app.ok("abandon_order", json!({ "merchantUid": uid }));
    assert_eq!(outcome["status"], "done", "given up at once: {outcome}");
    assert_eq!(
        outcome["order"]["state"], "abandoned",
        "the order is given up: {outcome}"
    );
    let (code, message) = app.err("abandon_order", json!({ "merchantUid": uid }));
    assert_eq!(
        code, "conflict",
        "a given-up order cannot be given up again"
    );
    assert!(
        message.contains("취소할 수 없습니다"),
        "says why in Korean: {message}"
    );
    let (code, _) = app.err(
        "abandon_order",
        json!({ "merchantUid": "order_does_not_exist" }),
    );
    assert_eq!(code, "not_found", "an unknown order");
    let retry: Value = app.ok("retry_checkout", json!({ "merchantUid": uid }));
    assert_eq!(
        retry["merchantUid"], uid,
        "a given-up order can still be paid later with the same merchant_uid"
    );
}
