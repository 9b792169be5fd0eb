//! Bad input to the owner's subscription actions, against the sandbox: a second subscription,
//! an unknown billing key, a resume too late, a period charged twice, a key the app did not mint
//! or does not own; each refused leaving everything as it was.

use chrono::Duration;
use pos_core::store::{ChargeRequest, ChargeVia, KeyPurpose, NewCharge};
use pos_core::subscription::SubscriptionError;
use pos_core::ErrorCode;

use crate::relay_support::{over_both, Backend};
use crate::subscription_support::{reread, subscribed, Sbx};

async fn subscribing_twice_to_the_same_plan_is_refused_before_any_request(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    subscribed(&sbx, &subs, "cust_twice").await;
    sbx.customer(&sbx.uid("cust_twice_2"), false).await;
    let calls = sbx.calls("GET /subscribe/customers/{customer_uid}").await;
    let now = sbx.now().await;
    let err = subs
        .create_with_key("sub_monthly", &sbx.uid("cust_twice_2"), now)
        .await
        .err();
    assert!(
        matches!(err, Some(SubscriptionError::AlreadySubscribed { .. })),
        "a second subscription to the plan is refused: {err:?}"
    );
    assert_eq!(
        subs.store.subscriptions().map(|s| s.len()).ok(),
        Some(1),
        "nothing created"
    );
    assert_eq!(
        sbx.calls("GET /subscribe/customers/{customer_uid}").await,
        calls,
        "refused before asking Iamport"
    );
    sbx.stop().await;
}
over_both!(subscribing_twice_to_the_same_plan_is_refused_before_any_request);

async fn a_billing_key_iamport_does_not_know_is_refused_and_nothing_is_created(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let now = sbx.now().await;
    let err = subs
        .create_with_key("sub_monthly", &sbx.uid("cust_nobody"), now)
        .await
        .err();
    assert!(
        matches!(err, Some(SubscriptionError::UnknownBillingKey { .. })),
        "an unknown key is a clear error: {err:?}"
    );
    assert_eq!(
        err.map(|e| e.code()),
        Some(ErrorCode::NotFound),
        "not found for the UI"
    );
    assert_eq!(
        subs.store.subscriptions().map(|s| s.len()).ok(),
        Some(0),
        "nothing created"
    );
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        0,
        "nothing charged"
    );
    let pass = subs
        .create_with_key("pass_1m", &sbx.uid("cust_nobody"), now)
        .await
        .err();
    assert!(
        matches!(pass, Some(SubscriptionError::NotASubscriptionPlan { .. })),
        "a pass is not a subscription: {pass:?}"
    );
    sbx.stop().await;
}
over_both!(a_billing_key_iamport_does_not_know_is_refused_and_nothing_is_created);

async fn resuming_after_the_period_end_is_a_schedule_in_the_past_and_changes_nothing(
    backend: Backend,
) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_late").await;
    let now = sbx.now().await;
    subs.cancel(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("cancel: {e}"));
    let before = reread(&subs.store, &sub.id);
    let late = sbx
        .advance_past(sub.current_period_end.unwrap_or_else(|| panic!("end")))
        .await;
    let err = subs.resume(&sub.id, late).await.err();
    assert!(
        matches!(err, Some(SubscriptionError::ScheduleInPast { .. })),
        "a schedule in the past is refused: {err:?}"
    );
    assert_eq!(
        err.map(|e| e.code()),
        Some(ErrorCode::Validation),
        "validation for the UI"
    );
    assert_eq!(reread(&subs.store, &sub.id), before, "nothing changed");
    sbx.stop().await;
}
over_both!(resuming_after_the_period_end_is_a_schedule_in_the_past_and_changes_nothing);

#[test]
fn a_period_is_charged_at_most_once() {
    let store = super::store();
    let sub = store
        .create_subscription(&pos_core::store::NewSubscription {
            plan_id: "sub_monthly".into(),
            customer_uid: "cust_x".into(),
            issuance_amount: 0,
            card_masked: None,
            key_verified: true,
        })
        .unwrap_or_else(|e| panic!("create: {e}"));
    let charge = NewCharge {
        period_no: 3,
        period: None,
        via: ChargeVia::Schedule,
        charge_at: chrono::Utc::now() + Duration::days(3),
    };
    let first = store
        .add_subscription_charge(&sub.id, &charge)
        .unwrap_or_else(|e| panic!("first charge: {e}"));
    assert_eq!(first.request, ChargeRequest::Pending, "minted, not sent");
    let second = store.add_subscription_charge(&sub.id, &charge).err();
    assert!(
        matches!(
            second,
            Some(SubscriptionError::PeriodAlreadyCharged { period_no: 3, .. })
        ),
        "a second charge for period 3 is refused: {second:?}"
    );
    let charges = store.subscription_charges(&sub.id).map(|c| c.len()).ok();
    assert_eq!(
        charges,
        Some(1),
        "only one charge (and one renew_ order) exists"
    );
}

async fn a_card_change_to_a_key_the_app_did_not_mint_is_refused_before_any_request(
    backend: Backend,
) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_victim_card").await;
    // A key that exists at Iamport (another system's customer on the same merchant account),
    // and one the app minted for a subscription's first window rather than its card change.
    sbx.customer(&sbx.uid("cust_attacker_card"), false).await;
    sbx.customer(&sbx.uid("cust_issuance_only"), false).await;
    subs.store
        .record_minted_key(
            &sbx.uid("cust_issuance_only"),
            &sub.id,
            KeyPurpose::Issuance,
        )
        .unwrap_or_else(|e| panic!("record: {e}"));
    let before = reread(&subs.store, &sub.id);
    let calls_before = sbx.calls("POST /subscribe/payments/unschedule").await
        + sbx.calls("POST /subscribe/payments/schedule").await;
    for key in ["cust_attacker_card", "cust_issuance_only"].map(|k| sbx.uid(k)) {
        let err = subs.change_card(&sub.id, &key, sbx.now().await).await.err();
        assert!(
            matches!(err, Some(SubscriptionError::KeyNotMinted { .. })),
            "{key} is refused: {err:?}"
        );
    }
    assert_eq!(
        reread(&subs.store, &sub.id),
        before,
        "the subscription still charges its own card"
    );
    assert_eq!(
        sbx.calls("POST /subscribe/payments/unschedule").await
            + sbx.calls("POST /subscribe/payments/schedule").await,
        calls_before,
        "no schedule was moved at Iamport"
    );
    sbx.stop().await;
}
over_both!(a_card_change_to_a_key_the_app_did_not_mint_is_refused_before_any_request);

async fn deleting_a_key_that_is_not_ours_is_refused_and_the_key_survives(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    // Another system's customer on the same merchant account.
    sbx.customer(&sbx.uid("cust_someone_elses"), false).await;
    let err = subs
        .delete_billing_key(&sbx.uid("cust_someone_elses"), sbx.now().await)
        .await
        .err();
    assert!(
        matches!(err, Some(SubscriptionError::KeyNotOurs { .. })),
        "a key the app never minted is not deleted: {err:?}"
    );
    assert!(
        sbx.client()
            .billing_key(&sbx.uid("cust_someone_elses"))
            .await
            .is_ok(),
        "the key still exists at Iamport"
    );
    sbx.stop().await;
}
over_both!(deleting_a_key_that_is_not_ours_is_refused_and_the_key_survives);
