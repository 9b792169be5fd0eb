//! posctl as a process: what a person at a terminal (or a script with --json) sees of plans and
//! orders. `doctor` and credentials are in `posctl_doctor.rs`.

use std::process::Command;

use super::posctl_support::{json, posctl, stderr, stdout, tempdir};

#[test]
fn plans_list_shows_prices_in_won() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["plans", "list"]);
    assert!(
        out.status.success(),
        "plans list succeeds: {}",
        stderr(&out)
    );
    let text = stdout(&out);
    for expected in [
        "1개월 이용권",
        "9,900원",
        "3개월 이용권",
        "27,000원",
        "월 정기결제",
        "9,900원/월",
    ] {
        assert!(text.contains(expected), "the list shows {expected}: {text}");
    }
}

#[test]
fn global_flags_work_before_and_after_the_subcommand() {
    let dir = tempdir();
    let before = Command::new(env!("CARGO_BIN_EXE_posctl"))
        .arg("--json")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["plans", "list"])
        .env("PANMUSIC_SECRETS", "file")
        .output()
        .unwrap_or_else(|e| panic!("posctl must start: {e}"));
    let after = posctl(dir.path(), &["plans", "list", "--json"]);
    assert!(
        before.status.success() && after.status.success(),
        "both spellings succeed"
    );
    assert_eq!(
        json(&before),
        json(&after),
        "flags before or after give the same answer"
    );
    assert_eq!(
        json(&after)[0]["price"],
        9_900,
        "JSON has the price as a number of won"
    );
}

#[test]
fn orders_list_json_is_an_object_with_total_and_items() {
    let dir = tempdir();
    let created = posctl(
        dir.path(),
        &["orders", "create", "--plan", "pass_1m", "--count", "3"],
    );
    assert!(
        created.status.success(),
        "orders create succeeds: {}",
        stderr(&created)
    );
    assert_eq!(
        stdout(&created).lines().count(),
        3,
        "three merchant_uids are printed"
    );
    let out = posctl(dir.path(), &["orders", "list", "--limit", "2", "--json"]);
    assert!(
        out.status.success(),
        "orders list succeeds: {}",
        stderr(&out)
    );
    let v = json(&out);
    assert_eq!(v["total"], 3, "total counts all orders");
    assert_eq!(
        v["items"].as_array().map(Vec::len),
        Some(2),
        "items holds one page"
    );
}

#[test]
fn orders_list_filters_by_status() {
    let dir = tempdir();
    let made = posctl(dir.path(), &["orders", "create", "--plan", "pass_1m"]);
    assert!(
        made.status.success(),
        "an order is created: {}",
        stderr(&made)
    );
    let paid = posctl(
        dir.path(),
        &["orders", "list", "--status", "paid", "--json"],
    );
    assert_eq!(json(&paid)["total"], 0, "no paid orders");
    let created = posctl(
        dir.path(),
        &["orders", "list", "--status", "created", "--json"],
    );
    assert_eq!(json(&created)["total"], 1, "one created order");
}

#[test]
fn orders_show_prints_the_order_and_its_timeline_in_korean() {
    let dir = tempdir();
    let created = posctl(
        dir.path(),
        &[
            "orders",
            "create",
            "--plan",
            "pass_3m",
            "--pay-method",
            "vbank",
        ],
    );
    let uid = stdout(&created).trim().to_string();
    let out = posctl(dir.path(), &["orders", "show", &uid]);
    assert!(
        out.status.success(),
        "orders show succeeds: {}",
        stderr(&out)
    );
    let text = stdout(&out);
    for expected in [
        uid.as_str(),
        "27,000원",
        "가상계좌",
        "주문 생성",
        "KST",
        "-> created",
    ] {
        assert!(text.contains(expected), "show prints {expected}: {text}");
    }
    let v = json(&posctl(dir.path(), &["orders", "show", &uid, "--json"]));
    assert_eq!(
        v["order"]["merchantUid"],
        uid.as_str(),
        "JSON has the order"
    );
    assert_eq!(
        v["events"].as_array().map(Vec::len),
        Some(1),
        "JSON has the timeline"
    );
}

#[test]
fn an_unknown_merchant_uid_is_an_error_on_stderr_with_a_failing_exit() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["orders", "show", "order_nope"]);
    assert!(!out.status.success(), "the exit code is non-zero");
    assert!(stdout(&out).is_empty(), "nothing on stdout");
    assert!(
        stderr(&out).contains("찾을 수 없습니다"),
        "a Korean message on stderr: {}",
        stderr(&out)
    );
}

#[test]
fn bad_numbers_and_states_are_refused() {
    let dir = tempdir();
    for args in [
        vec!["orders", "list", "--limit", "0"],
        vec!["orders", "list", "--limit", "abc"],
        vec!["orders", "list", "--limit", "-5"],
        vec!["orders", "list", "--status", "bogus"],
        vec!["orders", "create", "--plan", "pass_99m"],
        vec!["orders", "create", "--plan", "pass_1m", "--count", "0"],
    ] {
        let out = posctl(dir.path(), &args);
        assert!(!out.status.success(), "{args:?} fails");
        assert!(!stderr(&out).is_empty(), "{args:?} explains on stderr");
    }
    let v = json(&posctl(dir.path(), &["orders", "list", "--json"]));
    assert_eq!(v["total"], 0, "no bad command created an order");
}

#[test]
fn a_corrupt_database_is_reported_and_left_untouched() {
    let dir = tempdir();
    let path = dir.path().join(pos_core::store::DB_FILE);
    let garbage = b"garbage, not sqlite\n".repeat(100);
    std::fs::write(&path, &garbage).unwrap_or_else(|e| panic!("write: {e}"));
    let list = posctl(dir.path(), &["orders", "list"]);
    assert!(!list.status.success(), "orders list fails");
    assert!(
        stderr(&list).contains("not a database"),
        "the error says why: {}",
        stderr(&list)
    );
    let doctor = posctl(dir.path(), &["doctor"]);
    assert!(!doctor.status.success(), "doctor fails");
    assert!(
        stdout(&doctor).contains("손상"),
        "doctor names the problem: {}",
        stdout(&doctor)
    );
    assert_eq!(
        std::fs::read(&path).ok(),
        Some(garbage),
        "the file is untouched"
    );
}

#[test]
fn plans_set_price_changes_the_catalog_for_new_orders() {
    let dir = tempdir();
    let out = posctl(dir.path(), &["plans", "set-price", "pass_1m", "11000"]);
    assert!(out.status.success(), "set-price succeeds: {}", stderr(&out));
    assert!(
        stdout(&out).contains("11,000원"),
        "it confirms in won: {}",
        stdout(&out)
    );
    let created = posctl(
        dir.path(),
        &["orders", "create", "--plan", "pass_1m", "--json"],
    );
    assert_eq!(
        json(&created)[0]["amount"],
        11_000,
        "a new order takes the new price"
    );
}

#[test]
fn plans_set_price_refuses_bad_prices_and_unknown_plans() {
    let dir = tempdir();
    for args in [
        vec!["plans", "set-price", "pass_1m", "0"],
        vec!["plans", "set-price", "pass_1m", "-9900"],
        vec!["plans", "set-price", "pass_1m", "9,900"],
        vec!["plans", "set-price", "pass_1m", "99.5"],
        vec!["plans", "set-price", "pass_99m", "9900"],
    ] {
        let out = posctl(dir.path(), &args);
        assert!(!out.status.success(), "{args:?} fails");
        assert!(!stderr(&out).is_empty(), "{args:?} explains on stderr");
    }
    let v = json(&posctl(dir.path(), &["plans", "list", "--json"]));
    assert_eq!(v[0]["price"], 9_900, "the price is unchanged");
}

#[test]
fn orders_list_filters_by_pay_method_and_search_and_pages() {
    let dir = tempdir();
    for (plan, method) in [
        ("pass_1m", "card"),
        ("pass_3m", "vbank"),
        ("pass_1m", "phone"),
    ] {
        let made = posctl(
            dir.path(),
            &["orders", "create", "--plan", plan, "--pay-method", method],
        );
        assert!(made.status.success(), "create {method}: {}", stderr(&made));
    }
    let vbank = json(&posctl(
        dir.path(),
        &["orders", "list", "--pay-method", "vbank", "--json"],
    ));
    assert_eq!(vbank["total"], 1, "one vbank order: {vbank}");
    let uid = vbank["items"][0]["merchantUid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let found = json(&posctl(
        dir.path(),
        &["orders", "list", "--search", &uid, "--json"],
    ));
    assert_eq!(found["total"], 1, "the merchant_uid search finds it");
    let second = json(&posctl(
        dir.path(),
        &["orders", "list", "--limit", "1", "--offset", "1", "--json"],
    ));
    assert_eq!(
        second["items"][0]["payMethod"], "vbank",
        "offset 1 skips the newest"
    );
    let bad = posctl(dir.path(), &["orders", "list", "--pay-method", "cash"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown pay method is a usage error"
    );
}
