use chrono::TimeZone;

use super::*;
use crate::JobState;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .single()
        .expect("valid test time")
}

fn order_event(id: i64, from: Option<OrderState>, to: OrderState) -> OrderEvent {
    OrderEvent {
        id,
        merchant_uid: format!("order_01JF3XG5Z8W9Q2T4A{id:04}"),
        at: at(30, 1),
        from_state: from,
        to_state: to,
        cause: "poll".into(),
        detail: serde_json::Value::Null,
    }
}

fn sub_event(id: i64, from: SubscriptionState, to: SubscriptionState) -> SubscriptionEvent {
    SubscriptionEvent {
        id,
        subscription_id: "sub_1".into(),
        at: at(30, 1),
        from_state: Some(from),
        to_state: to,
        cause: "renewal_failed".into(),
        detail: serde_json::Value::Null,
    }
}

fn parked(id: i64, kind: &str) -> Job {
    Job {
        id,
        kind: kind.into(),
        merchant_uid: format!("order_01JF3XG5Z8W9Q2T4B{id:04}"),
        payload: serde_json::Value::Null,
        state: JobState::NeedsAttention,
        attempts: 5,
        next_run_at: at(30, 1),
        last_error: Some("거절".into()),
        outcome_unknown: false,
        claimed_by: None,
        claimed_pid: None,
        claimed_pid_started: None,
    }
}

fn changes<'a>(
    order_events: &'a [OrderEvent],
    subscription_events: &'a [SubscriptionEvent],
    parked_jobs: &'a [Job],
    pass_ends_at: Option<DateTime<Utc>>,
) -> Changes<'a> {
    Changes {
        order_events,
        subscription_events,
        parked_jobs,
        pass_ends_at,
        now: at(30, 1),
    }
}

fn kinds(notices: &[Notice]) -> Vec<NoticeKind> {
    notices.iter().map(|n| n.kind).collect()
}

#[test]
fn a_deposit_into_a_virtual_account_is_announced() {
    let events = [
        order_event(1, None, OrderState::Created),
        order_event(2, Some(OrderState::Created), OrderState::VbankIssued),
        order_event(3, Some(OrderState::VbankIssued), OrderState::Paid),
    ];
    let notices = decide(changes(&events, &[], &[], None), &mut Said::default());
    assert_eq!(
        kinds(&notices),
        [NoticeKind::DepositArrived],
        "only the deposit is news"
    );
    assert!(
        notices[0].body.contains("…2T4A0003"),
        "it names the order by a short id: {}",
        notices[0].body
    );
}

#[test]
fn a_card_payment_is_not_announced() {
    let events = [order_event(
        1,
        Some(OrderState::AwaitingPayment),
        OrderState::Paid,
    )];
    let notices = decide(changes(&events, &[], &[], None), &mut Said::default());
    assert!(
        notices.is_empty(),
        "the owner was at the counter for a card payment: {notices:?}"
    );
}

#[test]
fn a_declined_renewal_is_announced_once_per_state_change() {
    let events = [
        sub_event(1, SubscriptionState::Active, SubscriptionState::PastDue),
        sub_event(2, SubscriptionState::PastDue, SubscriptionState::PastDue),
        sub_event(3, SubscriptionState::PastDue, SubscriptionState::Unpaid),
        sub_event(4, SubscriptionState::PastDue, SubscriptionState::Active),
    ];
    let notices = decide(changes(&[], &events, &[], None), &mut Said::default());
    assert_eq!(
        kinds(&notices),
        [NoticeKind::RenewalDeclined, NoticeKind::RenewalDeclined],
        "falling past due and then unpaid are news; a retry that stays past due and a recovery are not"
    );
}

#[test]
fn parked_work_is_summed_up_at_start_then_announced_one_by_one() {
    let mut said = Said::default();
    let at_start = [parked(1, "cancel"), parked(2, "verify")];
    let first = decide(changes(&[], &[], &at_start, None), &mut said);
    assert_eq!(
        kinds(&first),
        [NoticeKind::WorkParked],
        "one summary for what was parked before"
    );
    assert!(
        first[0].body.contains("2건"),
        "the summary counts them: {}",
        first[0].body
    );
    let again = decide(changes(&[], &[], &at_start, None), &mut said);
    assert!(again.is_empty(), "nothing new, nothing said: {again:?}");
    let later = [
        parked(1, "cancel"),
        parked(2, "verify"),
        parked(3, "cancel"),
    ];
    let third = decide(changes(&[], &[], &later, None), &mut said);
    assert_eq!(
        kinds(&third),
        [NoticeKind::WorkParked],
        "the newly parked refund is news"
    );
    assert!(
        third[0].title.contains("환불"),
        "a parked cancel is called a refund: {}",
        third[0].title
    );
}

#[test]
fn the_pass_end_is_announced_once_within_seven_days() {
    let mut said = Said::default();
    let far = at(30, 1) + Duration::days(8);
    assert!(
        decide(changes(&[], &[], &[], Some(far)), &mut said).is_empty(),
        "8 days out: not yet"
    );
    let near = at(30, 1) + Duration::days(7);
    let notices = decide(changes(&[], &[], &[], Some(near)), &mut said);
    assert_eq!(
        kinds(&notices),
        [NoticeKind::PassEndsSoon],
        "7 days out: said"
    );
    assert!(
        notices[0].body.contains("2026-12-07 10:00 KST"),
        "the end is given in KST: {}",
        notices[0].body
    );
    assert!(
        decide(changes(&[], &[], &[], Some(near)), &mut said).is_empty(),
        "said once per end date"
    );
    let past = at(30, 1) - Duration::hours(1);
    assert!(
        decide(changes(&[], &[], &[], Some(past)), &mut said).is_empty(),
        "an ended pass is not 'ending soon'"
    );
}

#[test]
fn only_an_end_a_pass_grants_is_watched_not_a_renewing_subscription() {
    use crate::entitlement::{entitlement, PaidCharge, PaidPass, SubscriptionGrant};
    use crate::subscription::DunningPolicy;

    let now = at(30, 1);
    let pass = PaidPass {
        merchant_uid: "order_a".into(),
        plan_id: "pass_1m".into(),
        months: 1,
        paid_at: now - Duration::days(25),
        refunded: false,
        partially_refunded: false,
    };
    let sub = SubscriptionGrant {
        id: "sub_1".into(),
        plan_id: "sub_monthly".into(),
        past_due: false,
        first_failed_at: None,
        charges: vec![PaidCharge {
            merchant_uid: "renew_1".into(),
            start: now - Duration::days(25),
            end: now + Duration::days(5),
            refunded: false,
        }],
    };
    let policy = DunningPolicy::default();
    let by_pass = entitlement(std::slice::from_ref(&pass), &[], &policy, now);
    assert_eq!(
        pass_end(&by_pass),
        by_pass.active_until,
        "a pass's end is watched"
    );
    assert!(by_pass.active_until.is_some(), "the pass runs now");
    let by_sub = entitlement(&[], std::slice::from_ref(&sub), &policy, now);
    assert!(by_sub.ends_soon, "the period ends within 7 days");
    assert_eq!(
        pass_end(&by_sub),
        None,
        "a subscription renews by itself: its period end is not announced"
    );
}

#[test]
fn a_subscription_that_will_not_renew_has_its_end_announced() {
    use crate::entitlement::{entitlement, PaidCharge, SubscriptionGrant};
    use crate::subscription::DunningPolicy;

    let now = at(30, 1);
    let sub = SubscriptionGrant {
        id: "sub_1".into(),
        plan_id: "sub_monthly".into(),
        past_due: false,
        first_failed_at: None,
        charges: vec![PaidCharge {
            merchant_uid: "renew_1".into(),
            start: now - Duration::days(25),
            end: now + Duration::days(5),
            refunded: false,
        }],
    };
    let by_sub = entitlement(
        &[],
        std::slice::from_ref(&sub),
        &DunningPolicy::default(),
        now,
    );
    assert_eq!(
        access_end(&by_sub, &[]),
        None,
        "a subscription that renews: nothing to announce"
    );
    assert_eq!(
        access_end(&by_sub, &["sub_1".to_owned()]),
        by_sub.active_until,
        "cancelled at its period end: its end is announced like a pass's"
    );
    assert_eq!(
        access_end(&by_sub, &["sub_other".to_owned()]),
        None,
        "another subscription's cancel changes nothing"
    );
}
