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

#[test]
fn mismatched_payment_already_cancelled_needs_nothing_more() {
    let mut tampered = payment(Shape::CancelledFull);
    tampered.amount = 100;
    tampered.cancel_amount = 100;
    assert_eq!(
        reconcile(&order(OrderState::AmountMismatch), &tampered),
        Transition::NoChange,
        "nothing left to cancel"
    );
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
