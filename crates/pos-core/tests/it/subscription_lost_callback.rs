//! A card registration whose window completed at Iamport but whose result never reached the
//! app (the callback and the redirect are skipped, as when the app is killed mid-window) is
//! found by the sync engine's lookups and confirmed; one that is never found is given up after
//! an hour on Iamport's clock (the sandbox's clock alone moves) and the key its window may have
//! left is deleted at Iamport through the job queue.

use pos_core::store::{OrderState, SubscriptionState};
use pos_core::subscription::{SubscriptionError, KEY_DELETE_JOB};

use super::subscription_support::{reread, start_monthly, Sbx};
use super::sync_support::run_once;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_completed_at_iamport_whose_callback_was_lost_is_confirmed_by_the_next_sync_cycle()
{
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    // The owner finishes the window at Iamport; the app never hears of it.
    sbx.billing_window_ends(&ticket, "approve").await;
    let before = reread(&subs.store, &ticket.subscription_id);
    assert!(
        subs.registration_checking(&before).unwrap_or(false),
        "until it is looked up the registration reads 확인 중: {before:?}"
    );

    let report = run_once(&subs.store, &subs.client)
        .await
        .unwrap_or_else(|e| panic!("sync cycle: {e}"));
    let sub = reread(&subs.store, &ticket.subscription_id);
    assert_eq!(
        sub.state,
        SubscriptionState::Active,
        "the cycle found the issued key and charged the first period ({report:?})"
    );
    assert!(
        sub.card_masked.is_some() && sub.current_period_end.is_some(),
        "the card and the paid period are shown: {sub:?}"
    );
    let billing = subs
        .store
        .order(&ticket.merchant_uid)
        .unwrap_or_else(|e| panic!("billing order: {e}"));
    assert_eq!(
        billing.state,
        OrderState::Paid,
        "the card registration is paid (0원)"
    );

    // A second cycle changes nothing: one first period, charged once.
    run_once(&subs.store, &subs.client)
        .await
        .unwrap_or_else(|e| panic!("second cycle: {e}"));
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        1,
        "the first period was charged exactly once"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_window_of_a_pg_that_charges_at_issuance_grants_the_first_period_once() {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let pg = Some("kakaopay.TCSUBSCRIP");
    let ticket = subs
        .start("sub_monthly", pg)
        .unwrap_or_else(|e| panic!("start: {e}"));
    // The window charges the month and issues the key at Iamport; the app never hears of it.
    let imp_uid = sbx.billing_window_ends(&ticket, "approve").await;
    run_once(&subs.store, &subs.client)
        .await
        .unwrap_or_else(|e| panic!("sync cycle: {e}"));
    let found = reread(&subs.store, &ticket.subscription_id);
    assert_eq!(
        found.state,
        SubscriptionState::Active,
        "the cycle found the charged issuance: {found:?}"
    );

    // The window's return arrives late, and the engine looks again: nothing more is granted.
    let late = subs
        .verify_issuance(&ticket.subscription_id, &imp_uid, pg, sbx.now().await)
        .await
        .unwrap_or_else(|e| panic!("the late return finds it done: {e}"));
    run_once(&subs.store, &subs.client)
        .await
        .unwrap_or_else(|e| panic!("second cycle: {e}"));
    let after = reread(&subs.store, &ticket.subscription_id);
    assert_eq!(
        (late.current_period_end, after.current_period_end),
        (found.current_period_end, found.current_period_end),
        "one period granted, not extended by the late return or the next cycle"
    );
    let firsts: Vec<_> = subs
        .store
        .subscription_charges(&ticket.subscription_id)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.period_no == 0)
        .map(|c| c.merchant_uid)
        .collect();
    assert_eq!(
        firsts,
        vec![ticket.merchant_uid.clone()],
        "the first period is the window's own order, once"
    );
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        0,
        "the month the window charged is never charged again"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_a_registration_is_being_confirmed_a_second_one_is_refused_with_the_reason() {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    let again = subs.start("sub_monthly", None);
    let Err(refused) = again else {
        panic!("a second 구독하기 while the first is 확인 중 must be refused: {again:?}");
    };
    assert!(
        matches!(refused, SubscriptionError::RegistrationChecking { .. }),
        "refused because the first registration is being confirmed: {refused:?}"
    );
    assert!(
        refused.to_string().contains("확인하고 있습니다") && refused.to_string().contains("취소"),
        "the reason and the way out are said: {refused}"
    );
    let reopened = subs.reopen_registration(&ticket.subscription_id, None);
    assert!(
        matches!(
            reopened,
            Err(SubscriptionError::RegistrationChecking { .. })
        ),
        "다시 등록 is refused as well while 확인 중: {reopened:?}"
    );
    assert_eq!(
        subs.store.subscriptions().map(|all| all.len()).ok(),
        Some(1),
        "nothing was created"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_never_confirmed_is_given_up_after_an_hour_of_iamport_time_and_its_key_deleted(
) {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    // The engine has talked to Iamport before (its clock is known), as in the running app.
    run_once(&subs.store, &subs.client)
        .await
        .unwrap_or_else(|e| panic!("first cycle: {e}"));
    let ticket = start_monthly(&subs);
    // The window opened at Iamport and the PG issued the key, but the window never finished
    // (its payment stays `ready`) and the app was gone.
    sbx.billing_window_opens(&ticket).await;
    sbx.customer(&ticket.customer_uid, false).await;

    // Each cycle gets a fresh client, as a new `posctl sync --once` process would: it learns
    // the moved sandbox clock from its token reply (Iamport's own clock never jumps).
    sbx.advance(59 * 60).await;
    run_once(&subs.store, &sbx.client())
        .await
        .unwrap_or_else(|e| panic!("cycle at 59 min: {e}"));
    let sub = reread(&subs.store, &ticket.subscription_id);
    assert_eq!(
        (sub.state, sub.last_failure_reason.as_deref()),
        (SubscriptionState::Incomplete, None),
        "59 minutes after the window opened it is still 확인 중"
    );

    sbx.advance(2 * 60).await;
    run_once(&subs.store, &sbx.client())
        .await
        .unwrap_or_else(|e| panic!("cycle at 61 min: {e}"));
    let sub = reread(&subs.store, &ticket.subscription_id);
    assert_eq!(
        sub.state,
        SubscriptionState::Cancelled,
        "an hour of Iamport's time later (the PC's clock did not move) it is given up"
    );
    assert!(
        sub.last_failure_reason
            .as_deref()
            .is_some_and(|r| r.contains("시간 초과")),
        "it says why: {:?}",
        sub.last_failure_reason
    );
    let billing = subs
        .store
        .order(&ticket.merchant_uid)
        .unwrap_or_else(|e| panic!("billing order: {e}"));
    assert_eq!(
        billing.state,
        OrderState::Abandoned,
        "its window's order is given up"
    );

    // The next cycle's worker runs the key_delete job.
    run_once(&subs.store, &sbx.client())
        .await
        .unwrap_or_else(|e| panic!("cycle after giving up: {e}"));
    let left = sbx.iamport().billing_key(&ticket.customer_uid).await;
    assert!(
        matches!(&left, Err(e) if e.is_not_found()),
        "the key the window left at Iamport was deleted: {left:?}"
    );
    assert!(
        subs.store
            .open_job(KEY_DELETE_JOB, &ticket.merchant_uid)
            .ok()
            .flatten()
            .is_none(),
        "the key_delete job is done"
    );
    let next = subs
        .start("sub_monthly", None)
        .unwrap_or_else(|e| panic!("a new 구독하기 after giving up: {e}"));
    assert_ne!(
        next.customer_uid, ticket.customer_uid,
        "a fresh registration with a fresh key handle"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_declined_at_iamport_with_the_callback_lost_is_recorded_as_카드_거절_and_not_given_up(
) {
    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    sbx.billing_window_ends(&ticket, "decline").await;
    run_once(&subs.store, &subs.client)
        .await
        .unwrap_or_else(|e| panic!("cycle: {e}"));
    let sub = reread(&subs.store, &ticket.subscription_id);
    assert!(
        sub.last_failure_reason
            .as_deref()
            .is_some_and(|r| r.starts_with("카드 거절")),
        "the decline Iamport recorded is shown: {sub:?}"
    );
    sbx.advance(2 * 3600).await;
    run_once(&subs.store, &sbx.client())
        .await
        .unwrap_or_else(|e| panic!("cycle two hours later: {e}"));
    let sub = reread(&subs.store, &ticket.subscription_id);
    assert_eq!(
        sub.state,
        SubscriptionState::Incomplete,
        "a known ending is left to the owner (다시 등록 or 취소), not given up"
    );
    let again = subs
        .start("sub_monthly", None)
        .unwrap_or_else(|e| panic!("구독하기 reopens a declined registration: {e}"));
    assert_eq!(
        again.merchant_uid, ticket.merchant_uid,
        "the same billing order"
    );
    sbx.stop().await;
}
