//! 업데이트 확인, 받기 and 설치 through real IPC against a local update host that signs its
//! bundles with a key pair made for the test: an update is offered with its version, notes and
//! date; a downloaded one is verified and kept for the restart; a tampered one, an unreachable
//! host, and a test host in a live shop are each refused, with nothing kept to install.

use e2e::update_host::{Release, UpdateHost};
use serde_json::{json, Value};

use super::{no_args, TestApp};
use crate::updates::test_host::TestHost;

/// Starts `release` on a local host (on Tauri's runtime, which the commands share).
fn host(release: Release) -> UpdateHost {
    tauri::async_runtime::block_on(UpdateHost::start(release)).expect("update host starts")
}

fn pointed_at(host: &UpdateHost) -> TestHost {
    TestHost {
        endpoint: host.manifest_url().parse().expect("manifest url"),
        pubkey: host.pubkey().to_owned(),
    }
}

/// A sandbox-mode app whose updates come from `host`.
fn sandbox_app(dir: &std::path::Path, host: &UpdateHost) -> TestApp {
    TestApp::with_update_host(dir, true, "http://127.0.0.1:9", Some(pointed_at(host)))
}

#[test]
fn a_newer_version_on_the_host_is_offered_with_its_notes_and_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = host(Release::of("0.2.0", 200_000));
    let app = sandbox_app(dir.path(), &host);

    let check: Value = app.ok("check_for_update", no_args());
    assert_eq!(check["currentVersion"], "0.1.0", "the running version");
    assert_eq!(
        check["offer"]["version"], "0.2.0",
        "the newer version: {check}"
    );
    assert_eq!(check["offer"]["notes"], "정산 화면 개선과 안정성 향상");
    assert_eq!(
        check["offer"]["publishedAt"], "2026-11-30T03:00:00Z",
        "the date, as an instant the UI shows in KST"
    );
    assert_eq!(check["offer"]["ready"], false, "not downloaded yet");
    assert_eq!(host.bundle_requests(), 0, "checking downloads nothing");
}

#[test]
fn the_version_already_running_is_no_update() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = host(Release::of("0.1.0", 10_000));
    let app = sandbox_app(dir.path(), &host);

    let check: Value = app.ok("check_for_update", no_args());
    assert_eq!(check["offer"], Value::Null, "nothing newer: {check}");
    let (code, _) = app.err("download_update", json!({ "version": "0.1.0" }));
    assert_eq!(code, "conflict", "nothing offered, nothing to download");
    assert_eq!(host.bundle_requests(), 0, "no download was made");
}

#[test]
fn a_downloaded_update_is_verified_and_kept_for_the_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = host(Release::of("0.2.0", 300_000));
    let app = sandbox_app(dir.path(), &host);
    app.ok::<Value>("check_for_update", no_args());

    let ready: Value = app.ok("download_update", json!({ "version": "0.2.0" }));
    assert_eq!(ready["ready"], true, "signature checked, ready: {ready}");
    assert_eq!(host.bundle_requests(), 1, "downloaded once");
    let check: Value = app.ok("check_for_update", no_args());
    assert_eq!(
        check["offer"]["ready"], true,
        "a second check still knows the verified download"
    );
    // A development build was not installed from a package: 설치 refuses and touches nothing
    // (the real install runs `pkexec dpkg -i`, which a test must not).
    let (code, message) = app.err("install_update", json!({ "version": "0.2.0" }));
    assert_eq!(code, "conflict", "{message}");
    assert!(message.contains("설치 파일로 설치되지 않아"), "{message}");
}

#[test]
fn a_tampered_update_is_refused_and_nothing_is_kept_to_install() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = host(Release {
        tampered: true,
        ..Release::of("0.2.0", 300_000)
    });
    let app = sandbox_app(dir.path(), &host);
    app.ok::<Value>("check_for_update", no_args());

    let (_, message) = app.err("download_update", json!({ "version": "0.2.0" }));
    assert!(
        message.contains("손상되었거나 변조되어 설치하지 않았습니다"),
        "the owner is told the file was altered and not installed: {message}"
    );
    assert_eq!(
        host.bundle_requests(),
        1,
        "the bundle was fetched and refused"
    );
    let (code, message) = app.err("install_update", json!({ "version": "0.2.0" }));
    assert_eq!(code, "conflict", "no verified bytes to install: {message}");
    assert!(
        message.contains("준비가 된 업데이트가 없습니다"),
        "{message}"
    );
}

#[test]
fn an_unreachable_update_host_is_said_to_be_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = host(Release::of("0.2.0", 10_000));
    let target = pointed_at(&host);
    tauri::async_runtime::block_on(host.stop());
    let app = TestApp::with_update_host(dir.path(), true, "http://127.0.0.1:9", Some(target));

    let (code, message) = app.err("check_for_update", no_args());
    assert_eq!(code, "offline", "{message}");
    assert!(
        message.contains("인터넷 연결을 확인"),
        "what to do: {message}"
    );
}

#[test]
fn a_live_shop_never_takes_updates_from_a_test_host() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = host(Release::of("0.2.0", 10_000));
    let mut settings =
        serde_json::to_value(pos_core::settings::Settings::default()).expect("settings serialise");
    settings["mode"] = json!("live");
    settings["merchantCode"] = json!("imp12345678");
    std::fs::write(
        crate::settings_file::path(dir.path()),
        json!({ pos_core::settings::STORE_KEY: settings }).to_string(),
    )
    .expect("settings.json written");
    let app = TestApp::with_update_host(
        dir.path(),
        false,
        "http://127.0.0.1:9",
        Some(pointed_at(&host)),
    );

    // The real host is asked instead (unreachable from a test machine, or answering with its
    // own release); either way the test host's update is never offered.
    let offered = app
        .invoke("check_for_update", no_args())
        .map(|check| check["offer"]["version"].clone());
    assert_ne!(
        offered,
        Ok(json!("0.2.0")),
        "a live shop ignores the test host: {offered:?}"
    );
    let (code, _) = app.err("download_update", json!({ "version": "0.2.0" }));
    assert_eq!(
        code, "conflict",
        "the test host's release was never offered"
    );
    assert_eq!(
        host.bundle_requests(),
        0,
        "the test host was never asked for its bundle"
    );
}

#[test]
fn the_page_cannot_call_the_updater_plugin_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = host(Release::of("0.2.0", 10_000));
    let app = sandbox_app(dir.path(), &host);

    for (command, args) in [
        ("plugin:updater|check", json!({})),
        ("plugin:updater|download_and_install", json!({ "rid": 0 })),
    ] {
        let refusal = app.invoke(command, args).err().map(|e| e.to_string());
        assert!(
            refusal
                .as_deref()
                .is_some_and(|e| e.contains("not allowed")),
            "{command} is in no capability: updates go through the app's commands: {refusal:?}"
        );
    }
    assert_eq!(host.bundle_requests(), 0, "nothing was downloaded");
}
