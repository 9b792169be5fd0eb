//! The command line operators script: its shape is a contract.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::pg;

fn relay_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_panmusic-relay"))
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = relay_bin()
        .args(args)
        .output()
        .expect("panmusic-relay runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn stores_add_list_disable_and_migrate() {
    let url = pg::shared().fresh_db().await;
    let (ok, out, err) = run(&["migrate", "--database-url", &url]);
    assert!(ok, "migrate succeeds: {err}");
    assert!(out.contains("version 4"), "migrate says the version: {out}");

    let (ok, out, err) = run(&["stores", "add", "강남점", "--database-url", &url, "--json"]);
    assert!(ok, "stores add succeeds: {err}");
    let created: Value = serde_json::from_str(out.trim()).expect("one JSON object");
    let fields: Vec<&String> = created.as_object().expect("object").keys().collect();
    let mut sorted = fields.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["key", "prefix", "secret"],
        "exactly key, secret and prefix"
    );
    assert!(
        created["secret"].as_str().is_some_and(|s| s.len() == 64),
        "a 256-bit secret in hex"
    );

    let (ok, _, err) = run(&["stores", "add", "강남점", "--database-url", &url]);
    assert!(!ok, "a duplicate name is refused");
    assert!(err.contains("이미 있습니다"), "and says so: {err}");

    let (ok, out, _) = run(&["stores", "list", "--database-url", &url]);
    assert!(
        ok && out.contains("강남점") && out.contains("enabled"),
        "list shows the store: {out}"
    );
    assert!(
        !out.contains(created["secret"].as_str().unwrap_or("-")),
        "list never shows the secret"
    );

    let (ok, _, err) = run(&["stores", "disable", "강남점", "--database-url", &url]);
    assert!(ok, "disable succeeds: {err}");
    let (_, out, _) = run(&["stores", "list", "--database-url", &url]);
    assert!(out.contains("disabled"), "list shows it disabled: {out}");
    let (ok, _, err) = run(&["stores", "disable", "없는매장", "--database-url", &url]);
    assert!(
        !ok && err.contains("찾을 수 없습니다"),
        "an unknown store is an error: {err}"
    );
}

#[tokio::test]
async fn serve_prints_its_address_first_and_exits_zero_on_sigterm() {
    let url = pg::shared().fresh_db().await;
    let sandbox = iamport_sandbox::Sandbox::start(iamport_sandbox::SandboxConfig::default())
        .await
        .expect("sandbox");
    let mut child = relay_bin()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--upstream",
            &sandbox.base_url(),
        ])
        .env("IAMPORT_KEY", iamport_sandbox::DEFAULT_IMP_KEY)
        .env("IAMPORT_SECRET", iamport_sandbox::DEFAULT_IMP_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let first = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .expect("join")
    .expect("a first line");
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line is `listening on http://ADDR`: {first:?}"))
        .to_owned();
    assert!(!addr.ends_with(":0"), "the real port is printed: {addr}");
    let (status, body) = crate::support::send(
        &reqwest::Client::new(),
        reqwest::Method::GET,
        &format!("http://{addr}/payments/imp_1"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 401, "it serves, in the envelope: {body}");

    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success(), "SIGTERM sent");
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve stops within 15 s of SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "SIGTERM drains and exits 0: {status:?}");
}

#[test]
fn serve_refuses_to_start_without_the_key_in_the_environment() {
    let out = relay_bin()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "postgres://x@127.0.0.1:1/x",
            "--upstream",
            "http://127.0.0.1:1",
        ])
        .env_remove("IAMPORT_KEY")
        .env_remove("IAMPORT_SECRET")
        .output()
        .expect("runs");
    assert!(!out.status.success(), "no key, no relay");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("IAMPORT_KEY"),
        "it names the missing variable"
    );
}

#[tokio::test]
async fn stores_policy_sets_the_rate_and_refund_rules() {
    let url = pg::shared().fresh_db().await;
    let (ok, _, err) = run(&["stores", "add", "A", "--database-url", &url]);
    assert!(ok, "add: {err}");
    let (ok, _, err) = run(&[
        "stores",
        "policy",
        "A",
        "--database-url",
        &url,
        "--requests-per-second",
        "7",
        "--refund-window-days",
        "30",
        "--refunds-per-day",
        "3",
    ]);
    assert!(ok, "policy: {err}");
    let (_, out, _) = run(&["stores", "list", "--database-url", &url, "--json"]);
    let list: Value = serde_json::from_str(out.trim()).expect("JSON list");
    assert_eq!(list[0]["requests_per_second"], 7, "rate set: {list}");
    assert_eq!(list[0]["policy"]["window_days"], 30, "window set: {list}");
    assert_eq!(list[0]["policy"]["per_day"], 3, "daily limit set: {list}");
    assert!(list[0].get("secret").is_none(), "no secret in the listing");
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_relay_is_refused() {
    let url = pg::shared().fresh_db().await;
    let (ok, _, err) = run(&["migrate", "--database-url", &url]);
    assert!(ok, "migrate: {err}");
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("db");
    tokio::spawn(conn);
    client
        .execute("INSERT INTO relay_migrations (version) VALUES (999)", &[])
        .await
        .expect("a future version");
    let (ok, _, err) = run(&["migrate", "--database-url", &url]);
    assert!(!ok, "an older relay does not touch a newer schema");
    assert!(err.contains("999"), "it names the version: {err}");
}
