//! `apply_transition`: the one primitive every order state change goes through.
//!
//! In one transaction it checks the order is still the row the caller decided from (its state
//! and its version, so a stale same-state write cannot undo a newer one), applies
//! the patch, appends the audit event and enqueues the jobs the change owes Iamport. If the state
//! moved underneath (another worker, the change feed), nothing is written and the caller re-reads.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use super::batch::begin_write;
use super::codec::{now, to_ms};
use super::error::{SqlContext, StoreError};
use super::jobs::{enqueue_in, NewJob};
use super::order_events::insert_event;
use super::orders::{order_in, Order, OrderState, PayMethod};
use super::Store;

/// Fields to change with a transition. `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPatch {
    /// Iamport's payment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imp_uid: Option<String>,
    /// The method Iamport reports the payment was made with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pay_method: Option<PayMethod>,
    /// Virtual account bank name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vbank_bank: Option<String>,
    /// Virtual account number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vbank_num: Option<String>,
    /// Virtual account holder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vbank_holder: Option<String>,
    /// Virtual account deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vbank_due: Option<DateTime<Utc>>,
    /// Why the payment failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
    /// Won refunded so far, in total (0 ≤ value ≤ amount).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunded_amount: Option<i64>,
    /// Won a payment of the wrong amount took (see [`Order::mismatch_received`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mismatch_received: Option<i64>,
    /// Won of the wrong payment returned so far, in total (0 ≤ value ≤ received).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mismatch_returned: Option<i64>,
    /// When Iamport says it was paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<DateTime<Utc>>,
    /// `Some(Some(t))` schedules the next check, `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_check_at: Option<Option<DateTime<Utc>>>,
    /// Billing-key handle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_uid: Option<String>,
    /// The card number as Iamport reports it (masked by the PG), kept for search; not in the audit event.
    #[serde(skip)]
    pub card_number: Option<String>,
    /// Extra detail for the audit event (never secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<serde_json::Value>,
    /// Jobs to enqueue in the same transaction.
    #[serde(skip)]
    pub jobs: Vec<NewJob>,
}

fn apply_patch(order: &mut Order, patch: &OrderPatch) -> Result<(), StoreError> {
    if let Some(refunded) = patch.refunded_amount {
        if refunded < 0 || refunded > order.amount {
            return Err(StoreError::InvalidPatch {
                merchant_uid: order.merchant_uid.clone(),
                reason: "환불 금액은 0 이상, 주문 금액 이하여야 합니다",
            });
        }
        order.refunded_amount = refunded;
    }
    if let Some(received) = patch.mismatch_received {
        if received < 0 {
            return Err(StoreError::InvalidPatch {
                merchant_uid: order.merchant_uid.clone(),
                reason: "잘못된 금액의 결제 금액은 0 이상이어야 합니다",
            });
        }
        order.mismatch_received = Some(received);
    }
    if let Some(returned) = patch.mismatch_returned {
        if returned < 0 || returned > order.mismatch_received.unwrap_or(0) {
            return Err(StoreError::InvalidPatch {
                merchant_uid: order.merchant_uid.clone(),
                reason: "돌려준 금액은 0 이상, 잘못 결제된 금액 이하여야 합니다",
            });
        }
        order.mismatch_returned = returned;
    }
    let set = |target: &mut Option<String>, value: &Option<String>| {
        if let Some(v) = value {
            *target = Some(v.clone());
        }
    };
    set(&mut order.imp_uid, &patch.imp_uid);
    set(&mut order.vbank_bank, &patch.vbank_bank);
    set(&mut order.vbank_num, &patch.vbank_num);
    set(&mut order.vbank_holder, &patch.vbank_holder);
    set(&mut order.fail_reason, &patch.fail_reason);
    set(&mut order.customer_uid, &patch.customer_uid);
    if let Some(method) = patch.pay_method {
        order.pay_method = method;
    }
    if let Some(due) = patch.vbank_due {
        order.vbank_due = Some(due);
    }
    if let Some(paid_at) = patch.paid_at {
        order.paid_at = Some(paid_at);
    }
    if let Some(next) = patch.next_check_at {
        order.next_check_at = next;
    }
    Ok(())
}

impl Store {
    /// Moves the order `seen` to `to` (which may equal its state, for a refresh), applying
    /// `patch`, appending an event with `cause`, and enqueuing `patch.jobs`, all in one
    /// transaction. `seen` is the order as the caller read it when deciding: if the row has
    /// changed since (another state, or the same state at a newer version, such as a refund
    /// total written by another path), nothing is written and [`StoreError::StateMoved`] asks
    /// the caller to re-read. Returns the order as written (its version one higher).
    pub fn apply_transition(
        &self,
        seen: &Order,
        to: OrderState,
        cause: &str,
        patch: &OrderPatch,
    ) -> Result<Order, StoreError> {
        let merchant_uid = seen.merchant_uid.as_str();
        let from = seen.state;
        let mut conn = self.lock();
        // A savepoint inside a sync batch (see `batch.rs`), else an immediate transaction.
        let tx = begin_write(&mut conn).ctx("start an order transition")?;
        let mut order = order_in(&tx, merchant_uid)?;
        if order.state != from || order.version != seen.version {
            return Err(StoreError::StateMoved {
                merchant_uid: merchant_uid.to_string(),
                expected: from.as_str(),
                actual: order.state.as_str(),
            });
        }
        apply_patch(&mut order, patch)?;
        let at = now();
        order.state = to;
        order.updated_at = at;
        order.version += 1;
        let written = tx.execute(
            "UPDATE orders SET state = ?2, imp_uid = ?3, pay_method = ?4, vbank_bank = ?5, vbank_num = ?6, \
             vbank_holder = ?7, vbank_due = ?8, fail_reason = ?9, refunded_amount = ?10, customer_uid = ?11, \
             updated_at = ?12, paid_at = ?13, next_check_at = ?14, version = version + 1, \
             mismatch_received = ?17, mismatch_returned = ?18 \
             WHERE merchant_uid = ?1 AND state = ?15 AND version = ?16",
            params![
                order.merchant_uid,
                order.state,
                order.imp_uid,
                order.pay_method,
                order.vbank_bank,
                order.vbank_num,
                order.vbank_holder,
                order.vbank_due.map(to_ms),
                order.fail_reason,
                order.refunded_amount,
                order.customer_uid,
                to_ms(at),
                order.paid_at.map(to_ms),
                order.next_check_at.map(to_ms),
                from,
                seen.version,
                order.mismatch_received,
                order.mismatch_returned,
            ],
        );
        match written {
            Ok(_) => {}
            Err(e) if is_imp_uid_taken(&e) => {
                return Err(StoreError::PaymentOfAnotherOrder {
                    merchant_uid: merchant_uid.to_string(),
                    imp_uid: order.imp_uid.clone().unwrap_or_default(),
                })
            }
            Err(source) => {
                return Err(StoreError::Sqlite {
                    context: "update an order",
                    source,
                })
            }
        }
        if let Some(card) = &patch.card_number {
            tx.execute(
                "UPDATE orders SET card_number = ?2 WHERE merchant_uid = ?1 AND card_number IS NOT ?2",
                params![order.merchant_uid, card],
            )
            .ctx("record the card number of an order")?;
        }
        let detail = serde_json::to_value(patch).map_err(|source| StoreError::Json {
            context: "encode a transition",
            source,
        })?;
        let detail = match &detail {
            serde_json::Value::Object(map) if map.is_empty() => None,
            _ => Some(&detail),
        };
        insert_event(&tx, merchant_uid, to_ms(at), Some(from), to, cause, detail)?;
        for job in &patch.jobs {
            enqueue_in(&tx, job, at)?;
        }
        super::cash_receipts::on_transition(&tx, from, &order, at)?;
        tx.commit().ctx("commit an order transition")?;
        Ok(order)
    }
}

/// Whether `e` is the trigger that keeps one Iamport payment on one order.
fn is_imp_uid_taken(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(_, Some(message)) if message.contains("imp_uid belongs to another order"))
}
