//! 정산: the totals of a KST date range, the orders behind each figure, the CSV export and the
//! order history's date filter. The property test checks the SQL sums against both the orders the
//! drill-down lists and an independent sum over the orders as generated.

mod export;
mod property;

use chrono::NaiveDate;
use pos_core::report::DateRange;
use pos_core::store::{OrderClass, SettlementQuery, SettlementSection};
use pos_core::{OrderQuery, Store, StoreError};

/// One order as the test writes it straight into the book.
#[derive(Debug, Clone)]
struct Row {
    method: &'static str,
    plan: &'static str,
    state: &'static str,
    amount: i64,
    refunded: i64,
    created_at: i64,
    paid_at: Option<i64>,
}

/// 2026-11-01 00:00 KST in UTC milliseconds.
const NOV_1_KST: i64 = 1_793_458_800_000;
const DAY: i64 = 86_400_000;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
}

fn range(from: u32, to: u32) -> DateRange {
    DateRange::new(day(from), day(to)).unwrap_or_else(|e| panic!("{from}..={to}: {e}"))
}

/// A file-backed book holding `rows` (merchant_uids `order_…0`, `order_…1`, … in row order).
fn book(rows: &[Row]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let mut conn = rusqlite::Connection::open(dir.path().join(pos_core::store::DB_FILE))
        .unwrap_or_else(|e| panic!("raw open: {e}"));
    let tx = conn.transaction().unwrap_or_else(|e| panic!("begin: {e}"));
    for (i, r) in rows.iter().enumerate() {
        let kind = if r.amount == 0 { "billing" } else { "one_time" };
        tx.execute(
            "INSERT INTO orders (merchant_uid, kind, plan_id, amount, buyer_name, state, pay_method, \
             refunded_amount, created_at, updated_at, paid_at, imp_uid) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)",
            rusqlite::params![
                format!("order_{i:026}"),
                kind,
                r.plan,
                r.amount,
                format!("구매자{i}"),
                r.state,
                r.method,
                r.refunded,
                r.created_at,
                r.paid_at,
                r.paid_at.map(|_| format!("imp_{i:012}")),
            ],
        )
        .unwrap_or_else(|e| panic!("insert {r:?}: {e}"));
    }
    tx.commit().unwrap_or_else(|e| panic!("commit: {e}"));
    (dir, store)
}

fn paid(method: &'static str, plan: &'static str, amount: i64, refunded: i64, at: i64) -> Row {
    let state = match refunded {
        0 => "paid",
        r if r == amount => "refunded",
        _ => "partially_refunded",
    };
    Row {
        method,
        plan,
        state,
        amount,
        refunded,
        created_at: at - 60_000,
        paid_at: Some(at),
    }
}

/// Every order of a drill-down, all pages.
fn all_orders(store: &Store, mut q: SettlementQuery) -> Vec<pos_core::Order> {
    q.limit = 7;
    let mut out = Vec::new();
    loop {
        let page = store
            .settlement_orders(&q)
            .unwrap_or_else(|e| panic!("drill-down {q:?}: {e}"));
        let n = page.items.len();
        out.extend(page.items);
        if n == 0 || out.len() as i64 >= page.total {
            assert_eq!(out.len() as i64, page.total, "the pages hold the total");
            return out;
        }
        q.offset += 7;
    }
}

#[test]
fn a_day_sums_its_sales_by_method_and_plan() {
    let nov_2 = NOV_1_KST + DAY;
    let (_dir, store) = book(&[
        paid("card", "pass_1m", 9_900, 0, nov_2 + 3_600_000),
        paid("card", "pass_3m", 27_000, 27_000, nov_2 + 7_200_000),
        paid("vbank", "pass_1m", 9_900, 4_000, nov_2 + 10_000),
        // The evening before in KST (14:59 UTC on 1 Nov is 23:59 KST): not on the 2nd.
        paid("card", "pass_1m", 9_900, 0, nov_2 - 60_000),
    ]);
    let s = store
        .settlement(&DateRange::day(day(2)))
        .unwrap_or_else(|e| panic!("settlement: {e}"));
    assert_eq!(
        (
            s.totals.paid,
            s.totals.refunded,
            s.totals.net,
            s.totals.count
        ),
        (46_800, 31_000, 15_800, 3),
        "three sales of the 2nd, in KST"
    );
    let card = s.by_pay_method.get("card").copied().unwrap_or_default();
    assert_eq!(
        (card.paid, card.net, card.count),
        (36_900, 9_900, 2),
        "card"
    );
    let pass_1m = s.by_plan.get("pass_1m").copied().unwrap_or_default();
    assert_eq!(
        (pass_1m.paid, pass_1m.refunded),
        (19_800, 4_000),
        "1-month pass"
    );
    assert_eq!(
        s.plan_names.get("pass_3m").map(String::as_str),
        Some("3개월 이용권"),
        "plans are named in Korean"
    );
}

#[test]
fn card_registrations_and_unpaid_orders_are_not_sales() {
    let at = NOV_1_KST + 3_600_000;
    let mut vbank = paid("vbank", "pass_3m", 27_000, 0, at);
    vbank.state = "vbank_issued";
    vbank.paid_at = None;
    let mut failed = paid("card", "pass_1m", 9_900, 0, at);
    failed.state = "failed";
    failed.paid_at = None;
    let registration = paid("card", "sub_monthly", 0, 0, at);
    let (_dir, store) = book(&[vbank, failed, registration]);
    let s = store
        .settlement(&DateRange::day(day(1)))
        .unwrap_or_else(|e| panic!("settlement: {e}"));
    assert_eq!(s.totals.count, 0, "no sale: {s:?}");
    assert_eq!(
        (s.vbank_unpaid.count, s.vbank_unpaid.amount),
        (1, 27_000),
        "the issued virtual account is listed apart"
    );
    let unpaid = all_orders(
        &store,
        SettlementQuery {
            section: SettlementSection::VbankUnpaid,
            ..SettlementQuery::sales(DateRange::day(day(1)))
        },
    );
    assert_eq!(unpaid.len(), 1, "its drill-down lists it");
}

#[test]
fn a_backwards_range_is_refused_by_the_order_history_too() {
    let store = crate::store();
    let err = store
        .list_orders(&OrderQuery {
            from: Some(day(30)),
            to: Some(day(1)),
            ..Default::default()
        })
        .err();
    assert!(
        matches!(err, Some(StoreError::BackwardsRange { .. })),
        "30 Nov..1 Nov is refused, got {err:?}"
    );
}

#[test]
fn the_order_history_filters_by_kst_day_and_keeps_card_registrations_apart() {
    let (_dir, store) = book(&[
        paid("card", "pass_1m", 9_900, 0, NOV_1_KST + 100_000),
        paid("card", "sub_monthly", 0, 0, NOV_1_KST + 200_000),
        paid("card", "pass_1m", 9_900, 0, NOV_1_KST + 2 * DAY + 100_000),
    ]);
    let list = |q: OrderQuery| {
        store
            .list_orders(&q)
            .unwrap_or_else(|e| panic!("list: {e}"))
            .items
            .into_iter()
            .map(|o| o.amount)
            .collect::<Vec<_>>()
    };
    let first = OrderQuery {
        from: Some(day(1)),
        to: Some(day(1)),
        ..Default::default()
    };
    assert_eq!(list(first.clone()).len(), 2, "two orders on the 1st");
    assert_eq!(
        list(OrderQuery {
            class: Some(OrderClass::Sale),
            ..first.clone()
        }),
        vec![9_900],
        "sales only"
    );
    assert_eq!(
        list(OrderQuery {
            class: Some(OrderClass::CardRegistration),
            ..first
        }),
        vec![0],
        "the 0원 card registration only"
    );
    assert_eq!(
        list(OrderQuery {
            from: Some(day(2)),
            ..Default::default()
        })
        .len(),
        1,
        "from the 2nd on"
    );
}

#[test]
fn the_settlement_reads_an_index() {
    let store = crate::store();
    let plan = store
        .explain_settlement()
        .unwrap_or_else(|e| panic!("explain: {e}"));
    assert!(
        plan.iter()
            .any(|l| l.contains("COVERING INDEX orders_sales_by_group")),
        "the totals read the group index alone: {plan:?}"
    );
    assert!(
        !plan.iter().any(|l| l.contains("TEMP B-TREE")),
        "the totals sort nothing: {plan:?}"
    );
}
