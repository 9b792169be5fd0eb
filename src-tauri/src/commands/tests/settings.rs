use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::{json, Value};

use super::{no_args, TestApp};
use crate::settings_file;

fn fresh_settings(app: &TestApp) -> Value {
    let view: Value = app.ok("get_settings", no_args());
    view["settings"].clone()
}

/// A stand-in for api.iamport.kr: a sandbox that accepts only its default key and secret.
fn fake_live_iamport() -> Sandbox {
    tauri::async_runtime::block_on(Sandbox::start(SandboxConfig::default())).expect("sandbox")
}

#[test]
fn a_fresh_install_has_default_settings_and_no_credentials() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let view: Value = app.ok("get_settings", no_args());
    assert_eq!(view["settings"]["mode"], "sandbox", "sandbox by default");
    assert_eq!(view["settings"]["storeName"], "", "no store name yet");
    assert_eq!(view["credentialsSet"], false, "no credentials yet");
    assert_eq!(view["problem"], Value::Null, "no problem");
}

#[test]
fn saved_settings_land_in_the_store_file_and_load_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let mut settings = fresh_settings(&app);
    settings["storeName"] = json!("행복한 카페");
    settings["businessNumber"] = json!("123-45-67891");
    let view: Value = app.ok("save_settings", json!({ "settings": settings }));
    assert_eq!(
        view["settings"]["storeName"], "행복한 카페",
        "the reply has the saved value"
    );

    let file: Value = serde_json::from_slice(
        &std::fs::read(settings_file::path(dir.path())).expect("settings.json written"),
    )
    .expect("settings.json is JSON");
    assert_eq!(
        file[pos_core::settings::STORE_KEY]["storeName"],
        "행복한 카페",
        "stored under the settings key"
    );
    let again = settings_file::load(dir.path());
    assert_eq!(
        again.settings.store_name, "행복한 카페",
        "a restart reads it back"
    );
    assert_eq!(again.problem, None, "the written file is clean");
}

#[cfg(unix)]
#[test]
fn the_settings_file_is_owner_only_from_its_first_write() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let file = settings_file::path(dir.path());
    assert!(!file.exists(), "no settings file before the first save");
    let mut settings = fresh_settings(&app);
    settings["storeName"] = json!("행복한 카페");
    let _: Value = app.ok("save_settings", json!({ "settings": settings }));
    let mode = std::fs::metadata(&file)
        .map(|m| m.permissions().mode() & 0o777)
        .expect("settings.json written");
    assert_eq!(mode, 0o600, "only the owner can read the settings file");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let _: Value = app.ok("save_settings", json!({ "settings": settings }));
    let mode = std::fs::metadata(&file)
        .map(|m| m.permissions().mode() & 0o777)
        .expect("settings.json written");
    assert_eq!(
        mode, 0o600,
        "a file left readable by others is tightened on save"
    );
}

#[test]
fn a_merchant_code_of_the_wrong_shape_is_a_korean_validation_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let mut settings = fresh_settings(&app);
    settings["merchantCode"] = json!("imp123");
    let (code, message) = app.err("save_settings", json!({ "settings": settings }));
    assert_eq!(code, "validation", "the owner fixes the input");
    assert!(
        message.contains("가맹점 식별코드"),
        "names the field in Korean: {message}"
    );
    assert!(!settings_file::path(dir.path()).exists(), "nothing written");
}

#[test]
fn a_broken_settings_file_gives_defaults_and_a_problem_and_is_kept_until_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = settings_file::path(dir.path());
    std::fs::write(&file, "{ this is not json").expect("write garbage");

    let app = TestApp::sandboxed(dir.path());
    let view: Value = app.ok("get_settings", no_args());
    assert_eq!(view["settings"]["mode"], "sandbox", "safe defaults");
    let problem = view["problem"].as_str().unwrap_or_default();
    assert!(!problem.is_empty(), "the problem is reported: {view}");
    let status: Value = app.ok("app_status", no_args());
    assert_eq!(
        status["settingsProblem"], problem,
        "the status bar knows too"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("file kept"),
        "{ this is not json",
        "the broken file is left alone"
    );

    let mut settings = view["settings"].clone();
    settings["storeName"] = json!("새 매장");
    let saved: Value = app.ok("save_settings", json!({ "settings": settings }));
    assert_eq!(saved["problem"], Value::Null, "saving clears the problem");
    assert_eq!(
        std::fs::read_to_string(settings_file::broken_copy_path(dir.path())).expect("copy kept"),
        "{ this is not json",
        "the broken file is kept aside"
    );
    assert_eq!(
        settings_file::load(dir.path()).settings.store_name,
        "새 매장",
        "new file"
    );
}

#[test]
fn credentials_are_write_only_and_must_be_complete() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let (code, _) = app.err(
        "set_credentials",
        json!({ "credentials": { "impKey": "  ", "impSecret": "s" } }),
    );
    assert_eq!(code, "validation", "a blank key is refused");

    let reply = app
        .invoke(
            "set_credentials",
            json!({ "credentials": { "impKey": "my-key", "impSecret": "my-very-secret" } }),
        )
        .expect("stored");
    assert_eq!(
        reply,
        json!({ "set": true }),
        "the reply says only that they are set"
    );
    let view: Value = app.ok("get_settings", no_args());
    assert_eq!(view["credentialsSet"], true, "settings say 설정됨");
    let everything = format!("{view}{}", app.ok::<Value>("app_status", no_args()));
    assert!(
        !everything.contains("my-very-secret"),
        "the secret never comes back"
    );
}

#[test]
fn live_mode_needs_credentials_that_iamport_accepts() {
    let live = fake_live_iamport();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::on(dir.path(), false, &live.base_url());
    let mut settings = fresh_settings(&app);
    settings["mode"] = json!("live");

    let (code, message) = app.err("save_settings", json!({ "settings": settings.clone() }));
    assert_eq!(code, "validation", "no merchant code");
    assert!(message.contains("가맹점 식별코드"), "{message}");

    settings["merchantCode"] = json!("imp12345678");
    let (code, message) = app.err("save_settings", json!({ "settings": settings.clone() }));
    assert_eq!(code, "validation", "no credentials");
    assert!(message.contains("REST API 키"), "{message}");

    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": DEFAULT_IMP_KEY, "impSecret": "wrong-secret" } }),
    );
    let (code, message) = app.err("save_settings", json!({ "settings": settings.clone() }));
    assert_eq!(code, "validation", "refused credentials");
    assert!(
        message.contains("거부"),
        "says Iamport refused them: {message}"
    );
    assert!(
        !message.contains("wrong-secret"),
        "no secret in the message"
    );

    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": DEFAULT_IMP_KEY, "impSecret": DEFAULT_IMP_SECRET } }),
    );
    let view: Value = app.ok("save_settings", json!({ "settings": settings }));
    assert_eq!(
        view["settings"]["mode"], "live",
        "accepted credentials switch to live"
    );
    let status: Value = app.ok("app_status", no_args());
    assert_eq!(status["mode"], "live", "the app runs live now");
    assert_eq!(
        status["sdkUrl"],
        crate::status::LIVE_SDK_URL,
        "the CDN SDK in live mode"
    );
}

#[test]
fn an_unreachable_iamport_is_reported_as_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    let app = TestApp::on(dir.path(), false, "http://127.0.0.1:9");
    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": "k", "impSecret": "s" } }),
    );
    let mut settings = fresh_settings(&app);
    settings["mode"] = json!("live");
    settings["merchantCode"] = json!("imp12345678");
    let (code, message) = app.err("save_settings", json!({ "settings": settings }));
    assert_eq!(code, "offline", "the UI shows the offline advice");
    assert!(message.contains("인터넷 연결"), "{message}");
    let status: Value = app.ok("app_status", no_args());
    assert_eq!(status["online"], false, "the status bar shows 오프라인");
    assert_eq!(status["mode"], "sandbox", "still in sandbox mode");
}

/// A stand-in for Iamport during an outage: every request gets a 503 with Iamport's envelope.
fn iamport_in_an_outage() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let body = r#"{"code":-1,"message":"서비스 점검 중","response":null}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

#[test]
fn switching_to_live_while_iamport_is_down_says_so_and_stays_in_sandbox() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::on(dir.path(), false, &iamport_in_an_outage());
    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": "k", "impSecret": "s" } }),
    );
    let mut settings = fresh_settings(&app);
    settings["mode"] = json!("live");
    settings["merchantCode"] = json!("imp12345678");
    let (_, message) = app.err("save_settings", json!({ "settings": settings }));
    assert!(
        message.contains("아임포트 서버가 응답하지 않아"),
        "an outage is named as Iamport's, not the owner's internet or key: {message}"
    );
    assert!(
        !message.contains("인터넷") && !message.contains("거부"),
        "one cause only: {message}"
    );
    let status: Value = app.ok("app_status", no_args());
    assert_eq!(status["mode"], "sandbox", "still in sandbox mode");
    assert_eq!(
        status["online"], true,
        "the internet works: not shown as 오프라인"
    );
}

#[test]
fn each_failed_switch_to_live_names_one_cause() {
    let live = fake_live_iamport();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::on(dir.path(), false, &live.base_url());
    app.ok::<Value>(
        "set_credentials",
        json!({ "credentials": { "impKey": DEFAULT_IMP_KEY, "impSecret": "wrong-secret" } }),
    );
    let mut settings = fresh_settings(&app);
    settings["mode"] = json!("live");
    settings["merchantCode"] = json!("imp12345678");
    let (_, refused) = app.err("save_settings", json!({ "settings": settings.clone() }));
    assert!(
        refused.contains("거부") && !refused.contains("인터넷") && !refused.contains("응답하지"),
        "a wrong key or secret is only that: {refused}"
    );
    let offline = TestApp::on(dir.path(), false, "http://127.0.0.1:9");
    let (_, unreachable) = offline.err("save_settings", json!({ "settings": settings }));
    assert!(
        unreachable.contains("인터넷")
            && !unreachable.contains("거부")
            && !unreachable.contains("응답하지"),
        "no connection is only that: {unreachable}"
    );
}
