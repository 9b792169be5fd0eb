//! `POST /payments/cancel` (REFERENCE §4): full or partial, `checksum` against the refundable
//! balance, over-cancel refused, refund account required for virtual accounts. Failures are
//! HTTP 200 with `code != 0`, as the real API answers.
//!
//! A partial cancel sets `status: cancelled` (the old manual's reading, "cancelled, including
//! partial cancel"); clients must compute the refundable balance as `amount - cancel_amount`.

use axum::extract::State;
use serde::Deserialize;
use std::sync::Arc;

use crate::envelope::{ok, ApiError, ApiResult};
use crate::form::{Input, Num};
use crate::model::{CancelEntry, PaymentStatus};
use crate::state::{digits, Shared, Store};

/// Body of `POST /payments/cancel`.
#[derive(Deserialize, Default)]
pub struct CancelBody {
    pub imp_uid: Option<String>,
    pub merchant_uid: Option<String>,
    pub amount: Option<Num>,
    pub checksum: Option<Num>,
    pub reason: Option<String>,
    pub refund_holder: Option<String>,
    pub refund_bank: Option<String>,
    pub refund_account: Option<String>,
}

/// What a cancel asks for, once the payment is found.
#[derive(Debug, Default)]
pub struct CancelOrder {
    /// `None` or `Some(0)`: the whole balance.
    pub amount: Option<i64>,
    pub checksum: Option<i64>,
    pub reason: Option<String>,
    /// True when refund_holder, refund_bank and refund_account were all given.
    pub refund_account_given: bool,
    /// Console cancels (control API) skip the refund-account rule.
    pub from_console: bool,
}

impl Store {
    /// Finds the payment a cancel targets: imp_uid wins; else the paid payment with the
    /// merchant_uid (or its newest).
    pub fn cancel_target(
        &self,
        imp_uid: Option<&str>,
        merchant_uid: Option<&str>,
    ) -> Option<usize> {
        if let Some(imp) = imp_uid.filter(|s| !s.is_empty()) {
            return self.index_of(imp);
        }
        let m = merchant_uid.filter(|s| !s.is_empty())?;
        let list = self.by_merchant(m);
        let chosen = list
            .iter()
            .rev()
            .find(|p| p.payment.paid_at > 0)
            .or_else(|| list.last())?;
        self.index_of(&chosen.payment.imp_uid)
    }

    /// Applies a cancel to payment `i` or explains why not.
    pub fn cancel_payment(&mut self, i: usize, order: CancelOrder) -> Result<(), ApiError> {
        let p = self.at(i);
        let cancellable = matches!(p.status, PaymentStatus::Paid | PaymentStatus::Cancelled);
        if !cancellable || p.paid_at == 0 {
            return Err(ApiError::NothingToCancel);
        }
        let balance = p.amount.saturating_sub(p.cancel_amount);
        if balance <= 0 {
            return Err(ApiError::AlreadyCancelled);
        }
        if let Some(checksum) = order.checksum {
            if checksum != balance {
                return Err(ApiError::ChecksumMismatch { balance, checksum });
            }
        }
        let amount = match order.amount {
            None | Some(0) => balance,
            Some(a) if a < 0 => return Err(ApiError::InvalidCancelAmount),
            Some(a) if a > balance => return Err(ApiError::OverCancel),
            Some(a) => a,
        };
        if p.pay_method == "vbank" && !order.refund_account_given && !order.from_console {
            return Err(ApiError::RefundAccountRequired);
        }
        self.update_payment(i, |p, now| {
            let receipt = format!(
                "https://sandbox.iamport.invalid/receipts/{}/cancel/{}",
                p.imp_uid,
                p.cancel_history.len() + 1
            );
            p.cancel_history.push(CancelEntry {
                amount,
                cancellation_id: format!("cancel_{}", digits(16)),
                cancelled_at: now,
                pg_tid: p.pg_tid.clone().unwrap_or_default(),
                reason: order.reason.clone(),
                receipt_url: Some(receipt.clone()),
            });
            p.cancel_receipt_urls.push(receipt);
            p.cancel_amount = p.cancel_amount.saturating_add(amount);
            p.cancel_reason = order.reason;
            p.cancelled_at = now;
            p.status = PaymentStatus::Cancelled;
        });
        Ok(())
    }
}

/// `POST /payments/cancel`.
pub async fn cancel(
    State(shared): State<Arc<Shared>>,
    Input(body): Input<CancelBody>,
) -> ApiResult {
    let refund_account_given = [&body.refund_holder, &body.refund_bank, &body.refund_account]
        .iter()
        .all(|f| f.as_deref().is_some_and(|s| !s.trim().is_empty()));
    if let Some(bank) = body.refund_bank.as_deref().filter(|b| !b.trim().is_empty()) {
        if crate::banks::bank(bank).is_none() {
            return Err(ApiError::InvalidRefundBank(bank.chars().take(40).collect()));
        }
    }
    let mut store = shared.store.lock();
    let i = store
        .cancel_target(body.imp_uid.as_deref(), body.merchant_uid.as_deref())
        .ok_or(ApiError::NothingToCancel)?;
    store.cancel_payment(
        i,
        CancelOrder {
            amount: body.amount.map(|n| n.0),
            checksum: body.checksum.map(|n| n.0),
            reason: body.reason,
            refund_account_given,
            from_console: false,
        },
    )?;
    let reply = ok(store.at(i));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}
