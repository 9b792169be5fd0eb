//! `reconcile(order, payment) -> Transition`: the one pure function that decides every order
//! state change caused by what Iamport reports about a payment.
//!
//! Rules, in the order they are applied:
//! 1. A payment for another `merchant_uid` is refused: nothing about this order may change.
//!    A payment whose `custom_data` names another Panmusic account than the order's (or none,
//!    when the order names one) is refused the same way: it is not this shop's payment
//!    (orders made before the shop's account was set name none and take any; see
//!    [`crate::account`]).
//! 2. An unknown Iamport status is refused (a person looks; nothing is guessed).
//! 3. Once money was taken for the order under one `imp_uid` (paid, partially refunded,
//!    refunded, amount mismatch), a payment with another `imp_uid` is a stale attempt and changes
//!    nothing — unless it too holds money, which is a second charge: refused for a person.
//! 4. A PG's own test charge at a billing key's issuance (Danal's 10원, cancelled by Danal) is
//!    not a wrong payment: the 0원 registration is paid and the test charge recorded beside it
//!    (`test_charge.rs`). Any other payment whose amount or currency differs from the order's is never accepted as payment:
//!    if it holds money the order is flagged `amount_mismatch` and `needs_cancel` asks for a full
//!    cancel; an issued virtual account with the wrong amount is flagged too (nothing to cancel
//!    yet; a later deposit is cancelled then). What the wrong payment took and what of it went
//!    back (its cancels, forward only) are recorded as `mismatch_received`/`mismatch_returned`,
//!    never as the order's refund: the wrong amount may exceed the order's.
//! 5. Money states are computed from amounts, never from `status` alone (REFERENCE §3.3):
//!    `cancel_amount == 0` → `paid`, `0 < cancel_amount < amount` → `partially_refunded`,
//!    `cancel_amount >= amount` → `refunded`. A stale read (less refunded than we know) changes
//!    nothing.
//! 6. `ready` without a virtual account is a window closed (or still open) without paying: the
//!    order stays open (`created` becomes `awaiting_payment`), never `failed`.
//! 7. `ready` with a virtual account issues it (`vbank_issued`, bank/number/holder/deadline).
//! 8. `failed` moves an open order to `failed` (the same order, same merchant_uid, can be tried
//!    again); a failed attempt never undoes money already taken, and the failure already
//!    recorded does not close an order re-opened for a retry.

use chrono::{DateTime, TimeZone, Utc};
use iamport::{Payment, PaymentStatus};
use serde::Serialize;

use super::receipt::receipt_detail;
use crate::account::same_account;
use crate::store::{Order, OrderPatch, OrderState, PayMethod};

/// What reconciling one payment against one order decided.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "decided and applied one at a time, never stored in bulk"
)]
pub enum Transition {
    /// Nothing to change (already up to date, or a stale or irrelevant payment).
    NoChange,
    /// Move the order (possibly to the same state, to update fields).
    Move(Move),
    /// The payment must not touch this order; a person should know why.
    Refuse(Refusal),
}

/// A state change decided by [`reconcile`].
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// The state the order was in when this was decided (the `from` of `apply_transition`).
    pub from: OrderState,
    /// The state to move to.
    pub to: OrderState,
    /// The fields to set. `jobs` is left empty: the caller adds the cancel job.
    pub patch: OrderPatch,
    /// The payment holds money that does not match the order: cancel its whole balance.
    pub needs_cancel: bool,
}

/// Why a payment was refused for an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// The payment belongs to another order.
    #[error("결제 '{imp_uid}'는 다른 주문('{payment_merchant_uid}')의 결제입니다. 이 주문('{order_merchant_uid}')에는 적용하지 않았습니다. (payment of another order)")]
    OtherOrder {
        imp_uid: String,
        order_merchant_uid: String,
        payment_merchant_uid: String,
    },
    /// The payment names another Panmusic account than the one the order was sold for.
    #[error("결제 '{imp_uid}'는 다른 판뮤직 계정({})의 결제입니다. 이 주문('{merchant_uid}', 계정 {expected})에는 적용하지 않았습니다. 아임포트 관리자 화면에서 확인하세요. (payment for another account)", found.as_deref().unwrap_or("없음"))]
    OtherAccount {
        imp_uid: String,
        merchant_uid: String,
        expected: String,
        found: Option<String>,
    },
    /// Iamport reported a status this build does not know.
    #[error("결제 '{imp_uid}'의 상태 '{status}'를 알 수 없습니다. 아임포트 관리자 화면에서 확인하세요. (unknown payment status)")]
    UnknownStatus { imp_uid: String, status: String },
    /// A second payment holding money for an order that is already paid.
    #[error("주문 '{merchant_uid}'은(는) 이미 결제 '{paid_imp_uid}'로 결제되었는데, 다른 결제 '{imp_uid}'에도 금액이 있습니다. 이중 결제일 수 있으니 아임포트 관리자 화면에서 확인하세요. (second payment for a paid order)")]
    SecondPayment {
        merchant_uid: String,
        paid_imp_uid: String,
        imp_uid: String,
    },
}

/// The state money-holding payment `payment` puts an order in, from its amounts.
fn money_state(payment: &Payment) -> OrderState {
    // A 0원 payment (a billing key's issuance) has nothing to refund: it stays paid, whatever
    // the PG does with the authorization afterwards.
    if payment.cancel_amount > 0 && payment.cancel_amount >= payment.amount {
        OrderState::Refunded
    } else if payment.cancel_amount > 0 {
        OrderState::PartiallyRefunded
    } else {
        OrderState::Paid
    }
}

/// Whether money was taken by this payment at some point (paid, or paid then cancelled).
pub(super) fn holds_money(payment: &Payment) -> bool {
    match payment.status {
        PaymentStatus::Paid => true,
        PaymentStatus::Cancelled => payment.paid_at.is_some() || payment.cancel_amount > 0,
        _ => false,
    }
}

fn is_money_state(state: OrderState) -> bool {
    matches!(
        state,
        OrderState::Paid
            | OrderState::PartiallyRefunded
            | OrderState::Refunded
            | OrderState::AmountMismatch
    )
}

fn utc(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.and_then(|s| Utc.timestamp_opt(s, 0).single())
}

/// Our pay method for Iamport's, when it is one we sell with.
pub fn pay_method_of(payment: &Payment) -> Option<PayMethod> {
    match payment.pay_method.as_ref()? {
        iamport::PayMethod::Card => Some(PayMethod::Card),
        iamport::PayMethod::Vbank => Some(PayMethod::Vbank),
        iamport::PayMethod::Phone => Some(PayMethod::Phone),
        iamport::PayMethod::Trans => Some(PayMethod::Trans),
        _ => None,
    }
}

fn has_vbank(payment: &Payment) -> bool {
    payment.vbank_num.as_deref().is_some_and(|n| !n.is_empty())
}

/// The fields every transition from this payment records.
fn base_patch(order: &Order, payment: &Payment) -> OrderPatch {
    OrderPatch {
        imp_uid: (order.imp_uid.as_deref() != Some(payment.imp_uid.as_str()))
            .then(|| payment.imp_uid.clone()),
        pay_method: pay_method_of(payment).filter(|m| *m != order.pay_method),
        card_number: payment.card_number.clone().filter(|card| !card.is_empty()),
        ..OrderPatch::default()
    }
}

fn vbank_patch(order: &Order, payment: &Payment) -> OrderPatch {
    OrderPatch {
        vbank_bank: payment.vbank_name.clone(),
        vbank_num: payment.vbank_num.clone(),
        vbank_holder: payment.vbank_holder.clone(),
        vbank_due: utc(payment.vbank_date),
        ..base_patch(order, payment)
    }
}

fn moved(order: &Order, to: OrderState, patch: OrderPatch) -> Transition {
    Transition::Move(Move {
        from: order.state,
        to,
        patch,
        needs_cancel: false,
    })
}

/// Decides what `payment` (as Iamport reports it) does to `order`. Pure: reads nothing else.
pub fn reconcile(order: &Order, payment: &Payment) -> Transition {
    if payment.merchant_uid != order.merchant_uid {
        return Transition::Refuse(Refusal::OtherOrder {
            imp_uid: payment.imp_uid.clone(),
            order_merchant_uid: order.merchant_uid.clone(),
            payment_merchant_uid: payment.merchant_uid.clone(),
        });
    }
    if let Err(m) = same_account(order.custom_data.as_deref(), payment.custom_data.as_deref()) {
        return Transition::Refuse(Refusal::OtherAccount {
            imp_uid: payment.imp_uid.clone(),
            merchant_uid: order.merchant_uid.clone(),
            expected: m.expected,
            found: m.found,
        });
    }
    if let PaymentStatus::Unknown(status) = &payment.status {
        return Transition::Refuse(Refusal::UnknownStatus {
            imp_uid: payment.imp_uid.clone(),
            status: status.clone(),
        });
    }
    let same_payment = order.imp_uid.as_deref() == Some(payment.imp_uid.as_str());
    if is_money_state(order.state) && !same_payment {
        if let (true, Some(paid_imp_uid)) = (holds_money(payment), &order.imp_uid) {
            return Transition::Refuse(Refusal::SecondPayment {
                merchant_uid: order.merchant_uid.clone(),
                paid_imp_uid: paid_imp_uid.clone(),
                imp_uid: payment.imp_uid.clone(),
            });
        }
        return Transition::NoChange;
    }
    if super::test_charge::is_issuance_test_charge(order, payment) {
        if let Some(decided) = super::test_charge::reconcile_test_charge(order, payment) {
            return decided;
        }
    }
    if payment.amount != order.amount || payment.currency != order.currency {
        return mismatch(order, payment);
    }
    if order.state == OrderState::AmountMismatch {
        // Flagged orders are settled by their cancel and a person, not by other attempts.
        return Transition::NoChange;
    }
    match payment.status {
        PaymentStatus::Paid | PaymentStatus::Cancelled if holds_money(payment) => {
            money(order, payment)
        }
        // `cancelled` without any money ever taken: nothing was paid, the order stays as is.
        PaymentStatus::Paid | PaymentStatus::Cancelled => Transition::NoChange,
        PaymentStatus::Ready if has_vbank(payment) => vbank_issued(order, payment),
        PaymentStatus::Ready => window_closed(order, payment),
        PaymentStatus::Failed => failed(order, payment),
        PaymentStatus::Unknown(_) => Transition::NoChange,
    }
}

fn mismatch(order: &Order, payment: &Payment) -> Transition {
    let detail = serde_json::json!({
        "paidAmount": payment.amount,
        "paidCurrency": payment.currency,
        "orderAmount": order.amount,
        "cancelAmount": payment.cancel_amount,
        "status": payment.status.as_str(),
    });
    if holds_money(payment) {
        let needs_cancel = payment.refundable() > 0;
        let received = payment.amount.max(0);
        // What went back follows Iamport's cancels forward only (a stale read never un-returns).
        let returned = payment
            .cancel_amount
            .clamp(0, received)
            .max(order.mismatch_returned.min(received));
        let same_facts =
            order.mismatch_received == Some(received) && order.mismatch_returned == returned;
        if order.state == OrderState::AmountMismatch && !needs_cancel && same_facts {
            return Transition::NoChange;
        }
        return Transition::Move(Move {
            from: order.state,
            to: OrderState::AmountMismatch,
            patch: OrderPatch {
                paid_at: utc(payment.paid_at),
                mismatch_received: (order.mismatch_received != Some(received)).then_some(received),
                mismatch_returned: (order.mismatch_returned != returned).then_some(returned),
                detail: Some(detail),
                next_check_at: Some(None),
                ..base_patch(order, payment)
            },
            needs_cancel,
        });
    }
    if payment.status == PaymentStatus::Ready
        && has_vbank(payment)
        && order.state != OrderState::AmountMismatch
    {
        return moved(
            order,
            OrderState::AmountMismatch,
            OrderPatch {
                detail: Some(detail),
                ..vbank_patch(order, payment)
            },
        );
    }
    // Nothing was paid with the wrong amount: nothing to flag or cancel.
    Transition::NoChange
}

fn money(order: &Order, payment: &Payment) -> Transition {
    let to = money_state(payment);
    // Clamped both ways: a negative cancel_amount from the wire must never be stored, or the
    // refundable balance (amount - refunded) would exceed the order and could overflow.
    let refunded = payment.cancel_amount.clamp(0, order.amount.max(0));
    if is_money_state(order.state) {
        // Same payment: follow the amounts forward only (a stale read never un-refunds).
        if refunded < order.refunded_amount {
            return Transition::NoChange;
        }
        if to == order.state && refunded == order.refunded_amount {
            return Transition::NoChange;
        }
    }
    moved(
        order,
        to,
        OrderPatch {
            paid_at: utc(payment.paid_at).filter(|_| order.paid_at.is_none()),
            refunded_amount: (refunded != order.refunded_amount).then_some(refunded),
            next_check_at: Some(None),
            detail: receipt_detail(payment),
            ..base_patch(order, payment)
        },
    )
}

fn vbank_issued(order: &Order, payment: &Payment) -> Transition {
    match order.state {
        OrderState::Created | OrderState::AwaitingPayment | OrderState::Failed => {
            moved(order, OrderState::VbankIssued, vbank_patch(order, payment))
        }
        OrderState::VbankIssued if order.imp_uid.as_deref() != Some(payment.imp_uid.as_str()) => {
            moved(order, OrderState::VbankIssued, vbank_patch(order, payment))
        }
        _ => Transition::NoChange,
    }
}

fn window_closed(order: &Order, payment: &Payment) -> Transition {
    match order.state {
        OrderState::Created => moved(
            order,
            OrderState::AwaitingPayment,
            base_patch(order, payment),
        ),
        OrderState::AwaitingPayment if order.imp_uid.is_none() => moved(
            order,
            OrderState::AwaitingPayment,
            base_patch(order, payment),
        ),
        _ => Transition::NoChange,
    }
}

fn failed(order: &Order, payment: &Payment) -> Transition {
    let same_payment = order.imp_uid.as_deref() == Some(payment.imp_uid.as_str());
    let reason = payment
        .fail_reason
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "결제 실패 (사유 없음)".to_string());
    let patch = || OrderPatch {
        fail_reason: Some(reason.clone()),
        ..base_patch(order, payment)
    };
    match order.state {
        OrderState::Created => moved(order, OrderState::Failed, patch()),
        // The failure of the attempt that was recorded before the order was re-opened for a
        // retry does not close the new attempt.
        OrderState::AwaitingPayment if same_payment && order.fail_reason.is_some() => {
            Transition::NoChange
        }
        OrderState::AwaitingPayment => moved(order, OrderState::Failed, patch()),
        // An issued virtual account that Iamport now reports failed (the same payment).
        OrderState::VbankIssued if same_payment => moved(order, OrderState::Failed, patch()),
        _ => Transition::NoChange,
    }
}
