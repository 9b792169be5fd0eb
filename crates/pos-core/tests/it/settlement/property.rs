//! The property: every figure is the sum of the orders it lists, on random books and ranges.

use super::{all_orders, book, range, Row, DAY, NOV_1_KST};
use pos_core::store::{SettlementQuery, SettlementSection};
use pos_core::PayMethod;
use proptest::prelude::*;
use std::collections::BTreeMap;

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
