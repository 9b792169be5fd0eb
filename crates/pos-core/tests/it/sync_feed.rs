//! The change feed's bookkeeping: which time a payment is filed under, how the next page is
//! asked for, and which sightings are the same fact.

use iamport::Payment;
use pos_core::sync::feed::{next_page, status_time, Seen};

fn payment(imp_uid: &str, status: &str, times: (i64, i64, i64), cancel_amount: i64) -> Payment {
    let (started, paid, cancelled) = times;
    let json = serde_json::json!({
        "imp_uid": imp_uid, "merchant_uid": format!("order_{imp_uid}"), "amount": 9900,
        "cancel_amount": cancel_amount, "currency": "KRW", "status": status,
        "started_at": started, "paid_at": paid, "cancelled_at": cancelled, "failed_at": 0,
    });
    serde_json::from_value(json).unwrap_or_else(|e| panic!("a payment fixture: {e}"))
}

#[test]
fn a_payment_is_filed_under_the_time_of_its_current_status() {
    let table = [
        ("ready", (100, 0, 0), 100),
        ("paid", (100, 200, 0), 200),
        ("cancelled", (100, 200, 300), 300),
    ];
    for (status, times, expected) in table {
        assert_eq!(
            status_time(&payment("imp_1", status, times, 0)),
            expected,
            "{status}"
        );
    }
}

#[test]
fn ascending_pages_continue_from_the_last_time_shown() {
    let page = [
        payment("a", "paid", (1, 10, 0), 0),
        payment("b", "paid", (1, 12, 0), 0),
    ];
    assert_eq!(
        next_page(5, 1, &page),
        (12, 1),
        "keyset: from the last time, page 1 again"
    );
}

#[test]
fn a_page_within_one_second_moves_to_the_next_page_number() {
    let page = [
        payment("a", "paid", (1, 10, 0), 0),
        payment("b", "paid", (1, 10, 0), 0),
    ];
    assert_eq!(
        next_page(10, 3, &page),
        (10, 4),
        "from cannot advance: plain paging"
    );
}

#[test]
fn a_page_out_of_time_order_falls_back_to_page_numbers() {
    let page = [
        payment("a", "paid", (1, 12, 0), 0),
        payment("b", "ready", (5, 0, 0), 0),
    ];
    assert_eq!(
        next_page(1, 1, &page),
        (1, 2),
        "no keyset jump past an earlier time"
    );
}

#[test]
fn a_repeat_sighting_is_the_same_fact_but_another_partial_cancel_is_new() {
    let mut seen = Seen::default();
    let first = payment("a", "cancelled", (1, 2, 3), 1000);
    seen.remember(&first);
    assert!(
        seen.contains(&first),
        "the same imp_uid, status and cancel amount"
    );
    assert!(
        !seen.contains(&payment("a", "cancelled", (1, 2, 9), 2000)),
        "a second partial cancel is news"
    );
    seen.forget_before(4);
    assert!(
        seen.is_empty(),
        "facts older than the overlap are forgotten"
    );
}
