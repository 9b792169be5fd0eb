//! 정산: the totals of a KST date range, the orders behind each figure, the CSV export and the
//! order history's date filter. The property test checks the SQL sums against both the orders the
//! drill-down lists and an independent sum over the orders as generated.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pos_core::report::DateRange;
use pos_core::store::{OrderClass, SettlementQuery, SettlementSection};
use pos_core::{OrderQuery, PayMethod, Store, StoreError};
use proptest::prelude::*;

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
fn the_csv_opens_in_excel_as_utf8_with_korean_headers_and_kst_times() {
    // 2026-11-01 09:30:05 KST.
    let at = NOV_1_KST + (9 * 3600 + 30 * 60 + 5) * 1000;
    let mut odd = paid("vbank", "pass_3m", 27_000, 1_000, at + 1000);
    odd.method = "trans";
    let (dir, store) = book(&[paid("card", "pass_1m", 9_900, 0, at), odd]);
    let path = dir.path().join("정산.csv");
    let rows = store
        .export_settlement_csv(&DateRange::day(day(1)), &path)
        .unwrap_or_else(|e| panic!("export: {e}"));
    assert_eq!(rows, 2, "two sales written");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("read: {e}"));
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap_or_else(|e| panic!("utf8: {e}"));
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines[0].starts_with("결제일시(KST),주문번호,요금제,결제수단,상태,결제금액(원)"),
        "Korean header: {}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "2026-11-01 09:30:05,order_00000000000000000000000000,1개월 이용권,카드,결제 완료,9900,0,9900,구매자0,imp_000000000000",
        "KST time, integer won"
    );
    assert!(
        lines[2].contains(",계좌이체,부분 환불,27000,1000,26000,"),
        "partial refund row: {}",
        lines[2]
    );
}

#[test]
fn a_failed_export_leaves_no_file() {
    let (dir, store) = book(&[]);
    let path = dir.path().join("없는 폴더").join("정산.csv");
    let err = store
        .export_settlement_csv(&DateRange::day(day(1)), &path)
        .err();
    assert!(
        matches!(err, Some(StoreError::Export { .. })),
        "a missing folder is an export error, got {err:?}"
    );
    assert!(!path.exists(), "nothing written");
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

fn row_strategy() -> impl Strategy<Value = Row> {
    let method = prop::sample::select(vec!["card", "vbank", "phone", "trans"]);
    let plan = prop::sample::select(vec![
        ("pass_1m", 9_900i64),
        ("pass_3m", 27_000),
        ("sub_monthly", 9_900),
        ("sub_monthly", 0),
    ]);
    let state = prop::sample::select(vec![
        "paid",
        "partially_refunded",
        "refunded",
        "vbank_issued",
        "failed",
        "abandoned",
        "created",
        "amount_mismatch",
    ]);
    // Times from a day before November to a day after it, to the millisecond (edges included).
    let at = prop_oneof![
        (-DAY..32 * DAY).prop_map(|t| NOV_1_KST + t),
        (0i64..33).prop_map(|d| NOV_1_KST + d * DAY - 1),
        (0i64..33).prop_map(|d| NOV_1_KST + d * DAY),
    ];
    (method, plan, state, at, 0u32..=100).prop_map(|(method, (plan, amount), state, at, share)| {
        let refunded = match state {
            "refunded" => amount,
            "partially_refunded" => amount * i64::from(share) / 100,
            _ => 0,
        };
        let paid = matches!(
            state,
            "paid" | "partially_refunded" | "refunded" | "amount_mismatch"
        );
        Row {
            method,
            plan,
            state,
            amount,
            refunded,
            created_at: at - 1_000,
            paid_at: paid.then_some(at),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_figure_is_the_sum_of_the_orders_it_lists(
        rows in proptest::collection::vec(row_strategy(), 0..60),
        from in 1u32..=30,
        len in 0u32..=30,
    ) {
        let (_dir, store) = book(&rows);
        let r = range(from, (from + len).min(30));
        let s = store.settlement(&r).unwrap_or_else(|e| panic!("settlement: {e}"));
        let (start, end) = r.bounds_ms();

        // The model: sales as defined, summed in Rust over the rows as generated.
        let mut model: BTreeMap<(&str, &str), (i64, i64, i64)> = BTreeMap::new();
        for row in &rows {
            let sale = row.amount > 0
                && matches!(row.state, "paid" | "partially_refunded" | "refunded")
                && row.paid_at.is_some_and(|t| t >= start && t < end);
            if sale {
                let e = model.entry((row.method, row.plan)).or_default();
                *e = (e.0 + row.amount, e.1 + row.refunded, e.2 + 1);
            }
        }
        let model_total = model.values().fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
        prop_assert_eq!((s.totals.paid, s.totals.refunded, s.totals.count), model_total, "totals match the model");
        prop_assert_eq!(s.totals.net, s.totals.paid - s.totals.refunded, "net is paid minus refunded");

        // The drill-down of the totals and of every method and plan sums to its figure.
        let sum = |orders: &[pos_core::Order]| orders.iter().fold((0, 0, 0), |a, o| (a.0 + o.amount, a.1 + o.refunded_amount, a.2 + 1));
        let everything = all_orders(&store, SettlementQuery::sales(r));
        prop_assert_eq!(sum(&everything), model_total, "the listed orders sum to the totals");
        for (method, f) in &s.by_pay_method {
            let m: PayMethod = method.parse().unwrap_or_else(|e| panic!("{method}: {e}"));
            let listed = all_orders(&store, SettlementQuery { pay_method: Some(m), ..SettlementQuery::sales(r) });
            prop_assert_eq!(sum(&listed), (f.paid, f.refunded, f.count), "method {} drills down to its sum", method);
        }
        for (plan, f) in &s.by_plan {
            let listed = all_orders(&store, SettlementQuery { plan_id: Some(plan.clone()), ..SettlementQuery::sales(r) });
            prop_assert_eq!(sum(&listed), (f.paid, f.refunded, f.count), "plan {} drills down to its sum", plan);
        }
        let unpaid = all_orders(&store, SettlementQuery { section: SettlementSection::VbankUnpaid, ..SettlementQuery::sales(r) });
        prop_assert_eq!(
            (unpaid.len() as i64, unpaid.iter().map(|o| o.amount).sum::<i64>()),
            (s.vbank_unpaid.count, s.vbank_unpaid.amount),
            "the unpaid virtual accounts drill down to their sum"
        );

        // The CSV holds the same orders.
        let mut csv = Vec::new();
        let written = store.write_settlement_csv(&r, &mut csv).unwrap_or_else(|e| panic!("csv: {e}"));
        prop_assert_eq!(written as i64, s.totals.count, "one CSV row per sale");
    }
}
