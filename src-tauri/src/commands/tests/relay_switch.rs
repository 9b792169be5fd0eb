//! 중계 서버 through the commands: the relay's store key goes to its own secrets entry, and a
//! switch from 직접 연결 to the relay is refused while a live order minted without the store's
//! prefix is still open (the relay would answer "not found" for it); nothing is saved then.

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::{json, Value};

use super::{no_args, TestApp};

#[test]
fn a_switch_to_the_relay_with_an_open_direct_order_is_refused_and_saves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live = tauri::async_runtime::block_on(Sandbox::start(SandboxConfig::default()))
        .expect("a stand-in for Iamport");
    let app = TestApp::on(dir.path(), false, &live.base_url());
    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": DEFAULT_IMP_KEY, "impSecret": DEFAULT_IMP_SECRET } }),
    );
    let relay_key: Value = app.ok(
        "set_credentials",
        json!({ "credentials": { "impKey": "relay-key", "impSecret": "relay-secret" }, "relay": true }),
    );
    assert_eq!(relay_key["set"], true, "the relay store key is stored");
    assert!(
        dir.path()
            .join(pos_core::secrets::RELAY_CREDENTIALS_FILE)
            .exists(),
        "in its own secrets entry, beside the REST key"
    );
    let view: Value = app.ok("get_settings", no_args());
    let mut settings = view["settings"].clone();
    settings["mode"] = json!("live");
    settings["merchantCode"] = json!("imp12345678");
    app.ok::<Value>("save_settings", json!({ "settings": settings.clone() }));
    let ticket: Value = app.card_checkout();
    let direct_uid = ticket["merchantUid"].as_str().unwrap_or_default();
    assert!(
        direct_uid.starts_with("order_"),
        "직접 연결 mints bare ids: {direct_uid}"
    );
    settings["relay"] = json!({ "url": "https://relay.example", "uidPrefix": "ab12_" });
    let (code, message) = app.err("save_settings", json!({ "settings": settings }));
    assert_eq!(code, "conflict", "refused: {message}");
    assert!(
        message.contains("중계 서버"),
        "the message says what to do: {message}"
    );
    let after: Value = app.ok("get_settings", no_args());
    assert!(
        after["settings"]["relay"].is_null(),
        "nothing was saved: {}",
        after["settings"]
    );
    tauri::async_runtime::block_on(live.shutdown());
}
