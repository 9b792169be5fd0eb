//! What does not match the order: the amount, the currency, the merchant_uid, the shop's account.

use super::{order, payment, Shape};
use crate::checkout::reconcile::{reconcile, Refusal, Transition};
use crate::store::OrderState;

#[test]
fn mismatched_amount_of_a_paid_payment_flags_and_asks_for_a_full_cancel() {
    for &state in OrderState::ALL.iter().filter(|s| {
        !matches!(
            s,
            OrderState::Paid
                | OrderState::PartiallyRefunded
                | OrderState::Refunded
                | OrderState::AmountMismatch
        )
    }) {
        let mut tampered = payment(Shape::Paid);
        tampered.amount = 100;
        let Transition::Move(m) = reconcile(&order(state), &tampered) else {
            panic!("a tampered amount must flag the order from {state:?}");
        };
        assert_eq!(m.to, OrderState::AmountMismatch, "flagged from {state:?}");
        assert!(m.needs_cancel, "the money must be cancelled from {state:?}");
    }
}

#[test]
fn mismatched_currency_is_a_mismatch() {
    let mut usd = payment(Shape::Paid);
    usd.currency = "USD".into();
    let Transition::Move(m) = reconcile(&order(OrderState::AwaitingPayment), &usd) else {
        panic!("a foreign currency must flag the order");
    };
    assert!(
        m.to == OrderState::AmountMismatch && m.needs_cancel,
        "flagged and cancelled"
    );
}

/// An order flagged for a wrong payment of `received` won, `returned` of it already back.
fn flagged(received: i64, returned: i64) -> crate::store::Order {
    crate::store::Order {
        mismatch_received: Some(received),
        mismatch_returned: returned,
        ..order(OrderState::AmountMismatch)
    }
}

#[test]
fn mismatched_payment_already_recorded_as_returned_needs_nothing_more() {
    let mut tampered = payment(Shape::CancelledFull);
    tampered.amount = 100;
    tampered.cancel_amount = 100;
    assert_eq!(
        reconcile(&flagged(100, 100), &tampered),
        Transition::NoChange,
        "nothing left to cancel or record"
    );
}

#[test]
fn flagging_a_wrong_payment_records_what_it_took() {
    let mut tampered = payment(Shape::Paid);
    tampered.amount = 100;
    let Transition::Move(m) = reconcile(&order(OrderState::VbankIssued), &tampered) else {
        panic!("a wrong deposit must flag the order");
    };
    assert_eq!(
        (m.patch.mismatch_received, m.patch.mismatch_returned),
        (Some(100), None),
        "the wrong deposit is recorded as received, nothing returned yet"
    );
    assert_eq!(
        m.patch.refunded_amount, None,
        "a wrong deposit is not a sale's refund"
    );
}

#[test]
fn the_cancel_of_a_wrong_payment_is_recorded_as_returned_not_as_a_refund() {
    let mut cancelled = payment(Shape::CancelledFull);
    cancelled.amount = 100;
    cancelled.cancel_amount = 100;
    let Transition::Move(m) = reconcile(&flagged(100, 0), &cancelled) else {
        panic!("the finished automatic cancel must be recorded on the order");
    };
    assert_eq!(
        m.to,
        OrderState::AmountMismatch,
        "the order stays flagged (it was never paid)"
    );
    assert!(!m.needs_cancel, "nothing is left to cancel");
    assert_eq!(m.patch.mismatch_returned, Some(100), "the 100원 went back");
    assert_eq!(
        m.patch.refunded_amount, None,
        "the order's own refund is untouched"
    );
}

#[test]
fn a_wrong_payment_larger_than_the_order_is_returned_in_full() {
    let mut cancelled = payment(Shape::CancelledFull);
    cancelled.amount = 50_000;
    cancelled.cancel_amount = 50_000;
    let Transition::Move(m) = reconcile(&flagged(50_000, 0), &cancelled) else {
        panic!("the finished automatic cancel must be recorded on the order");
    };
    assert_eq!(
        m.patch.mismatch_returned,
        Some(50_000),
        "all of a deposit larger than the 9,900원 order went back"
    );
}

#[test]
fn a_stale_read_of_a_wrong_payment_never_un_returns_it() {
    let mut stale = payment(Shape::CancelledPartial);
    stale.amount = 100;
    stale.cancel_amount = 40;
    match reconcile(&flagged(100, 100), &stale) {
        Transition::NoChange => {}
        Transition::Move(m) => assert_eq!(
            m.patch.mismatch_returned, None,
            "what went back is never lowered by an older read"
        ),
        Transition::Refuse(r) => panic!("a stale read of our own payment is not refused: {r}"),
    }
}

#[test]
fn mismatched_amount_of_an_unpaid_payment_changes_nothing() {
    for shape in [Shape::ReadyNoVbank, Shape::Failed] {
        let mut p = payment(shape);
        p.amount = 100;
        assert_eq!(
            reconcile(&order(OrderState::AwaitingPayment), &p),
            Transition::NoChange,
            "{shape:?} took no money"
        );
    }
}

#[test]
fn mismatched_vbank_is_flagged_without_a_cancel() {
    let mut p = payment(Shape::ReadyVbank);
    p.amount = 100;
    let Transition::Move(m) = reconcile(&order(OrderState::AwaitingPayment), &p) else {
        panic!("a wrong-amount virtual account must be flagged");
    };
    assert!(
        m.to == OrderState::AmountMismatch && !m.needs_cancel,
        "nothing deposited yet, nothing to cancel"
    );
}

#[test]
fn payment_of_another_merchant_uid_is_refused() {
    let mut other = payment(Shape::Paid);
    other.merchant_uid = "order_OTHER".into();
    assert!(
        matches!(
            reconcile(&order(OrderState::AwaitingPayment), &other),
            Transition::Refuse(Refusal::OtherOrder { .. })
        ),
        "another order's payment never touches this one"
    );
}

#[test]
fn a_payment_naming_another_account_is_refused_in_every_state() {
    for state in [
        OrderState::AwaitingPayment,
        OrderState::Paid,
        OrderState::VbankIssued,
    ] {
        let mut mine = order(state);
        mine.custom_data = Some(r#"{"account_id":"pm-1"}"#.into());
        let mut theirs = payment(Shape::Paid);
        theirs.custom_data = Some(r#"{"account_id":"pm-2"}"#.into());
        assert!(
            matches!(
                reconcile(&mine, &theirs),
                Transition::Refuse(Refusal::OtherAccount { .. })
            ),
            "another account's payment changes nothing for a {state:?} order"
        );
        theirs.custom_data = mine.custom_data.clone();
        assert!(
            !matches!(reconcile(&mine, &theirs), Transition::Refuse(_)),
            "the order's own account is accepted ({state:?})"
        );
    }
}
