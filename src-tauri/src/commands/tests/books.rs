//! Live and sandbox never share a ledger, through the commands: a mode switch swaps the book,
//! the client, the engine and the sandbox; a sandbox payment never settles a live order; a
//! broken settings file never moves a store with live data into sandbox mode; 테스트 데이터
//! 지우기 empties the sandbox book only.

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::{json, Value};

use super::{no_args, TestApp};
use crate::settings_file;
use crate::state::PosStateExt;

/// A stand-in for api.iamport.kr: a sandbox that accepts only its default key and secret.
fn fake_live_iamport() -> Sandbox {
    tauri::async_runtime::block_on(Sandbox::start(SandboxConfig::default())).expect("sandbox")
}

/// The app on `dir`, switched to live mode against `live`.
fn live_app(dir: &std::path::Path, live: &Sandbox) -> TestApp {
    let app = TestApp::on(dir, false, &live.base_url());
    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": DEFAULT_IMP_KEY, "impSecret": DEFAULT_IMP_SECRET } }),
    );
    switch(&app, "live");
    app
}

/// Saves the current settings with `mode` (and the merchant code live mode needs).
fn switch(app: &TestApp, mode: &str) {
    let view: Value = app.ok("get_settings", no_args());
    let mut settings = view["settings"].clone();
    settings["mode"] = json!(mode);
    settings["merchantCode"] = json!("imp12345678");
    let saved: Value = app.ok("save_settings", json!({ "settings": settings }));
    assert_eq!(saved["settings"]["mode"], mode, "saved in {mode} mode");
    let status: Value = app.ok("app_status", no_args());
    assert_eq!(
        status["mode"], mode,
        "the app runs in {mode} mode: {status}"
    );
}

/// A live order with its payment window opened: (merchant_uid, amount).
fn live_order(app: &TestApp) -> (String, i64) {
    let ticket: Value = app.card_checkout();
    (
        ticket["merchantUid"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        ticket["amount"].as_i64().unwrap_or_default(),
    )
}

/// A paid payment for `merchant_uid` and `amount` at the app's sandbox at `base` (through its
/// control API, with the app's control token); its imp_uid.
fn paid_at(app: &TestApp, base: &str, merchant_uid: &str, amount: i64) -> String {
    let token = app.app.pos().sandbox.control_token().unwrap_or_default();
    tauri::async_runtime::block_on(async {
        let reply: Value = reqwest::Client::new()
            .post(format!("{base}/__sandbox/payments"))
            .header(iamport_sandbox::CONTROL_TOKEN_HEADER, token)
            .json(&json!({"merchant_uid": merchant_uid, "amount": amount, "pay_method": "card", "outcome": "paid"}))
            .send()
            .await
            .expect("the sandbox answers")
            .json()
            .await
            .expect("JSON reply");
        assert_eq!(reply["code"], 0, "the sandbox paid: {reply}");
        reply["response"]["imp_uid"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    })
}

fn order_state(app: &TestApp, merchant_uid: &str) -> Value {
    let detail: Value = app.ok("get_order", json!({ "merchantUid": merchant_uid }));
    detail["order"].clone()
}

fn sandbox_base(app: &TestApp) -> String {
    let status: Value = app.ok("app_status", no_args());
    status["sandbox"]["baseUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("the sandbox runs: {status}"))
        .to_owned()
}

/// Waits (a bounded while) for the engine to finish a cycle after 지금 동기화.
fn sync_cycle(app: &TestApp) {
    let before: Value = app.ok("sync_status", no_args());
    app.ok::<Value>("sync_now", no_args());
    for _ in 0..100 {
        let now: Value = app.ok("sync_status", no_args());
        if now["stopped"] == false && now["lastSuccessAt"] != before["lastSuccessAt"] {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let now: Value = app.ok("sync_status", no_args());
    panic!("no sync cycle finished: {now}");
}

#[test]
fn a_sandbox_payment_never_settles_a_live_order_through_any_command() {
    let live = fake_live_iamport();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = live_app(dir.path(), &live);
    let (uid, amount) = live_order(&app);

    switch(&app, "sandbox");
    let sandbox = sandbox_base(&app);
    assert_ne!(sandbox, live.base_url(), "two different Iamports");
    let fake_imp = paid_at(&app, &sandbox, &uid, amount);

    let (code, _) = app.err(
        "complete_payment",
        json!({ "merchantUid": uid, "impUid": fake_imp }),
    );
    assert_eq!(code, "not_found", "window callback: no such order here");
    let (code, _) = app.err(
        "complete_payment",
        json!({ "merchantUid": uid, "impUid": null }),
    );
    assert_eq!(code, "not_found", "callback without imp_uid");
    let (code, _) = app.err("retry_checkout", json!({ "merchantUid": uid }));
    assert_eq!(code, "not_found", "no sandbox window for a live order");
    let (code, _) = app.err("get_order", json!({ "merchantUid": uid }));
    assert_eq!(
        code, "not_found",
        "the live order is not in the sandbox book"
    );
    // The payment window's return (its callback and PG redirects arrive this way).
    tauri::async_runtime::block_on(crate::paywindow::result::returned(
        app.app.handle(),
        crate::paywindow::Purpose::Checkout {
            merchant_uid: uid.clone(),
        },
        Some(pos_core::checkout::RedirectParams {
            merchant_uid: uid.clone(),
            imp_uid: Some(fake_imp.clone()),
            error_msg: None,
        }),
    ));
    sync_cycle(&app);

    switch(&app, "live");
    let refused = app.invoke(
        "complete_payment",
        json!({ "merchantUid": uid, "impUid": fake_imp }),
    );
    assert!(
        refused
            .as_ref()
            .map_or(true, |v| v["order"]["state"] != "paid"),
        "the live Iamport never saw that payment: {refused:?}"
    );
    sync_cycle(&app);
    let order = order_state(&app, &uid);
    assert_eq!(order["state"], "awaiting_payment", "still unpaid: {order}");
    assert_eq!(order["impUid"], Value::Null, "no payment attached: {order}");
    let gone = tauri::async_runtime::block_on(
        reqwest::Client::new()
            .get(format!("{sandbox}/__sandbox/stats"))
            .send(),
    );
    assert!(
        gone.is_err(),
        "leaving sandbox mode stopped the sandbox: {gone:?}"
    );
}

#[test]
fn the_sandbox_flag_opens_the_sandbox_book_and_never_the_live_orders() {
    let live = fake_live_iamport();
    let dir = tempfile::tempdir().expect("temp dir");
    let (uid, amount) = {
        let app = live_app(dir.path(), &live);
        let order = live_order(&app);
        tauri::async_runtime::block_on(crate::payments::engine::stop(app.app.handle()));
        order
    };
    let app = TestApp::on(dir.path(), true, &live.base_url());
    tauri::async_runtime::block_on(app.app.pos().sandbox.ensure_started(dir.path()))
        .expect("sandbox starts");
    let fake_imp = paid_at(&app, &sandbox_base(&app), &uid, amount);
    let (code, _) = app.err(
        "complete_payment",
        json!({ "merchantUid": uid, "impUid": fake_imp }),
    );
    assert_eq!(code, "not_found", "--sandbox cannot reach the live order");
    let page: Value = app.ok("list_orders", json!({ "query": null }));
    assert_eq!(page["total"], 0, "the sandbox book is empty: {page}");
}

#[test]
fn a_broken_settings_file_never_moves_a_store_with_live_data_into_sandbox_mode() {
    let live = fake_live_iamport();
    let dir = tempfile::tempdir().expect("temp dir");
    let uid = {
        let app = live_app(dir.path(), &live);
        let (uid, _) = live_order(&app);
        tauri::async_runtime::block_on(crate::payments::engine::stop(app.app.handle()));
        uid
    };
    std::fs::write(settings_file::path(dir.path()), "{ broken").expect("break the file");

    let app = TestApp::on(dir.path(), false, &live.base_url());
    let status: Value = app.ok("app_status", no_args());
    assert_eq!(status["modeHeld"], true, "no mode in effect: {status}");
    assert_eq!(status["sandbox"], Value::Null, "no sandbox: {status}");
    assert!(
        status["settingsProblem"]
            .as_str()
            .is_some_and(|p| p.contains("실제 결제 기록")),
        "says why, in Korean: {status}"
    );
    assert_eq!(status["storeProblem"], Value::Null, "not a start-up error");
    for (command, args) in [
        ("list_plans", no_args()),
        (
            "start_checkout",
            json!({ "planId": "pass_1m", "payMethod": "card" }),
        ),
        ("get_order", json!({ "merchantUid": uid })),
    ] {
        let (code, message) = app.err(command, args);
        assert_eq!(code, "conflict", "{command} waits for the owner: {message}");
        assert!(
            message.contains("설정"),
            "{command} says what to do: {message}"
        );
    }

    let view: Value = app.ok("get_settings", no_args());
    assert_eq!(
        view["settings"]["mode"], "live",
        "the form offers live mode, not a quiet sandbox: {view}"
    );
    let mut careless = view["settings"].clone();
    careless["merchantCode"] = Value::Null;
    let (code, _) = app.err("save_settings", json!({ "settings": careless }));
    assert_eq!(
        code, "validation",
        "saving as shown asks for the merchant code"
    );
    assert_eq!(
        app.ok::<Value>("app_status", no_args())["modeHeld"],
        true,
        "still held"
    );

    switch(&app, "sandbox");
    let page: Value = app.ok("list_orders", json!({ "query": null }));
    assert_eq!(page["total"], 0, "the owner chose the sandbox book: {page}");
    switch(&app, "live");
    assert_eq!(
        order_state(&app, &uid)["state"],
        "awaiting_payment",
        "the live order waited untouched"
    );
}

#[test]
fn clearing_sandbox_data_empties_the_sandbox_book_and_keeps_the_live_one() {
    let live = fake_live_iamport();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = live_app(dir.path(), &live);
    let (live_uid, _) = live_order(&app);

    switch(&app, "sandbox");
    let (test_uid, amount) = live_order(&app);
    let imp = paid_at(&app, &sandbox_base(&app), &test_uid, amount);
    let verified: Value = app.ok(
        "complete_payment",
        json!({ "merchantUid": test_uid, "impUid": imp }),
    );
    assert_eq!(verified["order"]["state"], "paid", "a paid test order");

    app.ok::<Value>("clear_sandbox_data", no_args());
    let page: Value = app.ok("list_orders", json!({ "query": null }));
    assert_eq!(page["total"], 0, "the sandbox book is empty: {page}");
    let (code, _) = app.err("get_order", json!({ "merchantUid": test_uid }));
    assert_eq!(code, "not_found", "the test order is gone");
    assert!(
        !pos_core::store::sandbox_state_path(dir.path()).exists()
            || std::fs::read_to_string(pos_core::store::sandbox_state_path(dir.path()))
                .is_ok_and(|state| !state.contains(&imp)),
        "the sandbox's saved payments are gone"
    );
    sandbox_base(&app);

    switch(&app, "live");
    app.ok::<Value>("clear_sandbox_data", no_args());
    assert_eq!(
        order_state(&app, &live_uid)["state"],
        "awaiting_payment",
        "the live order is untouched"
    );
    let page: Value = app.ok("list_orders", json!({ "query": null }));
    assert_eq!(page["total"], 1, "only the live order: {page}");
}
