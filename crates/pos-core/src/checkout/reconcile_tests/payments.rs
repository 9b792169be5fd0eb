//! Payments of an open order: the window closed, a virtual account issued, paid, failed, and
//! the attempts that must change nothing (stale, duplicate, a second charge, a 0원 billing key).

use chrono::{TimeZone, Utc};

use super::{order, payment, to_state, Shape, IMP};
use crate::checkout::reconcile::{reconcile, Refusal, Transition};
use crate::store::{OrderKind, OrderState, PayMethod};

#[test]
fn closed_window_leaves_an_awaiting_order_open_not_failed() {
    let mut awaiting = order(OrderState::AwaitingPayment);
    let decided = reconcile(&awaiting, &payment(Shape::ReadyNoVbank));
    assert_eq!(
        to_state(&decided),
        Some(OrderState::AwaitingPayment),
        "a ready payment without vbank is not a failure"
    );
    awaiting.imp_uid = Some(IMP.into());
    assert_eq!(
        reconcile(&awaiting, &payment(Shape::ReadyNoVbank)),
        Transition::NoChange,
        "seen again: nothing to record"
    );
}

#[test]
fn issued_vbank_records_bank_number_holder_and_deadline() {
    let Transition::Move(m) = reconcile(
        &order(OrderState::AwaitingPayment),
        &payment(Shape::ReadyVbank),
    ) else {
        panic!("a vbank must be issued");
    };
    assert_eq!(
        m.patch.vbank_bank.as_deref(),
        Some("국민은행"),
        "bank stored"
    );
    assert_eq!(
        m.patch.vbank_num.as_deref(),
        Some("123-456-7890"),
        "number stored"
    );
    assert_eq!(
        m.patch.vbank_holder.as_deref(),
        Some("판뮤직"),
        "holder stored"
    );
    assert_eq!(
        m.patch.vbank_due.map(|d| d.timestamp()),
        Some(1_700_259_200),
        "deadline stored"
    );
    assert_eq!(
        m.patch.pay_method,
        Some(PayMethod::Vbank),
        "pay method follows Iamport"
    );
}

#[test]
fn paid_records_imp_uid_and_paid_at() {
    let Transition::Move(m) = reconcile(&order(OrderState::Created), &payment(Shape::Paid)) else {
        panic!("a paid payment must move the order");
    };
    assert_eq!(m.patch.imp_uid.as_deref(), Some(IMP), "imp_uid recorded");
    assert_eq!(
        m.patch.paid_at.map(|t| t.timestamp()),
        Some(1_700_000_100),
        "paid_at recorded"
    );
    assert!(!m.needs_cancel, "a matching payment is never cancelled");
}

#[test]
fn failed_records_the_reason_and_keeps_the_order_retryable() {
    let Transition::Move(m) =
        reconcile(&order(OrderState::AwaitingPayment), &payment(Shape::Failed))
    else {
        panic!("a failed payment must move the order");
    };
    assert_eq!(m.to, OrderState::Failed, "failed");
    assert_eq!(
        m.patch.fail_reason.as_deref(),
        Some("한도 초과"),
        "reason recorded"
    );
}

#[test]
fn paid_after_a_failed_attempt_of_the_same_order_is_paid() {
    let mut retry = payment(Shape::Paid);
    retry.imp_uid = "imp_100000000002".into();
    let decided = reconcile(&order(OrderState::Failed), &retry);
    assert_eq!(
        to_state(&decided),
        Some(OrderState::Paid),
        "retry with the same merchant_uid pays the order"
    );
}

#[test]
fn recorded_failure_does_not_close_an_order_reopened_for_retry() {
    let mut reopened = order(OrderState::AwaitingPayment);
    reopened.imp_uid = Some(IMP.into());
    reopened.fail_reason = Some("한도 초과".into());
    assert_eq!(
        reconcile(&reopened, &payment(Shape::Failed)),
        Transition::NoChange,
        "the old failure is already recorded"
    );
}

#[test]
fn stale_attempt_of_a_paid_order_changes_nothing() {
    let mut old = payment(Shape::Failed);
    old.imp_uid = "imp_100000000000".into();
    assert_eq!(
        reconcile(&order(OrderState::Paid), &old),
        Transition::NoChange,
        "an old failed attempt is ignored"
    );
}

#[test]
fn second_paid_payment_for_a_paid_order_is_refused() {
    let mut second = payment(Shape::Paid);
    second.imp_uid = "imp_100000000009".into();
    assert!(
        matches!(
            reconcile(&order(OrderState::Paid), &second),
            Transition::Refuse(Refusal::SecondPayment { .. })
        ),
        "a second charge is for a person to look at"
    );
}

#[test]
fn duplicate_paid_payment_changes_nothing() {
    let mut paid = order(OrderState::Paid);
    paid.paid_at = Utc.timestamp_opt(1_700_000_100, 0).single();
    assert_eq!(
        reconcile(&paid, &payment(Shape::Paid)),
        Transition::NoChange,
        "verifying twice is harmless"
    );
}

#[test]
fn a_0_won_billing_key_order_stays_paid_and_never_becomes_refunded() {
    let mut billing = order(OrderState::Paid);
    billing.kind = OrderKind::Billing;
    billing.amount = 0;
    for shape in [Shape::Paid, Shape::CancelledFull] {
        let mut issued = payment(shape);
        issued.amount = 0;
        issued.cancel_amount = 0;
        let decided = reconcile(&billing, &issued);
        assert_eq!(
            to_state(&decided),
            None,
            "a 0원 issuance payment ({shape:?}) leaves the paid billing order as it is: {decided:?}"
        );
    }
}
