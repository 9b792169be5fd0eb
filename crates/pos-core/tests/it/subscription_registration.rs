//! A card registration that did not finish (window closed: 등록 취소; card declined: 카드 거절)
//! stays visible as `incomplete`, says how it ended, and never blocks a new try of the plan.

use pos_core::store::{OrderState, Subscription, SubscriptionState};
use pos_core::subscription::{IssuanceTicket, RegistrationEnd, SubscriptionError, Subscriptions};

use super::subscription_support::{reread, start_monthly, Sbx};
use crate::relay_support::{over_both, Backend};

/// The app learns how the ticket's window ended (`imp_uid` is what the window returned, if
/// anything): an ending is recorded. Returns the subscription as it reads now.
async fn window_end_recorded(
    subs: &Subscriptions,
    ticket: &IssuanceTicket,
    imp_uid: Option<&str>,
) -> Subscription {
    let end = subs
        .window_ended(&ticket.subscription_id, imp_uid, ticket.attempt)
        .await
        .unwrap_or_else(|e| panic!("the window's end is recorded: {e}"));
    assert!(end.is_some(), "an ending was recorded");
    reread(&subs.store, &ticket.subscription_id)
}

async fn after_a_closed_window_subscribing_again_reopens_the_same_registration(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let first = start_monthly(&subs);
    let ended = subs
        .registration_ended(&first.subscription_id, &RegistrationEnd::Closed)
        .unwrap_or_else(|e| panic!("record the closed window: {e}"));
    assert_eq!(
        (ended.state, ended.last_failure_reason.as_deref()),
        (SubscriptionState::Incomplete, Some("등록 취소")),
        "the closed window shows as 등록 취소 on the incomplete subscription"
    );

    let again = subs
        .start("sub_monthly", None)
        .unwrap_or_else(|e| panic!("a new 구독하기 is not refused: {e}"));
    assert_eq!(
        (
            &again.subscription_id,
            &again.merchant_uid,
            &again.customer_uid,
            again.amount
        ),
        (
            &first.subscription_id,
            &first.merchant_uid,
            &first.customer_uid,
            first.amount
        ),
        "the same subscription, billing order (merchant_uid reused) and key handle"
    );
    let imp_uid = sbx.billing_window_ends(&again, "approve").await;
    let now = sbx.now().await;
    let sub = subs
        .verify_issuance(&again.subscription_id, &imp_uid, None, now)
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(
        sub.state,
        SubscriptionState::Active,
        "the second try subscribes"
    );
    assert_eq!(
        subs.store.subscriptions().map(|all| all.len()).ok(),
        Some(1),
        "one subscription, not two"
    );
    sbx.stop().await;
}
over_both!(after_a_closed_window_subscribing_again_reopens_the_same_registration);

async fn a_declined_card_shows_as_카드_거절_and_can_be_registered_again(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    let reason = "[F0004] 카드 승인이 거절되었습니다.";
    let sub = subs
        .registration_ended(
            &ticket.subscription_id,
            &RegistrationEnd::Declined {
                reason: reason.into(),
            },
        )
        .unwrap_or_else(|e| panic!("record the decline: {e}"));
    assert_eq!(
        sub.last_failure_reason,
        Some(format!("카드 거절: {reason}")),
        "the decline and the PG's words are shown"
    );
    let reopened = subs
        .reopen_registration(&ticket.subscription_id, None)
        .unwrap_or_else(|e| panic!("다시 등록: {e}"));
    assert_eq!(
        reopened.merchant_uid, ticket.merchant_uid,
        "다시 등록 reuses the billing order"
    );
    sbx.stop().await;
}
over_both!(a_declined_card_shows_as_카드_거절_and_can_be_registered_again);

async fn cancelling_an_unfinished_registration_frees_the_plan_for_a_new_one(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let first = start_monthly(&subs);
    let now = sbx.now().await;
    let cancelled = subs
        .cancel(&first.subscription_id, now)
        .await
        .unwrap_or_else(|e| panic!("취소: {e}"));
    assert_eq!(
        cancelled.state,
        SubscriptionState::Cancelled,
        "취소 ends it now"
    );
    let billing = subs
        .store
        .order(&first.merchant_uid)
        .unwrap_or_else(|e| panic!("billing order: {e}"));
    assert_eq!(
        billing.state,
        OrderState::Abandoned,
        "its billing window's order is given up, not left open"
    );
    let second = subs
        .start("sub_monthly", None)
        .unwrap_or_else(|e| panic!("a new registration after 취소: {e}"));
    assert_ne!(
        second.subscription_id, first.subscription_id,
        "a fresh subscription"
    );
    sbx.stop().await;
}
over_both!(cancelling_an_unfinished_registration_frees_the_plan_for_a_new_one);

async fn a_registered_subscription_is_not_reopened_and_still_refuses_a_second_one(
    backend: Backend,
) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    let imp_uid = sbx.billing_window_ends(&ticket, "approve").await;
    let now = sbx.now().await;
    subs.verify_issuance(&ticket.subscription_id, &imp_uid, None, now)
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    let reopen = subs.reopen_registration(&ticket.subscription_id, None);
    assert!(
        matches!(reopen, Err(SubscriptionError::NotAllowed { .. })),
        "a registered card is not registered again: {reopen:?}"
    );
    let second = subs.start("sub_monthly", None);
    assert!(
        matches!(second, Err(SubscriptionError::AlreadySubscribed { .. })),
        "a live subscription still refuses a second one: {second:?}"
    );
    let sub = reread(&subs.store, &ticket.subscription_id);
    assert_eq!(sub.state, SubscriptionState::Active, "unchanged");
    sbx.stop().await;
}
over_both!(a_registered_subscription_is_not_reopened_and_still_refuses_a_second_one);

async fn a_window_closed_at_the_sandbox_is_recorded_as_등록_취소_and_a_new_try_reopens_it(
    backend: Backend,
) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    let imp_uid = sbx.billing_window_ends(&ticket, "close").await;
    let sub = window_end_recorded(&subs, &ticket, Some(&imp_uid)).await;
    assert_eq!(
        (sub.state, sub.last_failure_reason.as_deref()),
        (SubscriptionState::Incomplete, Some("등록 취소")),
        "Iamport holds the payment as ready: the window was closed"
    );
    let again = subs
        .start("sub_monthly", None)
        .unwrap_or_else(|e| panic!("a new 구독하기 is not refused: {e}"));
    assert_eq!(
        (&again.subscription_id, &again.merchant_uid),
        (&ticket.subscription_id, &ticket.merchant_uid),
        "구독하기 reopens the unfinished registration (same order)"
    );
    sbx.stop().await;
}
over_both!(a_window_closed_at_the_sandbox_is_recorded_as_등록_취소_and_a_new_try_reopens_it);

async fn a_window_with_no_payment_id_is_recorded_as_등록_취소(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    let sub = window_end_recorded(&subs, &ticket, None).await;
    assert_eq!(
        sub.last_failure_reason.as_deref(),
        Some("등록 취소"),
        "closed before any payment existed"
    );
    sbx.stop().await;
}
over_both!(a_window_with_no_payment_id_is_recorded_as_등록_취소);

async fn a_card_declined_at_the_sandbox_is_recorded_as_카드_거절_with_the_pgs_words_and_does_not_block(
    backend: Backend,
) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    let imp_uid = sbx.billing_window_ends(&ticket, "decline").await;
    let sub = window_end_recorded(&subs, &ticket, Some(&imp_uid)).await;
    let shown = sub.last_failure_reason.unwrap_or_default();
    assert!(
        shown.starts_with("카드 거절: ") && shown.len() > "카드 거절: ".len(),
        "a decline Iamport recorded reads 카드 거절 with the PG's reason, got {shown:?}"
    );
    assert_eq!(sub.state, SubscriptionState::Incomplete, "still incomplete");
    let again = subs
        .start("sub_monthly", None)
        .unwrap_or_else(|e| panic!("a new 구독하기 is not refused: {e}"));
    assert_eq!(
        again.subscription_id, ticket.subscription_id,
        "구독하기 reopens the declined registration"
    );
    sbx.stop().await;
}
over_both!(a_card_declined_at_the_sandbox_is_recorded_as_카드_거절_with_the_pgs_words_and_does_not_block);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_close_of_a_replaced_window_does_not_end_the_window_that_replaced_it() {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let first = start_monthly(&subs);
    // Iamport says the card was declined while the first window still shows: 다시 등록 opens a
    // second window for the same registration, which replaces the first.
    subs.registration_ended(
        &first.subscription_id,
        &RegistrationEnd::Declined {
            reason: "한도 초과".into(),
        },
    )
    .unwrap_or_else(|e| panic!("record the decline: {e}"));
    let second = subs
        .reopen_registration(&first.subscription_id, None)
        .unwrap_or_else(|e| panic!("다시 등록: {e}"));

    // The first window's close arrives after the second window opened.
    let end = subs
        .window_ended(&first.subscription_id, None, first.attempt)
        .await
        .unwrap_or_else(|e| panic!("the late close is answered: {e}"));
    assert_eq!(end, None, "a superseded window's close records nothing");
    assert_eq!(
        (first.attempt, second.attempt),
        (1, 2),
        "each opening of the window is numbered"
    );
    let sub = reread(&subs.store, &second.subscription_id);
    assert!(
        subs.registration_checking(&sub).unwrap_or(false),
        "the second window's registration is still 확인 중, not 등록 취소: {sub:?}"
    );
    sbx.stop().await;
}
