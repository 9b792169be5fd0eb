//! `posctl account` and `posctl entitlement` as processes.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{Duration, Utc};
use pos_core::{OrderPatch, OrderState};
use serde_json::Value;

fn posctl(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posctl"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("PANMUSIC_SECRETS", "file")
        .env_remove("IAMPORT_API_BASE")
        .env_remove("IAMPORT_KEY")
        .env_remove("IAMPORT_SECRET")
        .output()
        .unwrap_or_else(|e| panic!("posctl must start: {e}"))
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {} / {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

#[test]
fn account_set_saves_the_account_and_new_orders_carry_it() {
    let dir = tempdir();
    let set = posctl(
        dir.path(),
        &["account", "set", "pm-1001", "--store", "판뮤직 강남점"],
    );
    assert!(
        set.status.success(),
        "set succeeds: {}",
        String::from_utf8_lossy(&set.stderr)
    );
    let shown = json(&posctl(dir.path(), &["account", "show", "--json"]));
    assert_eq!(
        shown["account"]["accountId"], "pm-1001",
        "the id is saved: {shown}"
    );
    assert_eq!(
        shown["account"]["store"], "판뮤직 강남점",
        "and the store name"
    );
    let created = json(&posctl(
        dir.path(),
        &["orders", "create", "--plan", "pass_1m", "--json"],
    ));
    let order = if created.is_array() {
        created[0].clone()
    } else {
        created
    };
    let data: Value =
        serde_json::from_str(order["customData"].as_str().unwrap_or("null")).unwrap_or_default();
    assert_eq!(
        data["account_id"], "pm-1001",
        "a posctl order names the account: {order}"
    );
}

#[test]
fn a_bad_account_id_is_refused_and_nothing_is_saved() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["account", "set", "has space"]);
    assert!(!out.status.success(), "refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("판뮤직 계정 ID"),
        "a Korean message names the field"
    );
    assert!(
        !dir.path().join("settings.json").exists(),
        "no settings file was written"
    );
}

#[test]
fn entitlement_json_is_exactly_active_until_and_periods() {
    let dir = tempdir();
    let empty = json(&posctl(dir.path(), &["entitlement", "--json"]));
    assert_eq!(
        empty,
        serde_json::json!({"activeUntil": null, "periods": []}),
        "nothing bought: no music"
    );
    let book = crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("book: {e}"));
    let order = crate::card_order(&book, "pass_3m");
    let paid_at = Utc::now() - Duration::days(1);
    let patch = OrderPatch {
        imp_uid: Some("imp_100000000001".into()),
        paid_at: Some(paid_at),
        ..OrderPatch::default()
    };
    book.apply_transition(&order, OrderState::Paid, "test_paid", &patch)
        .unwrap_or_else(|e| panic!("paid: {e}"));
    drop(book);
    let out = json(&posctl(dir.path(), &["entitlement", "--json"]));
    let keys: Vec<&String> = out
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["activeUntil", "periods"], "exactly two keys: {out}");
    let until = out["activeUntil"].as_str().unwrap_or_default();
    assert!(until.ends_with("+09:00"), "RFC 3339 in KST: {until}");
    assert_eq!(
        out["periods"][0]["source"], order.merchant_uid,
        "the order grants it"
    );
    assert_eq!(
        out["periods"][0]["end"], until,
        "the pass's end is the active end"
    );
    let text = posctl(dir.path(), &["entitlement"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("이용 중 · "), "human output: {text}");
}
