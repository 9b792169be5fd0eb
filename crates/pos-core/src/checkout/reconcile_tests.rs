//! The table of `reconcile`: every Iamport status against every order state, plus amounts,
//! currencies, merchant_uids, imp_uids and partial versus full cancels.

use chrono::{TimeZone, Utc};
use iamport::Payment;

use super::reconcile::{reconcile, Refusal, Transition};
use crate::store::{Order, OrderKind, OrderState, PayMethod};

const MUID: &str = "order_01TEST";
const IMP: &str = "imp_100000000001";
const PRICE: i64 = 9900;

fn order(state: OrderState) -> Order {
    let at = Utc
        .timestamp_opt(1_700_000_000, 0)
        .single()
        .unwrap_or_default();
    let has_payment = !matches!(state, OrderState::Created | OrderState::AwaitingPayment);
    Order {
        merchant_uid: MUID.into(),
        kind: OrderKind::OneTime,
        plan_id: "pass_1m".into(),
        amount: PRICE,
        currency: "KRW".into(),
        buyer_name: None,
        buyer_tel: None,
        buyer_email: None,
        state,
        imp_uid: has_payment.then(|| IMP.to_string()),
        pay_method: PayMethod::Card,
        vbank_bank: None,
        vbank_num: None,
        vbank_holder: None,
        vbank_due: None,
        fail_reason: None,
        refunded_amount: match state {
            OrderState::PartiallyRefunded => 1000,
            OrderState::Refunded => PRICE,
            _ => 0,
        },
        customer_uid: None,
        created_at: at,
        updated_at: at,
        paid_at: None,
        next_check_at: None,
        version: 0,
    }
}

/// The payment shapes of the table.
#[derive(Debug, Clone, Copy)]
enum Shape {
    ReadyNoVbank,
    ReadyVbank,
    Paid,
    Failed,
    CancelledPartial,
    CancelledFull,
    Unknown,
}

const SHAPES: [Shape; 7] = [
    Shape::ReadyNoVbank,
    Shape::ReadyVbank,
    Shape::Paid,
    Shape::Failed,
    Shape::CancelledPartial,
    Shape::CancelledFull,
    Shape::Unknown,
];

fn payment(shape: Shape) -> Payment {
    let mut json = serde_json::json!({
        "imp_uid": IMP, "merchant_uid": MUID, "amount": PRICE, "cancel_amount": 0,
        "currency": "KRW", "status": "ready", "pay_method": "card",
    });
    let set = |json: &mut serde_json::Value, k: &str, v: serde_json::Value| {
        if let Some(map) = json.as_object_mut() {
            map.insert(k.to_string(), v);
        }
    };
    match shape {
        Shape::ReadyNoVbank => {}
        Shape::ReadyVbank => {
            set(&mut json, "pay_method", "vbank".into());
            set(&mut json, "vbank_name", "국민은행".into());
            set(&mut json, "vbank_num", "123-456-7890".into());
            set(&mut json, "vbank_holder", "판뮤직".into());
            set(&mut json, "vbank_date", 1_700_259_200.into());
        }
        Shape::Paid => {
            set(&mut json, "status", "paid".into());
            set(&mut json, "paid_at", 1_700_000_100.into());
        }
        Shape::Failed => {
            set(&mut json, "status", "failed".into());
            set(&mut json, "fail_reason", "한도 초과".into());
        }
        Shape::CancelledPartial | Shape::CancelledFull => {
            set(&mut json, "status", "cancelled".into());
            set(&mut json, "paid_at", 1_700_000_100.into());
            let cancelled = if matches!(shape, Shape::CancelledFull) {
                PRICE
            } else {
                3000
            };
            set(&mut json, "cancel_amount", cancelled.into());
        }
        Shape::Unknown => set(&mut json, "status", "partial_cancelled".into()),
    }
    match serde_json::from_value(json) {
        Ok(p) => p,
        Err(e) => panic!("test payment must decode: {e}"),
    }
}

fn to_state(t: &Transition) -> Option<OrderState> {
    match t {
        Transition::Move(m) => Some(m.to),
        _ => None,
    }
}

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
