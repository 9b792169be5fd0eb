//! The owner's PIN through real IPC: once set, a guarded command without the right PIN
//! (missing, wrong, or any while locked) is refused with code `pin` and changes nothing; with
//! the right PIN it works. A fresh install has no PIN and asks for none.

use serde_json::{json, Value};

use super::{no_args, TestApp};
use crate::commands::GUARDED_COMMANDS;
use crate::settings_file;

/// The PIN the tests set.
pub const PIN: &str = "2580";

/// Sets [`PIN`] as the owner's PIN on a fresh install.
pub fn set_pin(app: &TestApp) {
    let status: Value = app.ok("set_owner_pin", json!({ "newPin": PIN }));
    assert_eq!(status["set"], true, "the PIN is set: {status}");
}

/// `args` with `pin` added (or left out for `None`).
pub fn with_pin(args: &Value, pin: Option<&str>) -> Value {
    let mut args = args.clone();
    if let (Some(pin), Some(map)) = (pin, args.as_object_mut()) {
        map.insert("pin".into(), json!(pin));
    }
    args
}

/// Calls `command` with `pin` and expects the PIN refusal; returns its message.
pub fn refused(app: &TestApp, command: &str, args: &Value, pin: Option<&str>) -> String {
    let (code, message) = app.err(command, with_pin(args, pin));
    assert_eq!(
        code, "pin",
        "{command} with {pin:?} is refused by the PIN: {message}"
    );
    message
}

fn settings_with_store_name(app: &TestApp, name: &str) -> Value {
    let view: Value = app.ok("get_settings", no_args());
    let mut settings = view["settings"].clone();
    settings["storeName"] = json!(name);
    json!({ "settings": settings })
}

/// One well-formed call of every guarded command. The ids name nothing: the PIN is checked
/// before anything is looked up, so a refusal is `pin`, never `not_found`.
fn guarded_calls(save: &Value) -> Vec<(&'static str, Value)> {
    let calls = vec![
        ("save_settings", save.clone()),
        ("set_credentials", credentials()),
        (
            "refund_order",
            json!({ "merchantUid": "order_x", "amount": null, "reason": "r", "refundAccount": null }),
        ),
        (
            "resume_mismatch_refund",
            json!({ "merchantUid": "order_x", "refundAccount": { "bank": "004", "number": "1234567890", "holder": "김사장" } }),
        ),
        ("cancel_subscription", json!({ "id": "sub_x" })),
        ("card_change_window", json!({ "id": "sub_x" })),
        (
            "change_card",
            json!({ "id": "sub_x", "customerUid": "cust_x" }),
        ),
        ("delete_billing_key", json!({ "customerUid": "cust_x" })),
        ("clear_sandbox_data", json!({})),
        ("set_autostart", json!({ "enabled": false })),
        ("restore_backup", json!({ "path": "/nowhere/pos.sqlite3" })),
        ("choose_backup_folder", json!({ "clear": true })),
        ("install_update", json!({ "version": "0.2.0" })),
    ];
    for command in GUARDED_COMMANDS {
        assert!(
            calls.iter().any(|(name, _)| name == command),
            "the test calls every guarded command, {command} too"
        );
    }
    calls
}

fn credentials() -> Value {
    json!({ "credentials": { "impKey": "owner-key", "impSecret": "owner-secret" } })
}

#[test]
fn a_fresh_install_has_no_pin_and_guarded_commands_ask_for_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let status: Value = app.ok("pin_status", no_args());
    assert_eq!(
        status,
        json!({ "set": false, "triesLeft": 5, "lockedUntil": null }),
        "no PIN, and only these three facts cross IPC"
    );
    let args = settings_with_store_name(&app, "첫 매장");
    let view: Value = app.ok("save_settings", args);
    assert_eq!(
        view["settings"]["storeName"], "첫 매장",
        "saved without a PIN"
    );
}

#[test]
fn settings_and_credentials_need_the_pin_once_it_is_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    set_pin(&app);
    let save = settings_with_store_name(&app, "직원이 바꾼 이름");

    let message = refused(&app, "save_settings", &save, None);
    assert!(message.contains("관리자 PIN을 입력하세요"), "{message}");
    let message = refused(&app, "save_settings", &save, Some("1111"));
    assert!(message.contains("4번 더"), "tries left: {message}");
    assert!(
        !settings_file::path(dir.path()).exists(),
        "settings.json was never written"
    );
    refused(&app, "set_credentials", &credentials(), None);
    refused(&app, "set_credentials", &credentials(), Some("0000"));
    let view: Value = app.ok("get_settings", no_args());
    assert_eq!(view["credentialsSet"], false, "no credentials were stored");
    assert_eq!(view["settings"]["storeName"], "", "settings unchanged");

    let view: Value = app.ok("save_settings", with_pin(&save, Some(PIN)));
    assert_eq!(
        view["settings"]["storeName"], "직원이 바꾼 이름",
        "the right PIN saves"
    );
    assert_eq!(
        settings_file::load(dir.path()).settings.store_name,
        "직원이 바꾼 이름",
        "on disk too"
    );
    let reply: Value = app.ok("set_credentials", with_pin(&credentials(), Some(PIN)));
    assert_eq!(reply, json!({ "set": true }), "the right PIN stores them");
    let status: Value = app.ok("pin_status", no_args());
    assert_eq!(status["triesLeft"], 5, "a right PIN starts the count again");
}

#[test]
fn five_wrong_pins_lock_every_guarded_command_even_with_the_right_pin() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    set_pin(&app);
    let save = settings_with_store_name(&app, "잠금 시험");
    for _ in 0..4 {
        refused(&app, "save_settings", &save, Some("0000"));
    }
    let message = refused(&app, "save_settings", &save, Some("0000"));
    assert!(
        message.contains("잠겼습니다") && message.contains("KST"),
        "the fifth locks, until when in KST: {message}"
    );
    for (command, args) in guarded_calls(&save) {
        let message = refused(&app, command, &args, Some(PIN));
        assert!(message.contains("잠겼습니다"), "{command}: {message}");
    }
    let status: Value = app.ok("pin_status", no_args());
    assert!(
        status["lockedUntil"].is_i64(),
        "the status says until when: {status}"
    );
    assert!(
        !settings_file::path(dir.path()).exists(),
        "nothing was saved while locked"
    );
}

#[test]
fn the_lock_survives_a_restart_of_the_app() {
    let dir = tempfile::tempdir().expect("temp dir");
    let save = {
        let app = TestApp::sandboxed(dir.path());
        set_pin(&app);
        let save = settings_with_store_name(&app, "재시작");
        for _ in 0..5 {
            refused(&app, "save_settings", &save, Some("0000"));
        }
        save
    };
    let restarted = TestApp::sandboxed(dir.path());
    let message = refused(&restarted, "save_settings", &save, Some(PIN));
    assert!(message.contains("잠겼습니다"), "still locked: {message}");
    assert!(
        !settings_file::path(dir.path()).exists(),
        "nothing was saved"
    );
}

#[test]
fn changing_the_pin_needs_the_current_one_and_a_new_pin_must_be_4_to_8_digits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let (code, message) = app.err("set_owner_pin", json!({ "newPin": "12" }));
    assert_eq!(code, "validation", "too short: {message}");
    assert!(message.contains("4~8자리"), "{message}");
    set_pin(&app);

    refused(&app, "set_owner_pin", &json!({ "newPin": "9999" }), None);
    refused(
        &app,
        "set_owner_pin",
        &json!({ "newPin": "9999" }),
        Some("1111"),
    );
    let status: Value = app.ok("set_owner_pin", json!({ "pin": PIN, "newPin": "9999" }));
    assert_eq!(status["set"], true, "changed: {status}");
    let save = settings_with_store_name(&app, "새 PIN");
    refused(&app, "save_settings", &save, Some(PIN));
    app.ok::<Value>("save_settings", with_pin(&save, Some("9999")));
}
