//! Hostile or odd times from Iamport never stop the engine: timestamps at and near chrono's
//! limits (and far outside them) go through reconcile, the order book, the planner, the change
//! feed and dunning without a panic, and the plans stay sane.

use chrono::{DateTime, TimeZone, Utc};
use pos_core::checkout::{apply_payment, reconcile};
use pos_core::subscription::dunning::{next_step, DeclineKind, DunningPolicy, DunningStep};
use pos_core::sync::feed::{next_page, status_time, Seen};
use pos_core::sync::planner::{
    feed_window, next_check, plan, wake_at, OpenOrder, PlanInput, PollPolicy, CURSOR_SKEW_SECS,
};
use pos_core::OrderState;
use proptest::prelude::*;

use crate::{card_order, store};

/// Unix seconds an Iamport reply may carry: chrono's limits and their neighbours, i64's
/// limits, zero, negatives and anything else.
fn wire_secs() -> impl Strategy<Value = i64> {
    let max = DateTime::<Utc>::MAX_UTC.timestamp();
    let min = DateTime::<Utc>::MIN_UTC.timestamp();
    prop_oneof![
        Just(i64::MAX),
        Just(i64::MIN),
        Just(max),
        Just(min),
        (max - 400_000_000)..=max,
        min..=(min + 400_000_000),
        (max + 1)..=i64::MAX,
        Just(0i64),
        -1_000i64..=1_000,
        1_600_000_000i64..2_100_000_000,
        any::<i64>(),
    ]
}

/// An instant of our own clock or a stored one: chrono's limits and their neighbours included.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    wire_secs().prop_map(|s| {
        Utc.timestamp_opt(s, 0).single().unwrap_or(if s > 0 {
            DateTime::<Utc>::MAX_UTC
        } else {
            DateTime::<Utc>::MIN_UTC
        })
    })
}

fn payment(merchant_uid: &str, amount: i64, status: &str, times: [i64; 5]) -> iamport::Payment {
    let [started, paid, failed, cancelled, vbank_date] = times;
    let json = serde_json::json!({
        "imp_uid": "imp_900000000001", "merchant_uid": merchant_uid, "amount": amount,
        "cancel_amount": 0, "currency": "KRW", "status": status, "pay_method": "vbank",
        "vbank_name": "국민은행", "vbank_num": "123-456", "vbank_holder": "판뮤직",
        "vbank_date": vbank_date, "started_at": started, "paid_at": paid,
        "failed_at": failed, "cancelled_at": cancelled,
    });
    match serde_json::from_value(json) {
        Ok(p) => p,
        Err(e) => panic!("a payment with any i64 times decodes: {e}"),
    }
}

fn check_plan(
    orders: &[OpenOrder],
    cursor: Option<i64>,
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    full: bool,
) -> Result<(), TestCaseError> {
    let policy = PollPolicy::default();
    let input = PlanInput {
        orders,
        cursor,
        last_feed_at: last,
        now,
        iamport_offset: chrono::Duration::zero(),
        full,
        policy: &policy,
    };
    let planned = plan(&input);
    for o in orders {
        let (at, _last) = next_check(o, now, &policy);
        prop_assert!(at >= now, "a next check is never in the past: {at} < {now}");
    }
    let wake = wake_at(orders, last, None, now, &policy);
    prop_assert!(
        wake >= now,
        "the engine never wakes before now: {wake} < {now}"
    );
    let window = feed_window(&input);
    prop_assert!(
        window.from >= 0,
        "the feed never asks before 1970: {}",
        window.from
    );
    prop_assert!(
        window.from <= now.timestamp().max(0),
        "the feed never starts after now (a future cursor would hide every new payment): from {} now {}",
        window.from,
        now.timestamp()
    );
    if let Some(to) = window.to {
        prop_assert!(
            to > window.from,
            "a cut window is not empty: {} .. {}",
            window.from,
            to
        );
    }
    if let Some(feed) = planned.feed {
        prop_assert_eq!(feed, window, "the plan's feed is the feed window");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_planner_survives_any_instant_and_cursor(
        specs in proptest::collection::vec((0u8..3, instant(), proptest::option::of(instant()), proptest::option::of(instant())), 0..6),
        cursor in proptest::option::of(wire_secs()),
        last in proptest::option::of(instant()),
        now in instant(),
        full in any::<bool>(),
    ) {
        let states = [OrderState::Created, OrderState::AwaitingPayment, OrderState::VbankIssued];
        let orders: Vec<OpenOrder> = specs.iter().enumerate().map(|(i, (s, since, next, due))| OpenOrder {
            merchant_uid: format!("order_{i}"),
            state: states[usize::from(*s)],
            since: *since,
            next_check_at: *next,
            vbank_due: *due,
        }).collect();
        check_plan(&orders, cursor, last, now, full)?;
    }

    #[test]
    fn a_virtual_account_with_any_deadline_goes_through_the_order_book_and_the_planner(
        times in [wire_secs(), wire_secs(), wire_secs(), wire_secs(), wire_secs()],
    ) {
        let store = store();
        let order = card_order(&store, "pass_1m");
        let p = payment(&order.merchant_uid, order.amount, "ready", times);
        let _decided = reconcile(&order, &p);
        let applied = apply_payment(&store, &p, "poll");
        prop_assert!(applied.is_ok(), "an issued virtual account is applied whatever its times: {:?}", applied.err());
        let open: Vec<OpenOrder> = match store.open_orders() {
            Ok(orders) => orders.iter().map(OpenOrder::from).collect(),
            Err(e) => return Err(TestCaseError::fail(format!("open orders read back: {e}"))),
        };
        prop_assert_eq!(open.len(), 1, "the order is still open");
        check_plan(&open, None, None, Utc::now(), false)?;
        check_plan(&open, None, None, Utc::now(), true)?;
    }

    #[test]
    fn reconcile_decides_any_status_with_any_times(
        status in prop_oneof![Just("ready"), Just("paid"), Just("failed"), Just("cancelled")],
        times in [wire_secs(), wire_secs(), wire_secs(), wire_secs(), wire_secs()],
    ) {
        let store = store();
        let order = card_order(&store, "pass_1m");
        let p = payment(&order.merchant_uid, order.amount, status, times);
        let _decided = reconcile(&order, &p);
        prop_assert!(apply_payment(&store, &p, "change_feed").is_ok(), "applying never fails on times");
    }

    #[test]
    fn the_change_feed_survives_any_status_time(
        page in proptest::collection::vec((prop_oneof![Just("ready"), Just("paid"), Just("failed"), Just("cancelled")], [wire_secs(), wire_secs(), wire_secs(), wire_secs(), wire_secs()]), 0..5),
        from in wire_secs(),
        page_no in any::<u32>(),
        forget in wire_secs(),
    ) {
        let list: Vec<iamport::Payment> = page.iter().map(|(s, t)| payment("order_x", 1000, s, *t)).collect();
        let mut seen = Seen::default();
        for p in &list {
            let _t = status_time(p);
            seen.remember(p);
        }
        let (next_from, next_no) = next_page(from, page_no, &list);
        prop_assert!(next_from >= from || next_no > page_no || page_no == u32::MAX, "paging always moves on");
        seen.forget_before(forget);
    }

    #[test]
    fn dunning_survives_any_first_failure(
        first in instant(),
        done in any::<u32>(),
        days in proptest::collection::vec(any::<i64>(), 0..6),
    ) {
        let policy = DunningPolicy::from_days(&days);
        if let DunningStep::RetryAt(at) = next_step(&policy, first, done, DeclineKind::Soft) {
            prop_assert!(at >= first, "a retry is never before the first failure");
        }
    }
}

#[test]
fn a_cursor_in_the_future_is_pulled_back_to_now() {
    let now = Utc
        .with_ymd_and_hms(2026, 3, 1, 3, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let policy = PollPolicy::default();
    let input = PlanInput {
        orders: &[],
        cursor: Some(now.timestamp() + 10 * 365 * 24 * 3600),
        last_feed_at: None,
        now,
        iamport_offset: chrono::Duration::zero(),
        full: false,
        policy: &policy,
    };
    let window = feed_window(&input);
    let overlap = i64::try_from(policy.overlap.as_secs()).unwrap_or(0);
    assert_eq!(
        window.from,
        now.timestamp() + CURSOR_SKEW_SECS - overlap,
        "a stored cursor years ahead counts as now plus the skew allowance, so new payments are still seen"
    );
}
