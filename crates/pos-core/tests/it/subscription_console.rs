//! What a person does to renewals in the Iamport console reaches the books: a refund (full or
//! partial) of a renewal charge, an unscheduled renewal, and a renewal that ran with the wrong
//! amount. Each is done for real at the sandbox; the app notices it through one engine cycle
//! (change feed, lookups, jobs, subscription poll).

use std::sync::Arc;

use chrono::Duration;
use pos_core::store::{OrderState, SubscriptionState};
use pos_core::subscription::{
    entitled_until, history, schedule_notice_ko, Subscriptions, LOOKAHEAD,
};
use pos_core::sync::{CheckoutWork, SyncEngine, SyncOptions};
use pos_core::Store;

use super::subscription_support::{renew_once, reread, Sbx};

/// The domain over a fresh on-disk book (the engine needs one) and the sandbox.
fn book(sbx: &Sbx, dir: &std::path::Path) -> Subscriptions {
    let store = Store::open(dir).unwrap_or_else(|e| panic!("store: {e}"));
    Subscriptions::new(store, sbx.client())
}

/// One engine cycle, as the app runs it.
async fn engine_cycle(sbx: &Sbx, subs: &Subscriptions) {
    let work = Arc::new(CheckoutWork);
    SyncEngine::run_once(
        subs.store.clone(),
        sbx.client(),
        work.clone(),
        work,
        SyncOptions::default(),
        "test",
    )
    .await
    .unwrap_or_else(|e| panic!("one cycle: {e}"));
}

/// Subscribes with `uid` and lets the first renewal run and be applied; returns the
/// subscription's id and the renewal's merchant_uid and imp_uid.
async fn renewed(sbx: &Sbx, subs: &Subscriptions, uid: &str) -> (String, String, String) {
    sbx.customer(uid, false).await;
    let now = sbx.now().await;
    let sub = subs
        .create_with_key("sub_monthly", uid, now)
        .await
        .unwrap_or_else(|e| panic!("subscribe: {e}"));
    let renewal = sub.next_charge_merchant_uid.clone().unwrap_or_default();
    let after = renew_once(sbx, subs, &sub.id).await;
    assert_eq!(after.state, SubscriptionState::Active, "renewal 1 paid");
    let order = subs
        .store
        .order(&renewal)
        .unwrap_or_else(|e| panic!("order: {e}"));
    assert_eq!(order.state, OrderState::Paid, "renewal 1 is paid");
    (sub.id, renewal, order.imp_uid.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_console_refund_of_a_renewal_is_on_the_history_and_withdraws_its_period() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let subs = book(&sbx, dir.path());
    let (id, renewal, imp_uid) = renewed(&sbx, &subs, "cust_console_full").await;
    let charges = subs
        .store
        .subscription_charges(&id)
        .unwrap_or_else(|e| panic!("charges: {e}"));
    let first_end = charges[0].period_end;
    assert_eq!(
        entitled_until(&subs.store, &id).ok().flatten(),
        charges[1].period_end,
        "before the refund, access runs to renewal 1's end"
    );
    sbx.console_cancel(&imp_uid, None).await;
    engine_cycle(&sbx, &subs).await;
    let order = subs.store.order(&renewal).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        order.state,
        OrderState::Refunded,
        "the order mirrors the refund"
    );
    let lines = history(&subs.store, &id).unwrap_or_else(|e| panic!("history: {e}"));
    assert!(
        lines
            .iter()
            .any(|l| l.period_no == 1 && l.state == OrderState::Refunded),
        "the history shows renewal 1 refunded: {lines:?}"
    );
    assert_eq!(
        entitled_until(&subs.store, &id).ok().flatten(),
        first_end,
        "the refunded period gives no access: it ends where the first period ended"
    );
    let sub = reread(&subs.store, &id);
    assert_eq!(
        sub.current_period_end, first_end,
        "the current period goes back to the last one still paid for"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_console_refund_is_on_the_history_and_keeps_the_period() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let subs = book(&sbx, dir.path());
    let (id, renewal, imp_uid) = renewed(&sbx, &subs, "cust_console_part").await;
    let before = reread(&subs.store, &id);
    sbx.console_cancel(&imp_uid, Some(3000)).await;
    engine_cycle(&sbx, &subs).await;
    let order = subs.store.order(&renewal).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (order.state, order.refunded_amount),
        (OrderState::PartiallyRefunded, 3000),
        "the order mirrors the partial refund"
    );
    let events = subs
        .store
        .subscription_events(&id)
        .unwrap_or_else(|e| panic!("events: {e}"));
    assert!(
        events
            .iter()
            .any(|e| e.cause == "period_refunded" && e.detail["refundedAmount"] == 3000),
        "the subscription's history says 3,000원 of renewal 1 was refunded: {events:?}"
    );
    let after = reread(&subs.store, &id);
    assert_eq!(
        after.current_period_end, before.current_period_end,
        "a partial refund keeps the period"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_unscheduled_in_the_console_is_noticed_and_can_be_scheduled_again() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let subs = book(&sbx, dir.path());
    sbx.customer("cust_console_unsched", false).await;
    let now = sbx.now().await;
    let sub = subs
        .create_with_key("sub_monthly", "cust_console_unsched", now)
        .await
        .unwrap_or_else(|e| panic!("subscribe: {e}"));
    let next = sub.next_charge_merchant_uid.clone().unwrap_or_default();
    assert_eq!(
        schedule_notice_ko(&subs.store, &sub).ok().flatten(),
        None,
        "every renewal is scheduled at first"
    );
    sbx.iamport()
        .unschedule("cust_console_unsched", std::slice::from_ref(&next))
        .await
        .unwrap_or_else(|e| panic!("the console's unschedule: {e}"));
    sbx.advance(Duration::days(1).num_seconds()).await;
    engine_cycle(&sbx, &subs).await;
    let sub = reread(&subs.store, &sub.id);
    let notice = schedule_notice_ko(&subs.store, &sub).ok().flatten();
    assert!(
        notice
            .as_deref()
            .is_some_and(|n| n.starts_with("다음 결제 예약 없음")),
        "the subscription says its next payment is not scheduled: {notice:?}"
    );
    let events = subs
        .store
        .subscription_events(&sub.id)
        .unwrap_or_else(|e| panic!("events: {e}"));
    assert!(
        events
            .iter()
            .any(|e| e.cause == "schedule_revoked_at_iamport"),
        "the history says Iamport no longer holds it: {events:?}"
    );
    let now = sbx.now().await;
    let (after, count) = subs
        .schedule_again(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("schedule again: {e}"));
    assert_eq!(count, 1, "the one unscheduled renewal is scheduled again");
    assert_eq!(
        schedule_notice_ko(&subs.store, &after).ok().flatten(),
        None,
        "nothing is missing any more"
    );
    let schedule = sbx
        .iamport()
        .schedule_by_merchant_uid(&next)
        .await
        .unwrap_or_else(|e| panic!("schedule: {e}"));
    assert_eq!(
        schedule.schedule_status,
        iamport::ScheduleStatus::Scheduled,
        "Iamport holds the same merchant_uid again"
    );
    let renewed = renew_once(&sbx, &subs, &sub.id).await;
    assert_eq!(
        subs.store.order(&next).map(|o| o.state).ok(),
        Some(OrderState::Paid),
        "and it is paid on its day: {renewed:?}"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_paid_with_the_wrong_amount_is_cancelled_and_its_period_dunned() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let subs = book(&sbx, dir.path());
    let uid = "cust_console_amount";
    sbx.customer(uid, false).await;
    let now = sbx.now().await;
    let sub = subs
        .create_with_key("sub_monthly", uid, now)
        .await
        .unwrap_or_else(|e| panic!("subscribe: {e}"));
    let next = subs
        .store
        .subscription_charge(sub.next_charge_merchant_uid.as_deref().unwrap_or_default())
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("a next charge"));
    // In the console, the renewal is scheduled again for another amount.
    let iamport = sbx.iamport();
    iamport
        .unschedule(uid, std::slice::from_ref(&next.merchant_uid))
        .await
        .unwrap_or_else(|e| panic!("unschedule: {e}"));
    iamport
        .schedule(&iamport::ScheduleRequest {
            customer_uid: uid.into(),
            schedules: vec![iamport::ScheduleItem {
                merchant_uid: next.merchant_uid.clone(),
                schedule_at: next.charge_at.timestamp(),
                amount: 5000,
                name: "콘솔에서 바꾼 금액".into(),
                ..iamport::ScheduleItem::default()
            }],
        })
        .await
        .unwrap_or_else(|e| panic!("reschedule for another amount: {e}"));
    sbx.advance_past(next.charge_at).await;
    engine_cycle(&sbx, &subs).await;
    engine_cycle(&sbx, &subs).await;
    let order = subs
        .store
        .order(&next.merchant_uid)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        order.state,
        OrderState::AmountMismatch,
        "the 5,000원 payment is never taken as the period's"
    );
    let paid = iamport
        .find_all_payments(&next.merchant_uid, None)
        .await
        .unwrap_or_else(|e| panic!("payments: {e}"));
    assert!(
        paid.iter().all(|p| p.cancel_amount == p.amount),
        "the wrong-amount payment was cancelled in full at Iamport: {paid:?}"
    );
    let dunned = reread(&subs.store, &sub.id);
    assert_eq!(
        dunned.state,
        SubscriptionState::PastDue,
        "the period goes to dunning: {dunned:?}"
    );
    let replacement = dunned.next_charge_merchant_uid.clone().unwrap_or_default();
    assert_ne!(
        replacement, next.merchant_uid,
        "the period is charged again under a new merchant_uid (Iamport never pays one twice)"
    );
    let retry_at = dunned
        .next_retry_at
        .unwrap_or_else(|| panic!("a retry is planned"));
    sbx.advance_past(retry_at).await;
    engine_cycle(&sbx, &subs).await;
    let recovered = reread(&subs.store, &sub.id);
    assert_eq!(
        recovered.state,
        SubscriptionState::Active,
        "the retry paid the period: {recovered:?}"
    );
    assert_eq!(
        recovered.current_period_end, next.period_end,
        "access runs to the end of the period that was dunned"
    );
    let charges = subs
        .store
        .subscription_charges(&sub.id)
        .unwrap_or_else(|e| panic!("{e}"));
    let period_one: Vec<_> = charges.iter().filter(|c| c.period_no == 1).collect();
    assert_eq!(
        period_one.len(),
        2,
        "one period, two charges: {period_one:?}"
    );
    let kept = period_one
        .iter()
        .filter(|c| {
            subs.store
                .order(&c.merchant_uid)
                .is_ok_and(|o| o.state == OrderState::Paid)
        })
        .count();
    assert_eq!(kept, 1, "the period is paid once");
    let scheduled = charges.iter().filter(|c| c.period_no > 1).count();
    assert_eq!(
        scheduled, LOOKAHEAD as usize,
        "and the periods ahead are kept"
    );
    sbx.stop().await;
}
