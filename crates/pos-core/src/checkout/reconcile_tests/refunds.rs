//! Cancels: partial against full, computed from amounts, never backwards.

use super::{order, payment, to_state, Shape};
use crate::checkout::reconcile::{reconcile, Transition};
use crate::store::OrderState;

#[test]
fn partial_cancel_is_partially_refunded_even_when_status_says_cancelled() {
    let Transition::Move(m) =
        reconcile(&order(OrderState::Paid), &payment(Shape::CancelledPartial))
    else {
        panic!("a partial cancel must move a paid order");
    };
    assert_eq!(
        m.to,
        OrderState::PartiallyRefunded,
        "computed from amounts, not status"
    );
    assert_eq!(
        m.patch.refunded_amount,
        Some(3000),
        "refunded amount recorded"
    );
}

#[test]
fn a_negative_cancel_amount_from_the_wire_is_never_recorded_as_refunded() {
    for cancel_amount in [-1, i64::MIN] {
        let mut p = payment(Shape::Paid);
        p.cancel_amount = cancel_amount;
        let Transition::Move(m) = reconcile(&order(OrderState::AwaitingPayment), &p) else {
            panic!("a paid payment moves an awaiting order");
        };
        assert_eq!(m.to, OrderState::Paid, "nothing was refunded: {m:?}");
        assert!(
            m.patch.refunded_amount.is_none_or(|r| r == 0),
            "cancel_amount {cancel_amount} stays out of the refunded amount: {m:?}"
        );
    }
}

#[test]
fn second_partial_cancel_updates_the_refunded_amount() {
    let mut p = payment(Shape::CancelledPartial);
    p.cancel_amount = 5000;
    let Transition::Move(m) = reconcile(&order(OrderState::PartiallyRefunded), &p) else {
        panic!("more refunded must be recorded");
    };
    assert_eq!(
        (m.to, m.patch.refunded_amount),
        (OrderState::PartiallyRefunded, Some(5000)),
        "still partial, 5000 refunded"
    );
}

#[test]
fn cancel_of_the_whole_amount_is_refunded() {
    let decided = reconcile(
        &order(OrderState::PartiallyRefunded),
        &payment(Shape::CancelledFull),
    );
    assert_eq!(
        to_state(&decided),
        Some(OrderState::Refunded),
        "cancel_amount >= amount is refunded"
    );
}

#[test]
fn stale_read_with_less_refunded_changes_nothing() {
    let decided = reconcile(
        &order(OrderState::Refunded),
        &payment(Shape::CancelledPartial),
    );
    assert_eq!(decided, Transition::NoChange, "refunds never go backwards");
}
