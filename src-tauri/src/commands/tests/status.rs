use serde_json::Value;

use super::{no_args, TestApp};

#[test]
fn list_plans_returns_the_catalog_with_prices_in_won() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let plans: Vec<Value> = app.ok("list_plans", no_args());
    let summary: Vec<(String, i64, String)> = plans
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap_or_default().to_owned(),
                p["price"].as_i64().unwrap_or_default(),
                p["kind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("pass_1m".to_owned(), 9_900, "pass".to_owned()),
            ("pass_3m".to_owned(), 27_000, "pass".to_owned()),
            ("sub_monthly".to_owned(), 9_900, "subscription".to_owned()),
        ],
        "the seeded catalog, in display order, prices as integer won"
    );
    assert_eq!(plans[0]["nameKo"], "1개월 이용권", "camelCase Korean name");
}

#[test]
fn app_status_in_sandbox_mode_reports_the_loopback_sandbox_and_an_empty_queue() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let status: Value = app.ok("app_status", no_args());
    assert_eq!(
        status["mode"], "sandbox",
        "fresh install is in sandbox mode"
    );
    let base = status["sandbox"]["baseUrl"].as_str().unwrap_or_default();
    assert!(
        base.starts_with("http://127.0.0.1:"),
        "sandbox on loopback: {status}"
    );
    assert_eq!(
        status["sdkUrl"], status["sandbox"]["sdkUrl"],
        "the SDK comes from the sandbox"
    );
    assert_eq!(status["online"], true, "online");
    assert_eq!(status["queue"]["pending"], 0, "nothing queued");
    assert_eq!(status["storeProblem"], Value::Null, "the store opened");
    assert_eq!(
        status["settingsProblem"],
        Value::Null,
        "no settings file is fine"
    );
    assert_eq!(
        status["dataDir"].as_str(),
        dir.path().to_str(),
        "the data dir given on the command line"
    );
}

#[test]
fn a_corrupt_database_is_reported_in_korean_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join(pos_core::store::DB_FILE);
    let garbage = b"this is not a SQLite database, it is a shopping list".repeat(100);
    std::fs::write(&db, &garbage).expect("write garbage");

    let app = TestApp::sandboxed(dir.path());
    let status: Value = app.ok("app_status", no_args());
    let problem = status["storeProblem"].as_str().unwrap_or_default();
    assert!(!problem.is_empty(), "a store problem is reported: {status}");
    assert!(
        problem.chars().any(|c| ('가'..='힣').contains(&c)),
        "in Korean: {problem}"
    );
    assert_eq!(status["queue"], Value::Null, "no queue without a store");

    let (code, message) = app.err("list_plans", no_args());
    assert_eq!(code, "internal", "plans cannot be listed");
    assert!(
        message.contains(problem),
        "the same problem is explained: {message}"
    );
    assert_eq!(
        std::fs::read(&db).expect("db still there"),
        garbage,
        "the file is not touched"
    );
}

#[test]
fn an_unusable_data_dir_is_reported_instead_of_crashing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").expect("write file");
    let app = TestApp::sandboxed(&file.join("data"));
    let status: Value = app.ok("app_status", no_args());
    assert!(
        status["storeProblem"]
            .as_str()
            .is_some_and(|p| !p.is_empty()),
        "the data dir problem is shown: {status}"
    );
}

#[test]
fn nothing_is_written_while_the_data_dir_is_unusable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join(pos_core::store::DB_FILE);
    std::fs::write(&db, b"not a database".repeat(100)).expect("write garbage");
    let app = TestApp::sandboxed(dir.path());
    let view: Value = app.ok("get_settings", no_args());
    let (code, _) = app.err(
        "save_settings",
        serde_json::json!({ "settings": view["settings"] }),
    );
    assert_eq!(
        code, "internal",
        "settings are not saved next to a broken order book"
    );
    let (code, _) = app.err(
        "set_credentials",
        serde_json::json!({ "credentials": { "impKey": "k", "impSecret": "s" } }),
    );
    assert_eq!(code, "internal", "credentials are not stored either");
    assert!(
        !crate::settings_file::path(dir.path()).exists(),
        "no settings file appeared"
    );
}
