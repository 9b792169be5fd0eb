//! A PG's own test charge at billing-key issuance (Danal: a 0원 window is approved as a 10원
//! charge that Danal cancels about 30 minutes later; REFERENCE §8 pitfall 6). It is not a sale,
//! not a period and not a wrong payment to cancel: the `billing_` order stays the 0원 card
//! registration (paid), and the test charge is recorded beside it as received and, once the PG
//! has cancelled it, returned (`mismatch_received` / `mismatch_returned`).

use iamport::{CustomerUidUsage, Payment};

use super::reconcile::{holds_money, Move, Transition};
use crate::store::{Order, OrderKind, OrderPatch, OrderState};
use crate::subscription::issuance::{issuance_rule, IssuanceRule};

/// Key of the test charge's amount in an event's `detail`.
pub const TEST_CHARGE_KEY: &str = "testCharge";

/// Whether `payment` is the test charge of the issuance `order` stands for: a 0원 `billing_`
/// order, a key-issuing payment of the PG's test amount, made through a PG that makes one.
pub fn is_issuance_test_charge(order: &Order, payment: &Payment) -> bool {
    let test_amount = match payment
        .pg_provider
        .as_deref()
        .map(|pg| issuance_rule(Some(pg)))
    {
        Some(IssuanceRule::FreeWithTestCharge { test_amount }) => test_amount,
        _ => return false,
    };
    order.kind == OrderKind::Billing
        && order.amount == 0
        && payment.amount == test_amount
        && payment.currency == order.currency
        && payment.customer_uid_usage == Some(CustomerUidUsage::Issue)
        && order.customer_uid.as_deref() == payment.customer_uid.as_deref()
}

/// What the test charge does to its `billing_` order: the registration is paid (0원), the
/// test amount received and what the PG cancelled of it returned (forward only). `None` when
/// it holds no money (then the ordinary rules apply: nothing was charged).
pub(super) fn reconcile_test_charge(order: &Order, payment: &Payment) -> Option<Transition> {
    if !holds_money(payment) {
        return None;
    }
    if !matches!(
        order.state,
        OrderState::Created | OrderState::AwaitingPayment | OrderState::Failed | OrderState::Paid
    ) {
        // Flagged or settled otherwise before this was known: a person looks, nothing moves.
        return Some(Transition::NoChange);
    }
    let received = payment.amount;
    let returned = payment
        .cancel_amount
        .clamp(0, received)
        .max(order.mismatch_returned.min(received));
    if order.state == OrderState::Paid
        && order.mismatch_received == Some(received)
        && order.mismatch_returned == returned
    {
        return Some(Transition::NoChange);
    }
    let paid_at = payment
        .paid_at
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .filter(|_| order.paid_at.is_none());
    Some(Transition::Move(Move {
        from: order.state,
        to: OrderState::Paid,
        patch: OrderPatch {
            imp_uid: (order.imp_uid.as_deref() != Some(payment.imp_uid.as_str()))
                .then(|| payment.imp_uid.clone()),
            paid_at,
            mismatch_received: (order.mismatch_received != Some(received)).then_some(received),
            mismatch_returned: (order.mismatch_returned != returned).then_some(returned),
            next_check_at: Some(None),
            detail: Some(
                serde_json::json!({ TEST_CHARGE_KEY: received, "testChargeReturned": returned }),
            ),
            ..OrderPatch::default()
        },
        needs_cancel: false,
    }))
}
