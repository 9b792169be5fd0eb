//! Renewals and dunning against the sandbox, driven by its clock.

use chrono::{DateTime, Datelike, Duration, Utc};
use pos_core::store::{ChargeRequest, OrderKind, OrderState, SubscriptionState};
use pos_core::subscription::period::{days_in_month, kst};
use pos_core::subscription::{apply_renewal_payment, poll_due, Settled};

use super::subscription_support::{renew_once, reread, subscribed, Sbx};
use crate::relay_support::{over_both, Backend};

/// Seconds from `now` to the next instant whose KST date is the 31st (at the same time).
fn until_next_31st(now: DateTime<Utc>) -> i64 {
    let mut t = now;
    while t.with_timezone(&kst()).day() != 31 {
        t += Duration::days(1);
    }
    (t - now).num_seconds()
}

async fn twelve_renewals_from_the_31st_are_twelve_paid_periods_on_the_anchor_day(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let now = sbx.now().await;
    sbx.advance(until_next_31st(now)).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_renewals").await;
    assert_eq!(
        sub.state,
        SubscriptionState::Active,
        "the first period is paid"
    );
    assert_eq!(sub.anchor_day, Some(31), "started on the 31st (KST)");
    for month in 1..=12 {
        let after = renew_once(&sbx, &subs, &sub.id).await;
        assert_eq!(
            after.state,
            SubscriptionState::Active,
            "renewal {month} paid"
        );
    }
    let charges = subs
        .store
        .subscription_charges(&sub.id)
        .unwrap_or_else(|e| panic!("charges: {e}"));
    let paid: Vec<_> = charges
        .iter()
        .filter(|c| {
            subs.store
                .order(&c.merchant_uid)
                .is_ok_and(|o| o.state == OrderState::Paid && o.kind == OrderKind::Renewal)
        })
        .collect();
    assert_eq!(
        paid.len(),
        13,
        "the first period and exactly twelve renewals are paid"
    );
    for pair in paid.windows(2) {
        assert_eq!(
            pair[0].period_end, pair[1].period_start,
            "periods follow each other without gap or overlap"
        );
    }
    for c in paid.iter().skip(1) {
        let end = c
            .period_end
            .unwrap_or_else(|| panic!("renewal {} has an end", c.period_no))
            .with_timezone(&kst());
        assert_eq!(
            end.day(),
            31.min(days_in_month(end.year(), end.month())),
            "period {} ends on the 31st or the month's last day",
            c.period_no
        );
    }
    let client = sbx.iamport();
    for c in &paid {
        let all = client
            .find_all_payments(&c.merchant_uid, None)
            .await
            .unwrap_or_else(|e| panic!("payments of {}: {e}", c.merchant_uid));
        assert_eq!(
            all.len(),
            1,
            "period {} was charged exactly once",
            c.period_no
        );
    }
    let last = reread(&subs.store, &sub.id);
    let next = subs
        .store
        .subscription_charge(last.next_charge_merchant_uid.as_deref().unwrap_or_default())
        .unwrap_or_else(|e| panic!("next charge: {e}"));
    assert_eq!(
        next.map(|c| c.request),
        Some(ChargeRequest::Sent),
        "the thirteenth renewal is already scheduled (one ahead)"
    );
    sbx.stop().await;
}

async fn a_declining_key_goes_past_due_retries_on_the_policy_days_and_recovers(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_dunning").await;
    let renewed = renew_once(&sbx, &subs, &sub.id).await;
    let failing_period_start = renewed.current_period_end;
    sbx.customer(&sbx.uid("cust_dunning"), true).await;
    let past_due = renew_once(&sbx, &subs, &sub.id).await;
    assert_eq!(
        past_due.state,
        SubscriptionState::PastDue,
        "a soft decline is past_due"
    );
    assert!(
        past_due.state.has_access(),
        "the music keeps playing while past_due"
    );
    let first = past_due
        .first_failed_at
        .unwrap_or_else(|| panic!("first failure recorded"));
    assert_eq!(
        past_due.next_retry_at,
        Some(first + Duration::days(1)),
        "the first retry is one day after the failure"
    );
    for (retries, next_day) in [(1u32, 3i64), (2, 7)] {
        let at = reread(&subs.store, &sub.id)
            .next_retry_at
            .unwrap_or_else(|| panic!("a retry is due"));
        let now = sbx.advance_past(at).await;
        let early = poll_due(&subs, now - Duration::seconds(120))
            .await
            .unwrap_or_else(|e| panic!("poll: {e}"));
        assert_eq!(early.failed, 0, "nothing is retried before its day");
        poll_due(&subs, now)
            .await
            .unwrap_or_else(|e| panic!("poll: {e}"));
        let after = reread(&subs.store, &sub.id);
        assert_eq!(
            after.retry_count, retries,
            "retry {retries} was made and failed"
        );
        assert_eq!(
            after.next_retry_at,
            Some(first + Duration::days(next_day)),
            "the next retry is on day {next_day}"
        );
    }
    sbx.customer(&sbx.uid("cust_dunning"), false).await;
    let at = reread(&subs.store, &sub.id)
        .next_retry_at
        .unwrap_or_else(|| panic!("a retry is due"));
    let now = sbx.advance_past(at).await;
    poll_due(&subs, now)
        .await
        .unwrap_or_else(|e| panic!("poll: {e}"));
    let recovered = reread(&subs.store, &sub.id);
    assert_eq!(
        recovered.state,
        SubscriptionState::Active,
        "the approving key recovers it"
    );
    assert_eq!(
        recovered.current_period_start, failing_period_start,
        "the recovered period is the one that failed: the anchor is kept"
    );
    assert_eq!(recovered.retry_count, 0, "dunning is reset");
    assert!(
        recovered.next_charge_merchant_uid.is_some(),
        "the next period is scheduled again"
    );
    sbx.stop().await;
}
over_both!(a_declining_key_goes_past_due_retries_on_the_policy_days_and_recovers);

async fn a_key_that_keeps_declining_ends_unpaid_after_four_retries(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_unpaid").await;
    sbx.customer(&sbx.uid("cust_unpaid"), true).await;
    let past_due = renew_once(&sbx, &subs, &sub.id).await;
    assert_eq!(
        past_due.state,
        SubscriptionState::PastDue,
        "first failure: past_due"
    );
    for _ in 0..4 {
        let at = reread(&subs.store, &sub.id)
            .next_retry_at
            .unwrap_or_else(|| panic!("a retry is due"));
        let now = sbx.advance_past(at).await;
        poll_due(&subs, now)
            .await
            .unwrap_or_else(|e| panic!("poll: {e}"));
    }
    let unpaid = reread(&subs.store, &sub.id);
    assert_eq!(unpaid.state, SubscriptionState::Unpaid, "retries ran out");
    assert_eq!(unpaid.retry_count, 4, "exactly four retries were made");
    assert_eq!(
        subs.store.subscriptions_needing_attention().ok(),
        Some(1),
        "the status bar counts it"
    );
    assert!(
        unpaid
            .last_failure_reason
            .as_deref()
            .is_some_and(|r| r.contains("재시도")),
        "the owner is told why: {:?}",
        unpaid.last_failure_reason
    );
    let renewal = unpaid.next_charge_merchant_uid.clone().unwrap_or_default();
    let client = sbx.iamport();
    let attempts = client
        .find_all_payments(&renewal, None)
        .await
        .map(|all| all.len())
        .ok();
    assert_eq!(
        attempts,
        Some(5),
        "the scheduled attempt and exactly four retries reached the card company"
    );
    let later = sbx.advance(30 * 86_400).await;
    poll_due(&subs, later)
        .await
        .unwrap_or_else(|e| panic!("poll: {e}"));
    let still = client
        .find_all_payments(&renewal, None)
        .await
        .map(|all| all.len())
        .ok();
    assert_eq!(
        still,
        Some(5),
        "an unpaid subscription is not retried any more"
    );
    sbx.stop().await;
}
over_both!(a_key_that_keeps_declining_ends_unpaid_after_four_retries);

async fn a_deleted_billing_key_is_a_hard_decline_and_never_retried(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_deleted").await;
    sbx.client()
        .delete_billing_key(&sbx.uid("cust_deleted"), None)
        .await
        .unwrap_or_else(|e| panic!("the card is deleted at Iamport: {e}"));
    let after = renew_once(&sbx, &subs, &sub.id).await;
    assert_eq!(
        after.state,
        SubscriptionState::Unpaid,
        "a hard decline is unpaid at once"
    );
    assert_eq!(after.retry_count, 0, "no retry is made");
    assert_eq!(after.next_retry_at, None, "no retry is planned");
    sbx.stop().await;
}
over_both!(a_deleted_billing_key_is_a_hard_decline_and_never_retried);

async fn a_renewal_seen_by_the_change_feed_extends_the_period_once(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_feed").await;
    let next = sub
        .next_charge_merchant_uid
        .clone()
        .unwrap_or_else(|| panic!("a renewal is scheduled"));
    let now = sbx
        .advance_past(sub.next_charge_at.unwrap_or_else(|| panic!("has a time")))
        .await;
    let payment = sbx
        .client()
        .find_payment(&next, None)
        .await
        .unwrap_or_else(|e| panic!("the schedule ran: {e}"));
    // The sync engine applies a page of payments in one batch (writes become savepoints).
    let first = subs
        .store
        .batch(|s| apply_renewal_payment(s, &payment, now))
        .unwrap_or_else(|e| panic!("apply inside a batch: {e}"));
    let again = apply_renewal_payment(&subs.store, &payment, now)
        .unwrap_or_else(|e| panic!("apply twice: {e}"));
    assert_eq!(first, Settled::Paid, "the feed's payment pays the period");
    assert_eq!(
        again,
        Settled::Unchanged,
        "applying it again changes nothing"
    );
    let after = reread(&subs.store, &sub.id);
    assert_eq!(
        after.current_period_start, sub.current_period_end,
        "extended by exactly one period"
    );
    sbx.stop().await;
}
over_both!(a_renewal_seen_by_the_change_feed_extends_the_period_once);

async fn retry_now_recovers_at_once_and_a_late_failure_changes_nothing(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_retry_now").await;
    sbx.customer(&sbx.uid("cust_retry_now"), true).await;
    let past_due = renew_once(&sbx, &subs, &sub.id).await;
    assert_eq!(
        past_due.state,
        SubscriptionState::PastDue,
        "the renewal failed"
    );
    let renewal = past_due
        .next_charge_merchant_uid
        .clone()
        .unwrap_or_default();
    sbx.customer(&sbx.uid("cust_retry_now"), false).await;
    let now = sbx.now().await;
    let recovered = subs
        .retry_now(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("retry now: {e}"));
    assert_eq!(
        recovered.state,
        SubscriptionState::Active,
        "지금 다시 시도 pays at once"
    );
    let attempts = sbx
        .iamport()
        .find_all_payments(&renewal, None)
        .await
        .unwrap_or_else(|e| panic!("attempts: {e}"));
    let failed = attempts
        .iter()
        .find(|p| !p.is_paid())
        .unwrap_or_else(|| panic!("the failed attempt exists: {attempts:?}"));
    let late = apply_renewal_payment(&subs.store, failed, now)
        .unwrap_or_else(|e| panic!("apply late failure: {e}"));
    assert_eq!(
        late,
        Settled::Unchanged,
        "an old failure seen late changes nothing"
    );
    let order = subs
        .store
        .order(&renewal)
        .unwrap_or_else(|e| panic!("order: {e}"));
    assert_eq!(order.state, OrderState::Paid, "the paid renewal stays paid");
    assert_eq!(
        reread(&subs.store, &sub.id),
        recovered,
        "the subscription is untouched"
    );
    sbx.stop().await;
}
over_both!(retry_now_recovers_at_once_and_a_late_failure_changes_nothing);

over_both!(twelve_renewals_from_the_31st_are_twelve_paid_periods_on_the_anchor_day);
