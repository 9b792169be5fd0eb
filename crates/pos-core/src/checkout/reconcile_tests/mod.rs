//! The table of `reconcile`: every Iamport status against every order state, plus amounts,
//! currencies, merchant_uids, imp_uids and partial versus full cancels. This file holds the
//! fixtures (an order in any state, a payment of any shape); the tests are split by feature.

mod mismatch;
mod payments;
mod refunds;
mod table;

use chrono::{TimeZone, Utc};
use iamport::Payment;

use super::reconcile::Transition;
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
        custom_data: None,
        mismatch_received: None,
        mismatch_returned: 0,
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
