use chrono::{Datelike, TimeZone};
use proptest::prelude::*;

use super::*;
use crate::format::kst;
use crate::subscription::period::days_in_month;

fn kst_at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    match kst().with_ymd_and_hms(y, m, d, h, 0, 0).single() {
        Some(t) => t.with_timezone(&Utc),
        None => panic!("{y}-{m}-{d} {h}:00 is a valid KST time"),
    }
}

fn kst_date(t: DateTime<Utc>) -> (i32, u32, u32) {
    let l = t.with_timezone(&kst());
    (l.year(), l.month(), l.day())
}

fn pass(id: &str, months: u32, paid_at: DateTime<Utc>) -> PaidPass {
    PaidPass {
        merchant_uid: id.into(),
        plan_id: format!("pass_{months}m"),
        months,
        paid_at,
        refunded: false,
        partially_refunded: false,
    }
}

fn at(passes: &[PaidPass], now: DateTime<Utc>) -> Entitlement {
    entitlement(passes, &[], &DunningPolicy::default(), now)
}

#[test]
fn a_one_month_pass_paid_on_31_january_ends_on_the_last_day_of_february() {
    let e = at(
        &[pass("order_a", 1, kst_at(2027, 1, 31, 10))],
        kst_at(2027, 2, 1, 0),
    );
    assert_eq!(
        e.active_until.map(kst_date),
        Some((2027, 2, 28)),
        "31 Jan + 1 month = 28 Feb (2027 is not a leap year)"
    );
    let leap = at(
        &[pass("order_b", 1, kst_at(2028, 1, 31, 10))],
        kst_at(2028, 2, 1, 0),
    );
    assert_eq!(
        leap.active_until.map(kst_date),
        Some((2028, 2, 29)),
        "29 Feb in a leap year"
    );
}

#[test]
fn a_three_month_pass_grants_three_calendar_months() {
    let e = at(
        &[pass("order_a", 3, kst_at(2026, 10, 29, 15))],
        kst_at(2026, 11, 1, 0),
    );
    assert_eq!(
        e.active_until.map(kst_date),
        Some((2027, 1, 29)),
        "29 Oct + 3 months"
    );
    assert_eq!(e.current.len(), 1, "the pass grants the music now");
    assert_eq!(
        e.current[0].source, "order_a",
        "the source is the order's merchant_uid"
    );
}

#[test]
fn a_pass_paid_while_another_runs_starts_when_it_ends() {
    let first = pass("order_a", 1, kst_at(2026, 11, 1, 9));
    let second = pass("order_b", 1, kst_at(2026, 11, 15, 9));
    let e = at(&[second, first], kst_at(2026, 11, 20, 0));
    assert_eq!(e.periods.len(), 2, "two periods");
    assert_eq!(
        e.periods[1].start, e.periods[0].end,
        "the second starts at the first's end"
    );
    assert_eq!(
        e.active_until.map(kst_date),
        Some((2027, 1, 1)),
        "1 Nov + 1 + 1 month"
    );
}

#[test]
fn a_full_refund_removes_the_period_and_later_passes_move_back() {
    let mut first = pass("order_a", 1, kst_at(2026, 11, 1, 9));
    let second = pass("order_b", 1, kst_at(2026, 11, 15, 9));
    first.refunded = true;
    let e = at(&[first, second.clone()], kst_at(2026, 11, 20, 0));
    assert_eq!(e.periods.len(), 1, "the refunded pass grants nothing");
    assert_eq!(
        e.periods[0].start, second.paid_at,
        "the later pass starts when it was paid"
    );
    assert_eq!(
        e.active_until.map(kst_date),
        Some((2026, 12, 15)),
        "15 Nov + 1 month"
    );
}

#[test]
fn a_partial_refund_keeps_the_period_and_says_so() {
    let mut p = pass("order_a", 1, kst_at(2026, 11, 1, 9));
    p.partially_refunded = true;
    let e = at(&[p], kst_at(2026, 11, 2, 0));
    assert_eq!(
        e.active_until.map(kst_date),
        Some((2026, 12, 1)),
        "the whole month is kept"
    );
    assert!(
        e.current[0].partially_refunded,
        "marked as partly refunded for the UI"
    );
}

#[test]
fn no_pass_means_no_music_and_an_ended_pass_too() {
    assert_eq!(
        at(&[], kst_at(2026, 11, 2, 0)).active_until,
        None,
        "nothing bought"
    );
    let e = at(
        &[pass("order_a", 1, kst_at(2026, 9, 1, 9))],
        kst_at(2026, 11, 2, 0),
    );
    assert_eq!(e.active_until, None, "ended on 1 Oct");
    assert_eq!(e.periods.len(), 1, "the past period is still listed");
}

#[test]
fn the_warning_starts_seven_days_before_the_end() {
    let p = [pass("order_a", 1, kst_at(2026, 11, 1, 9))];
    assert!(
        !at(&p, kst_at(2026, 11, 24, 8)).ends_soon,
        "7 days and 1 hour before: no warning"
    );
    assert!(
        at(&p, kst_at(2026, 11, 24, 9)).ends_soon,
        "7 days before: warning"
    );
}

fn sub(charges: Vec<(DateTime<Utc>, DateTime<Utc>, bool)>, past_due: bool) -> SubscriptionGrant {
    SubscriptionGrant {
        id: "sub_1".into(),
        plan_id: "sub_monthly".into(),
        past_due,
        first_failed_at: None,
        charges: charges
            .into_iter()
            .enumerate()
            .map(|(i, (start, end, refunded))| PaidCharge {
                merchant_uid: format!("renew_{i}"),
                start,
                end,
                refunded,
            })
            .collect(),
    }
}

#[test]
fn a_subscription_grants_its_paid_periods_and_a_refunded_one_grants_nothing() {
    let (a, b, c) = (
        kst_at(2026, 10, 5, 9),
        kst_at(2026, 11, 5, 9),
        kst_at(2026, 12, 5, 9),
    );
    let policy = DunningPolicy::default();
    let e = entitlement(
        &[],
        &[sub(vec![(a, b, false), (b, c, false)], false)],
        &policy,
        b,
    );
    assert_eq!(
        e.active_until,
        Some(c),
        "two paid periods run until the second ends"
    );
    assert_eq!(
        e.current[0].source, "sub_1",
        "the source is the subscription id"
    );
    let refunded = entitlement(
        &[],
        &[sub(vec![(a, b, false), (b, c, true)], false)],
        &policy,
        b,
    );
    assert_eq!(
        refunded.active_until, None,
        "the refunded period grants nothing"
    );
}

#[test]
fn past_due_keeps_the_dunning_window_as_grace_and_unpaid_does_not() {
    let (a, b) = (kst_at(2026, 10, 5, 9), kst_at(2026, 11, 5, 9));
    let policy = DunningPolicy::default();
    let now = kst_at(2026, 11, 10, 0);
    let grace = entitlement(&[], &[sub(vec![(a, b, false)], true)], &policy, now);
    assert_eq!(
        grace.active_until,
        Some(b + Duration::days(14)),
        "14-day dunning window"
    );
    assert_eq!(
        grace.current[0].kind,
        GrantKind::Grace,
        "granted by the grace period"
    );
    let unpaid = entitlement(&[], &[sub(vec![(a, b, false)], false)], &policy, now);
    assert_eq!(unpaid.active_until, None, "no grace once unpaid");
}

#[test]
fn a_pass_and_a_subscription_back_to_back_run_as_one() {
    let (a, b, c) = (
        kst_at(2026, 10, 5, 9),
        kst_at(2026, 11, 5, 9),
        kst_at(2026, 12, 5, 9),
    );
    let e = entitlement(
        &[pass("order_a", 1, kst_at(2026, 10, 5, 9))],
        &[sub(vec![(b, c, false)], false)],
        &DunningPolicy::default(),
        a + Duration::days(1),
    );
    assert_eq!(
        e.active_until,
        Some(c),
        "the run continues into the subscription period"
    );
}

fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2000..2100, to the second.
    (946_684_800i64..4_102_444_800)
        .prop_map(|s| Utc.timestamp_opt(s, 0).single().unwrap_or_default())
}

proptest! {
    #[test]
    fn adding_months_lands_on_the_anchor_day_or_the_months_last_day(start in any_instant(), months in 1u32..=24) {
        let end = add_months(start, months);
        prop_assert!(end.is_some(), "representable");
        let end = end.unwrap_or(start);
        let (y, m, d) = kst_date(end);
        let anchor = start.with_timezone(&kst()).day();
        prop_assert_eq!(d, anchor.min(days_in_month(y, m)), "anchor day, clamped");
        let days = (end - start).num_days();
        prop_assert!(days >= 28 * i64::from(months) - 3 && days <= 31 * i64::from(months), "about {} months: {} days", months, days);
        prop_assert_eq!(end.with_timezone(&kst()).time(), start.with_timezone(&kst()).time(), "same KST time of day");
    }

    #[test]
    fn stacked_passes_never_overlap_and_never_start_before_they_were_paid(
        buys in proptest::collection::vec((any_instant(), 1u32..=3), 0..8)
    ) {
        let passes: Vec<PaidPass> = buys.iter().enumerate()
            .map(|(i, (t, m))| pass(&format!("order_{i:02}"), *m, *t)).collect();
        let periods = pass_periods(&passes);
        prop_assert_eq!(periods.len(), passes.len(), "one period per paid pass");
        for w in periods.windows(2) {
            prop_assert!(w[1].start >= w[0].end, "no overlap");
        }
        for p in &periods {
            let paid = passes.iter().find(|x| x.merchant_uid == p.source).map(|x| (x.paid_at, x.months));
            prop_assert!(paid.is_some_and(|(t, _)| p.start >= t), "starts at or after payment");
            prop_assert_eq!(Some(p.end), paid.and_then(|(_, m)| add_months(p.start, m)), "its months from its start");
        }
    }

    #[test]
    fn a_full_refund_is_the_same_as_never_buying_and_moves_nothing_later(
        buys in proptest::collection::vec((any_instant(), 1u32..=3), 1..8),
        pick in any::<prop::sample::Index>(),
    ) {
        let passes: Vec<PaidPass> = buys.iter().enumerate()
            .map(|(i, (t, m))| pass(&format!("order_{i:02}"), *m, *t)).collect();
        let k = pick.index(passes.len());
        let mut refunded = passes.clone();
        refunded[k].refunded = true;
        let mut without = passes.clone();
        without.remove(k);
        prop_assert_eq!(pass_periods(&refunded), pass_periods(&without), "refunded = never bought");
        let before = pass_periods(&passes);
        for p in pass_periods(&refunded) {
            let old = before.iter().find(|o| o.source == p.source).map(|o| o.start);
            prop_assert!(old.is_some_and(|s| p.start <= s), "later passes only move back");
        }
    }

    #[test]
    fn a_partial_refund_changes_no_period(
        buys in proptest::collection::vec((any_instant(), 1u32..=3), 1..8),
        pick in any::<prop::sample::Index>(),
    ) {
        let passes: Vec<PaidPass> = buys.iter().enumerate()
            .map(|(i, (t, m))| pass(&format!("order_{i:02}"), *m, *t)).collect();
        let mut partial = passes.clone();
        let k = pick.index(passes.len());
        partial[k].partially_refunded = true;
        let strip = |v: Vec<GrantedPeriod>| v.into_iter().map(|p| (p.start, p.end, p.source)).collect::<Vec<_>>();
        prop_assert_eq!(strip(pass_periods(&partial)), strip(pass_periods(&passes)), "same periods");
    }
}
