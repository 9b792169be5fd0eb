//! The sync engine as the app sees it: a crash of its loop shows in `sync_status` and the loop
//! is started again; the app never reports a dead engine as running.

use serde_json::Value;

use super::{no_args, TestApp};

/// Polls `sync_status` (at most 10 s) until `done` holds; returns that status.
fn status_until(app: &TestApp, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..500 {
        let status: Value = app.ok("sync_status", no_args());
        if done(&status) {
            return status;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status: Value = app.ok("sync_status", no_args());
    panic!("sync_status never showed that {what}: {status}");
}

#[test]
fn sync_status_shows_a_crashed_engine_and_its_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    app.ok::<Value>("sync_now", no_args());
    status_until(&app, "the engine ran a cycle", |s| {
        s["stopped"] == false && !s["lastSuccessAt"].is_null()
    });

    assert!(
        crate::payments::engine::crash_for_test(app.app.handle()),
        "an engine runs to crash"
    );
    let down = status_until(&app, "the crash", |s| s["restarting"] == true);
    assert!(
        down["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("다시 시작")),
        "the status bar's text says the engine crashed and restarts: {down}"
    );
    let up = status_until(&app, "the restart", |s| {
        s["restarts"] == 1 && s["restarting"] == false
    });
    assert_eq!(up["stopped"], false, "the restarted engine runs: {up}");
}
