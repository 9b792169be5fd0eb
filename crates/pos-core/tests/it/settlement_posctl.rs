//! `posctl report` and `posctl orders list --from/--to` as a person or a script sees them.

use super::posctl_support::{json, posctl, stderr, stdout};

/// A sandbox book with a card sale of 9,900원 and a phone sale of 27,000원 (5,000원 refunded),
/// both paid on 2026-11-15 KST.
fn book_with_two_sales() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    drop(crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("book: {e}")));
    let conn = rusqlite::Connection::open(crate::sandbox_db(dir.path()))
        .unwrap_or_else(|e| panic!("raw open: {e}"));
    // 2026-11-15 12:00 KST.
    let at = 1_794_711_600_000i64;
    for (uid, plan, amount, refunded, state, method) in [
        ("order_a", "pass_1m", 9_900, 0, "paid", "card"),
        (
            "order_b",
            "pass_3m",
            27_000,
            5_000,
            "partially_refunded",
            "phone",
        ),
    ] {
        conn.execute(
            "INSERT INTO orders (merchant_uid, kind, plan_id, amount, state, pay_method, refunded_amount, \
             created_at, updated_at, paid_at) VALUES (?1, 'one_time', ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?7)",
            rusqlite::params![uid, plan, amount, state, method, refunded, at],
        )
        .unwrap_or_else(|e| panic!("insert: {e}"));
    }
    dir
}

#[test]
fn report_json_has_totals_by_pay_method_and_by_plan() {
    let dir = book_with_two_sales();
    let out = posctl(
        dir.path(),
        &[
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--json",
        ],
    );
    assert!(out.status.success(), "report succeeds: {}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        v["totals"],
        serde_json::json!({"paid": 36900, "refunded": 5000, "net": 31900, "count": 2}),
        "totals"
    );
    assert_eq!(v["byPayMethod"]["phone"]["net"], 22000, "by pay method");
    assert_eq!(v["byPlan"]["pass_1m"]["paid"], 9900, "by plan");
}

#[test]
fn report_prints_korean_figures_and_writes_the_csv() {
    let dir = book_with_two_sales();
    let csv = dir.path().join("11월.csv");
    let csv_arg = csv.to_string_lossy().into_owned();
    let out = posctl(
        dir.path(),
        &[
            "report",
            "--from",
            "2026-11-15",
            "--to",
            "2026-11-15",
            "--csv",
            &csv_arg,
        ],
    );
    let text = stdout(&out);
    assert!(out.status.success(), "report succeeds: {}", stderr(&out));
    for expected in [
        "합계",
        "36,900원",
        "31,900원",
        "휴대폰",
        "3개월 이용권",
        "CSV 저장",
    ] {
        assert!(
            text.contains(expected),
            "the report shows {expected}: {text}"
        );
    }
    let bytes = std::fs::read(&csv).unwrap_or_else(|e| panic!("the CSV is written: {e}"));
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "with a BOM");
    assert_eq!(
        bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        3,
        "header and two rows"
    );
}

#[test]
fn a_backwards_report_range_is_refused_and_writes_nothing() {
    let dir = book_with_two_sales();
    let csv = dir.path().join("거꾸로.csv");
    let csv_arg = csv.to_string_lossy().into_owned();
    let out = posctl(
        dir.path(),
        &[
            "report",
            "--from",
            "2026-11-30",
            "--to",
            "2026-11-01",
            "--csv",
            &csv_arg,
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "a failure exit: {err}");
    assert!(
        err.contains("기간이 거꾸로입니다"),
        "says the range is backwards: {err}"
    );
    assert!(!csv.exists(), "no CSV written");
}

#[test]
fn a_malformed_report_day_is_refused() {
    let dir = book_with_two_sales();
    let out = posctl(
        dir.path(),
        &["report", "--from", "2026-11-31", "--to", "2026-12-01"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "a failure exit: {err}");
    assert!(err.contains("2026-11-31"), "names the bad day: {err}");
}

#[test]
fn orders_list_filters_by_kst_day() {
    let dir = book_with_two_sales();
    let out = posctl(
        dir.path(),
        &["orders", "list", "--from", "2026-11-16", "--json"],
    );
    let v = json(&out);
    assert_eq!(v["total"], 0, "nothing created from the 16th");
    let out = posctl(
        dir.path(),
        &[
            "orders",
            "list",
            "--from",
            "2026-11-15",
            "--to",
            "2026-11-15",
            "--json",
        ],
    );
    let v = json(&out);
    assert_eq!(v["total"], 2, "both on the 15th");
}
