//! Every status against every order state, as a table and as a property.

use super::{order, payment, to_state, Shape, SHAPES};
use crate::checkout::reconcile::{reconcile, Refusal, Transition};
use crate::store::OrderState;

/// Expected outcome per (order state, payment shape): `Some(state)` = move there, `None` = no
/// change. Unknown status is always refused (checked separately).
fn expected(state: OrderState, shape: Shape) -> Option<OrderState> {
    use OrderState::*;
    let open = matches!(
        state,
        Created | AwaitingPayment | Failed | Abandoned | VbankIssued
    );
    match shape {
        // Created opens; an awaiting order without an imp_uid records it and stays open.
        Shape::ReadyNoVbank => {
            matches!(state, Created | AwaitingPayment).then_some(AwaitingPayment)
        }
        Shape::ReadyVbank => match state {
            Created | AwaitingPayment | Failed => Some(VbankIssued),
            _ => None,
        },
        Shape::Paid => open.then_some(Paid),
        Shape::Failed => match state {
            Created | AwaitingPayment | VbankIssued => Some(Failed),
            _ => None,
        },
        Shape::CancelledPartial => match state {
            Refunded | AmountMismatch => None,
            _ => Some(PartiallyRefunded),
        },
        Shape::CancelledFull => match state {
            Refunded | AmountMismatch => None,
            _ => Some(Refunded),
        },
        Shape::Unknown => None,
    }
}

#[test]
fn every_status_against_every_order_state_follows_the_table() {
    for &state in OrderState::ALL {
        for shape in SHAPES {
            let decided = reconcile(&order(state), &payment(shape));
            if matches!(shape, Shape::Unknown) {
                assert!(
                    matches!(decided, Transition::Refuse(Refusal::UnknownStatus { .. })),
                    "an unknown status must be refused for {state:?}, got {decided:?}"
                );
                continue;
            }
            assert_eq!(
                to_state(&decided),
                expected(state, shape),
                "order {state:?} + payment {shape:?} decided {decided:?}"
            );
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn any_state() -> impl Strategy<Value = OrderState> {
        proptest::sample::select(OrderState::ALL.to_vec())
    }

    fn any_status() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(vec!["ready", "paid", "failed", "cancelled", "weird"])
    }

    proptest! {
        #[test]
        fn money_is_only_accepted_when_amount_and_currency_match(
            state in any_state(),
            status in any_status(),
            amount in 0i64..20_000,
            cancelled in 0i64..20_000,
            usd in any::<bool>(),
            other_imp in any::<bool>(),
            vbank in any::<bool>(),
        ) {
            let mut p = payment(if vbank { Shape::ReadyVbank } else { Shape::Paid });
            p.status = iamport::PaymentStatus::from_wire(status);
            p.amount = amount;
            p.cancel_amount = cancelled.min(amount);
            if usd { p.currency = "USD".into(); }
            if other_imp { p.imp_uid = "imp_999999999999".into(); }
            let o = order(state);
            let decided = reconcile(&o, &p);
            if let Transition::Move(m) = &decided {
                let accepted = matches!(m.to, OrderState::Paid | OrderState::PartiallyRefunded | OrderState::Refunded);
                prop_assert!(!accepted || (p.amount == o.amount && p.currency == o.currency),
                    "money accepted only when it matches: {decided:?}");
                prop_assert!(m.patch.refunded_amount.is_none_or(|r| (0..=o.amount).contains(&r)),
                    "refunded stays within the order amount: {decided:?}");
                prop_assert!(!m.needs_cancel || m.to == OrderState::AmountMismatch,
                    "only a mismatch is cancelled automatically: {decided:?}");
                prop_assert_eq!(m.from, o.state, "decided from the state read");
            }
            let mut foreign = p.clone();
            foreign.merchant_uid = "order_SOMEONE_ELSE".into();
            let refused = matches!(reconcile(&o, &foreign), Transition::Refuse(Refusal::OtherOrder { .. }));
            prop_assert!(refused, "another order's payment is always refused");
        }
    }
}
