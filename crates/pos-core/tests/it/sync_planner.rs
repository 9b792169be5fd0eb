//! The poll planner as a table: what is asked of Iamport for which orders, and when.

use chrono::{DateTime, Duration, TimeZone, Utc};
use pos_core::sync::planner::{
    feed_window, next_check, plan, wake_at, OpenOrder, PlanInput, PollPolicy, FEED_WINDOW_SECS,
    LOOKUP_BATCH,
};
use pos_core::OrderState;
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
}

fn order(id: usize, state: OrderState, age: Duration, next: Option<Duration>) -> OpenOrder {
    OpenOrder {
        merchant_uid: format!("order_{id:05}"),
        state,
        since: t0() - age,
        next_check_at: next.map(|d| t0() + d),
        vbank_due: None,
    }
}

fn input<'a>(orders: &'a [OpenOrder], policy: &'a PollPolicy) -> PlanInput<'a> {
    PlanInput {
        orders,
        cursor: None,
        last_feed_at: Some(t0()),
        now: t0(),
        iamport_offset: chrono::Duration::zero(),
        full: false,
        policy,
    }
}

#[test]
fn an_order_never_checked_is_looked_up_now() {
    let p = PollPolicy::default();
    let orders = [order(
        1,
        OrderState::AwaitingPayment,
        Duration::seconds(3),
        None,
    )];
    let planned = plan(&input(&orders, &p));
    assert_eq!(
        planned.lookups,
        vec![vec!["order_00001".to_string()]],
        "one lookup of the new order"
    );
}

#[test]
fn an_order_whose_next_check_is_later_is_not_looked_up() {
    let p = PollPolicy::default();
    let orders = [order(
        1,
        OrderState::AwaitingPayment,
        Duration::seconds(3),
        Some(Duration::seconds(4)),
    )];
    assert!(
        plan(&input(&orders, &p)).lookups.is_empty(),
        "not due: no request"
    );
}

#[test]
fn a_full_cycle_looks_up_every_open_order_whatever_its_next_check() {
    let p = PollPolicy::default();
    let orders = [order(
        1,
        OrderState::Created,
        Duration::hours(1),
        Some(Duration::hours(1)),
    )];
    let mut i = input(&orders, &p);
    i.full = true;
    assert_eq!(
        plan(&i).lookups.len(),
        1,
        "sync --once asks about everything open"
    );
}

#[test]
fn due_orders_are_asked_in_batches_of_at_most_one_hundred() {
    let p = PollPolicy::default();
    let orders: Vec<OpenOrder> = (0..250)
        .map(|i| order(i, OrderState::AwaitingPayment, Duration::minutes(1), None))
        .collect();
    let sizes: Vec<usize> = plan(&input(&orders, &p))
        .lookups
        .iter()
        .map(Vec::len)
        .collect();
    assert_eq!(
        sizes,
        vec![100, 100, 50],
        "250 orders cost three calls, not 250"
    );
}

#[test]
fn the_cadence_follows_state_and_age() {
    let p = PollPolicy::default();
    let vbank_due = |due_in: Duration| OpenOrder {
        vbank_due: Some(t0() + due_in),
        ..order(9, OrderState::VbankIssued, Duration::hours(1), None)
    };
    let table: Vec<(&str, OpenOrder, Duration, bool)> = vec![
        (
            "window just closed",
            order(1, OrderState::AwaitingPayment, Duration::seconds(30), None),
            Duration::seconds(5),
            false,
        ),
        (
            "window closed 10 min ago",
            order(1, OrderState::AwaitingPayment, Duration::minutes(10), None),
            Duration::seconds(60),
            false,
        ),
        (
            "window closed 2 h ago",
            order(1, OrderState::AwaitingPayment, Duration::hours(2), None),
            Duration::minutes(15),
            false,
        ),
        (
            "created 23h55m ago: capped at the give-up point",
            order(
                1,
                OrderState::Created,
                Duration::minutes(23 * 60 + 55),
                None,
            ),
            Duration::minutes(5),
            false,
        ),
        (
            "window closed 25 h ago: last check",
            order(1, OrderState::AwaitingPayment, Duration::hours(25), None),
            Duration::zero(),
            true,
        ),
        (
            "created 25 h ago: last check",
            order(1, OrderState::Created, Duration::hours(25), None),
            Duration::zero(),
            true,
        ),
        (
            "vbank due in 2 days",
            vbank_due(Duration::days(2)),
            Duration::minutes(10),
            false,
        ),
        (
            "vbank 5 min past due: checked when the grace ends",
            vbank_due(Duration::minutes(-5)),
            Duration::minutes(5),
            false,
        ),
        (
            "vbank 11 min past due: last check",
            vbank_due(Duration::minutes(-11)),
            Duration::zero(),
            true,
        ),
    ];
    for (case, o, after, last) in table {
        let (at, is_last) = next_check(&o, t0(), &p);
        assert_eq!((at - t0(), is_last), (after, last), "{case}");
    }
}

#[test]
fn orders_past_their_give_up_point_get_a_last_check() {
    let p = PollPolicy::default();
    let orders = [
        order(1, OrderState::AwaitingPayment, Duration::hours(30), None),
        order(2, OrderState::AwaitingPayment, Duration::minutes(5), None),
    ];
    let planned = plan(&input(&orders, &p));
    assert_eq!(
        planned.last_checks,
        vec!["order_00001".to_string()],
        "only the old one may be abandoned"
    );
    assert_eq!(
        planned.lookups[0].len(),
        2,
        "both are still looked up first"
    );
}

#[test]
fn the_feed_runs_every_sweep_when_nothing_is_open() {
    let p = PollPolicy::default();
    let mut i = input(&[], &p);
    i.last_feed_at = Some(t0() - Duration::seconds(299));
    assert!(plan(&i).feed.is_none(), "not before the sweep interval");
    i.last_feed_at = Some(t0() - Duration::seconds(300));
    assert!(plan(&i).feed.is_some(), "once per sweep interval");
    assert_eq!(
        plan(&i).min_requests(),
        1,
        "nothing open: one request per sweep"
    );
}

#[test]
fn the_feed_runs_more_often_while_orders_are_open() {
    let p = PollPolicy::default();
    let orders = [order(
        1,
        OrderState::VbankIssued,
        Duration::hours(1),
        Some(Duration::minutes(5)),
    )];
    let mut i = input(&orders, &p);
    i.last_feed_at = Some(t0() - Duration::seconds(30));
    assert!(
        plan(&i).feed.is_some(),
        "every 30 s while something is open"
    );
}

#[test]
fn the_feed_starts_at_the_cursor_minus_the_overlap() {
    let p = PollPolicy::default();
    let mut i = input(&[], &p);
    i.cursor = Some(t0().timestamp() - 1000);
    let w = feed_window(&i);
    assert_eq!(
        (w.from, w.to),
        (t0().timestamp() - 1120, None),
        "120 s overlap, open end"
    );
}

#[test]
fn without_a_cursor_the_feed_starts_at_the_oldest_open_order() {
    let p = PollPolicy::default();
    let orders = [
        order(1, OrderState::Created, Duration::hours(2), None),
        order(2, OrderState::Created, Duration::hours(5), None),
    ];
    let w = feed_window(&input(&orders, &p));
    assert_eq!(
        w.from,
        (t0() - Duration::hours(5)).timestamp() - 120,
        "the oldest open order bounds the first window"
    );
}

#[test]
fn a_cursor_older_than_ninety_days_is_walked_one_window_at_a_time() {
    let p = PollPolicy::default();
    let mut i = input(&[], &p);
    i.cursor = Some((t0() - Duration::days(200)).timestamp());
    let w = feed_window(&i);
    assert_eq!(
        w.to.map(|to| to - w.from),
        Some(FEED_WINDOW_SECS),
        "the API allows 90 days per request"
    );
}

#[test]
fn the_engine_sleeps_a_sweep_when_nothing_is_open() {
    let p = PollPolicy::default();
    let wake = wake_at(&[], Some(t0()), None, t0(), &p);
    assert_eq!(
        wake - t0(),
        Duration::seconds(300),
        "idle: wake once per sweep"
    );
}

#[test]
fn the_engine_wakes_for_the_earliest_check_or_job() {
    let p = PollPolicy::default();
    let orders = [order(
        1,
        OrderState::AwaitingPayment,
        Duration::seconds(10),
        Some(Duration::seconds(5)),
    )];
    assert_eq!(
        wake_at(&orders, Some(t0()), None, t0(), &p) - t0(),
        Duration::seconds(5),
        "the order's next check"
    );
    assert_eq!(
        wake_at(
            &orders,
            Some(t0()),
            Some(t0() + Duration::seconds(2)),
            t0(),
            &p
        ) - t0(),
        Duration::seconds(2),
        "a job due earlier"
    );
    assert_eq!(
        wake_at(
            &orders,
            Some(t0()),
            Some(t0() - Duration::hours(1)),
            t0(),
            &p
        ),
        t0(),
        "overdue work: now, never the past"
    );
}

proptest! {
    #[test]
    fn every_due_order_is_asked_exactly_once_and_nothing_else(
        specs in proptest::collection::vec((0u8..3, 0i64..200_000, proptest::option::of(-600i64..600)), 0..450),
        full in any::<bool>(),
    ) {
        let p = PollPolicy::default();
        let states = [OrderState::Created, OrderState::AwaitingPayment, OrderState::VbankIssued];
        let orders: Vec<OpenOrder> = specs.iter().enumerate().map(|(i, (s, age, next))| {
            order(i, states[usize::from(*s)], Duration::seconds(*age), next.map(Duration::seconds))
        }).collect();
        let mut i = input(&orders, &p);
        i.full = full;
        let planned = plan(&i);
        let asked: Vec<&String> = planned.lookups.iter().flatten().collect();
        let due: Vec<&String> = orders.iter()
            .filter(|o| full || o.next_check_at.is_none_or(|at| at <= t0()))
            .map(|o| &o.merchant_uid).collect();
        prop_assert!(planned.lookups.iter().all(|b| !b.is_empty() && b.len() <= LOOKUP_BATCH), "batches of 1..=100");
        prop_assert_eq!(planned.lookups.len(), due.len().div_ceil(LOOKUP_BATCH), "as few calls as possible");
        let mut a = asked.clone(); a.sort(); a.dedup();
        prop_assert_eq!(a.len(), asked.len(), "nobody asked twice");
        let mut d = due.clone(); d.sort();
        prop_assert_eq!(a, d, "exactly the due orders");
        prop_assert!(planned.last_checks.iter().all(|m| asked.contains(&m)), "a last check is always a lookup");
    }
}
