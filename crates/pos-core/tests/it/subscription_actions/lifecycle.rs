//! The owner's actions on a subscription, against the sandbox: cancel at period end, resume,
//! cancel now and card change, each checked at Iamport's side too.

use iamport::ScheduleStatus;
use pos_core::store::SubscriptionState;
use pos_core::subscription::{poll_due, SubscriptionError};
use pos_core::ErrorCode;

use crate::relay_support::{over_both, Backend};
use crate::subscription_support::{renew_once, reread, subscribed, Sbx};

async fn schedule_status(sbx: &Sbx, merchant_uid: &str) -> ScheduleStatus {
    sbx.client()
        .schedule_by_merchant_uid(merchant_uid)
        .await
        .unwrap_or_else(|e| panic!("schedule {merchant_uid}: {e}"))
        .schedule_status
}

async fn cancel_at_period_end_unschedules_keeps_access_then_ends(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_cancel").await;
    let next = sub.next_charge_merchant_uid.clone().unwrap_or_default();
    let now = sbx.now().await;
    let cancelled = subs
        .cancel(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("cancel: {e}"));
    assert_eq!(
        cancelled.state,
        SubscriptionState::Active,
        "access is kept until the end"
    );
    assert!(cancelled.cancel_at_period_end, "it ends at the period end");
    assert_eq!(
        schedule_status(&sbx, &next).await,
        ScheduleStatus::Revoked,
        "the next charge is unscheduled at Iamport"
    );
    let end = sub
        .current_period_end
        .unwrap_or_else(|| panic!("has an end"));
    let after_end = sbx.advance_past(end).await;
    poll_due(&subs, after_end)
        .await
        .unwrap_or_else(|e| panic!("poll: {e}"));
    let ended = reread(&subs.store, &sub.id);
    assert_eq!(
        ended.state,
        SubscriptionState::Cancelled,
        "cancelled once the period ended"
    );
    let paid = sbx
        .iamport()
        .find_all_payments(&next, None)
        .await
        .unwrap_or_default();
    assert!(
        paid.is_empty(),
        "nothing was charged for the cancelled period"
    );
    sbx.stop().await;
}
over_both!(cancel_at_period_end_unschedules_keeps_access_then_ends);

async fn resume_before_the_end_schedules_the_same_renewal_again(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_resume").await;
    let next = sub.next_charge_merchant_uid.clone().unwrap_or_default();
    let now = sbx.now().await;
    subs.cancel(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("cancel: {e}"));
    let resumed = subs
        .resume(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("resume: {e}"));
    assert!(!resumed.cancel_at_period_end, "it renews again");
    assert_eq!(
        resumed.next_charge_merchant_uid.as_deref(),
        Some(next.as_str()),
        "the same merchant_uid: the period is charged once"
    );
    assert_eq!(
        schedule_status(&sbx, &next).await,
        ScheduleStatus::Scheduled,
        "rescheduled at Iamport"
    );
    let renewed = renew_once(&sbx, &subs, &sub.id).await;
    assert_eq!(
        renewed.current_period_start, sub.current_period_end,
        "renewed"
    );
    sbx.stop().await;
}
over_both!(resume_before_the_end_schedules_the_same_renewal_again);

async fn cancel_now_ends_at_once_and_cancelling_again_is_refused(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_now").await;
    let next = sub.next_charge_merchant_uid.clone().unwrap_or_default();
    let now = sbx.now().await;
    let ended = subs
        .cancel_now(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("cancel now: {e}"));
    assert_eq!(ended.state, SubscriptionState::Cancelled, "ended now");
    assert!(!ended.state.has_access(), "no more music");
    assert_eq!(
        schedule_status(&sbx, &next).await,
        ScheduleStatus::Revoked,
        "the renewal is unscheduled"
    );
    let events = subs
        .store
        .subscription_events(&sub.id)
        .map(|e| e.len())
        .ok();
    let err = subs.cancel(&sub.id, now).await.err();
    assert!(
        matches!(err, Some(SubscriptionError::AlreadyCancelled { .. })),
        "cancelling a cancelled subscription is refused: {err:?}"
    );
    assert_eq!(
        err.map(|e| e.code()),
        Some(ErrorCode::Conflict),
        "a conflict for the UI"
    );
    assert_eq!(
        subs.store
            .subscription_events(&sub.id)
            .map(|e| e.len())
            .ok(),
        events,
        "nothing was written"
    );
    sbx.stop().await;
}
over_both!(cancel_now_ends_at_once_and_cancelling_again_is_refused);

async fn a_card_change_moves_future_charges_to_the_new_key(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_old_card").await;
    let new_card = subs
        .open_card_change(&sub.id)
        .unwrap_or_else(|e| panic!("card-change window: {e}"));
    // The buyer finishes the card-change window: Iamport now has the minted key.
    sbx.customer(&new_card, false).await;
    let now = sbx.now().await;
    let changed = subs
        .change_card(&sub.id, &new_card, now)
        .await
        .unwrap_or_else(|e| panic!("change card: {e}"));
    assert_eq!(
        changed.customer_uid, new_card,
        "the subscription uses the new key"
    );
    let next = changed.next_charge_merchant_uid.clone().unwrap_or_default();
    let schedule = sbx
        .client()
        .schedule_by_merchant_uid(&next)
        .await
        .unwrap_or_else(|e| panic!("schedule: {e}"));
    assert_eq!(
        schedule.customer_uid, new_card,
        "the renewal is on the new key"
    );
    assert_eq!(
        schedule.schedule_status,
        ScheduleStatus::Scheduled,
        "and waiting"
    );
    let refused = subs.delete_billing_key(&new_card, now).await.err();
    assert!(
        matches!(refused, Some(SubscriptionError::KeyInUse { .. })),
        "a key in use is not deleted: {refused:?}"
    );
    subs.delete_billing_key(&sbx.uid("cust_old_card"), now)
        .await
        .unwrap_or_else(|e| panic!("the old key is free to delete: {e}"));
    renew_once(&sbx, &subs, &sub.id).await;
    let payment = sbx
        .client()
        .find_payment(&next, None)
        .await
        .unwrap_or_else(|e| panic!("renewal ran: {e}"));
    assert_eq!(
        payment.customer_uid.as_deref(),
        Some(new_card.as_str()),
        "charged on the new card"
    );
    assert!(payment.is_paid(), "and paid");
    sbx.stop().await;
}
over_both!(a_card_change_moves_future_charges_to_the_new_key);
