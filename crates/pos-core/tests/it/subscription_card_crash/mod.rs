//! Crash tests of 카드 변경 with the 100원 check charge (KakaoPay, Danal T-pay): `posctl
//! subscriptions change-card` confirms a paid card-change window in a child process whose every
//! reply the sandbox delays, and is killed with SIGKILL the moment a given request reached
//! Iamport: while the check is verified, once its refund was sent, while the new key is looked
//! up, once the old key's renewals are being unscheduled, once the new key's are being
//! scheduled. Then new processes finish the work: the sync engine (`posctl sync --once`), then
//! the owner's card change repeated (`posctl subscriptions change-card` again); or, for the two
//! moments of the check, the repeat first and the engine after it.
//!
//! What the app promises: the check is refunded in full exactly once whatever the moment, and
//! no period is charged. The subscription moves to the new key exactly when that move is
//! stored, which the card change does only after the check is refunded. Killed before that, the
//! engine refunds the check and the subscription stays on its old card, whole (the engine
//! never changes a card by itself); the owner's card change repeated with the same window moves
//! it then, refunding nothing twice. Killed after it, the engine finishes the move: the
//! renewals leave the old key and are scheduled once on the new one.

mod case;
mod interrupted;
mod posctl;
mod settled;

use std::time::Duration;

use pos_core::store::{ChargeRequest, JobFilter};
use pos_core::OrderState;
use serde_json::json;

use self::case::CardCase;
use crate::relay_support::{over_both, Backend};

/// Where the card change is when it is killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    /// The check's payment is being looked up: nothing of the change is stored yet.
    CheckLookup,
    /// The check is verified (stored paid) and its refund is at Iamport.
    RefundSent,
    /// The check is refunded; the new key is being looked up before the move.
    KeyLookup,
    /// The move is stored; the renewals on the old key are being unscheduled.
    Unschedule,
    /// The move is stored; the renewals are being scheduled on the new key.
    Schedule,
}

impl Moment {
    fn route(self) -> &'static str {
        match self {
            Moment::CheckLookup => "GET /payments/find/{merchant_uid}",
            Moment::RefundSent => "POST /payments/cancel",
            Moment::KeyLookup => "GET /subscribe/customers/{customer_uid}",
            Moment::Unschedule => "POST /subscribe/payments/unschedule",
            Moment::Schedule => "POST /subscribe/payments/schedule",
        }
    }

    /// Whether the move to the new key was stored before the kill.
    fn moved(self) -> bool {
        matches!(self, Moment::Unschedule | Moment::Schedule)
    }
}

/// What the book holds right after the kill: proof it landed at `moment`.
fn assert_landed(case: &CardCase, moment: Moment) {
    let store = case.subs().store;
    let check = store.order(&case.window.merchant_uid);
    let check = check
        .unwrap_or_else(|e| panic!("the check order: {e}"))
        .state;
    let expected = match moment {
        Moment::CheckLookup => check != OrderState::Paid && check != OrderState::Refunded,
        Moment::RefundSent => check == OrderState::Paid,
        _ => check == OrderState::Refunded,
    };
    assert!(expected, "killed at {moment:?}, the check is {check:?}");
    let open = store.list_jobs(JobFilter::Open, 10).unwrap_or_default();
    assert_eq!(
        open.len(),
        usize::from(moment == Moment::RefundSent),
        "killed at {moment:?}: open jobs {open:?}"
    );
    let sub = store.subscription(&case.sub_id);
    let key = sub
        .unwrap_or_else(|e| panic!("the subscription: {e}"))
        .customer_uid;
    let on_new = key == case.window.customer_uid;
    assert_eq!(
        on_new,
        moment.moved(),
        "killed at {moment:?}, the subscription is on {key}"
    );
    if moment == Moment::Schedule {
        let charges = store.subscription_charges(&case.sub_id).unwrap_or_default();
        assert!(
            charges.iter().any(|c| c.request == ChargeRequest::Sending),
            "killed at {moment:?}: a schedule is in flight: {charges:?}"
        );
    }
}

/// The card change confirmed by `posctl` with every reply delayed, SIGKILLed once `moment`'s
/// request reached the sandbox; returns once a request it accepted had time to run.
async fn kill_at(case: &CardCase, moment: Moment) {
    let route = moment.route();
    let sent = case.sbx.calls(route).await;
    case.sbx.faults(json!({ "latency_ms": 400 })).await;
    let mut child = case
        .change_card()
        .spawn()
        .unwrap_or_else(|e| panic!("posctl starts: {e}"));
    case.kill_at(&mut child, route, sent).await;
    assert_landed(case, moment);
    case.sbx.faults(json!({})).await;
    // A request the sandbox already accepted (held 400 ms) may still run after the kill; the
    // restart looks only once it has, with a wide margin for a loaded machine.
    tokio::time::sleep(Duration::from_millis(3_000)).await;
}

async fn killed_at(backend: Backend, moment: Moment) {
    let case = CardCase::paid_window(backend).await;
    let before = case.before().await;
    kill_at(&case, moment).await;
    let engine = case.posctl(&["sync", "--once"]);
    case.run_ok(engine, "the engine's cycle").await;
    let key = if moment.moved() {
        &case.window.customer_uid
    } else {
        &case.old_key
    };
    let when = format!("killed at {moment:?}, after the engine's cycle");
    case.assert_settled(&before, key, &when).await;

    case.run_ok(case.change_card(), "the owner's card change again")
        .await;
    let when = format!("killed at {moment:?}, after the card change repeated");
    case.assert_settled(&before, &case.window.customer_uid, &when)
        .await;
    case.sbx.stop().await;
}

async fn killed_while_the_check_is_looked_up(backend: Backend) {
    killed_at(backend, Moment::CheckLookup).await;
}
over_both!(killed_while_the_check_is_looked_up);

async fn killed_once_the_check_refund_was_sent(backend: Backend) {
    killed_at(backend, Moment::RefundSent).await;
}
over_both!(killed_once_the_check_refund_was_sent);

async fn killed_while_the_new_key_is_looked_up(backend: Backend) {
    killed_at(backend, Moment::KeyLookup).await;
}
over_both!(killed_while_the_new_key_is_looked_up);

async fn killed_while_the_old_key_is_unscheduled(backend: Backend) {
    killed_at(backend, Moment::Unschedule).await;
}
over_both!(killed_while_the_old_key_is_unscheduled);

async fn killed_while_the_new_key_is_scheduled(backend: Backend) {
    killed_at(backend, Moment::Schedule).await;
}
over_both!(killed_while_the_new_key_is_scheduled);

/// The owner repeats the card change before any engine ran (a refund the killed process sent
/// may still be claimed by it): the key moves at once, the check is refunded by whichever
/// process gets to it, once; the engine's cycle after it leaves everything settled.
async fn repeated_before_the_engine(backend: Backend, moment: Moment) {
    let case = CardCase::paid_window(backend).await;
    let before = case.before().await;
    kill_at(&case, moment).await;
    case.run_ok(case.change_card(), "the owner's card change again")
        .await;
    let store = case.subs().store;
    let sub = store.subscription(&case.sub_id);
    let key = sub
        .unwrap_or_else(|e| panic!("the subscription: {e}"))
        .customer_uid;
    assert_eq!(
        key, case.window.customer_uid,
        "killed at {moment:?}: the repeat moved the key"
    );
    let engine = case.posctl(&["sync", "--once"]);
    case.run_ok(engine, "the engine's cycle").await;
    let when = format!("killed at {moment:?}, repeated, then the engine's cycle");
    case.assert_settled(&before, &case.window.customer_uid, &when)
        .await;
    case.sbx.stop().await;
}

async fn killed_while_the_check_is_looked_up_then_repeated(backend: Backend) {
    repeated_before_the_engine(backend, Moment::CheckLookup).await;
}
over_both!(killed_while_the_check_is_looked_up_then_repeated);

async fn killed_once_the_check_refund_was_sent_then_repeated(backend: Backend) {
    repeated_before_the_engine(backend, Moment::RefundSent).await;
}
over_both!(killed_once_the_check_refund_was_sent_then_repeated);
