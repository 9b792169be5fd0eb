//! `/receipts/{imp_uid}` (openapi `issueReceipt`, `getReceipt`, `revokeReceipt`): the cash receipt
//! (현금영수증) of a cash-like payment. Issue answers 400 for a payment that is not paid, not
//! cash-like (a card), or that already has a standing receipt; look-up answers 404 when none was
//! ever issued; cancel answers 400 when there is no standing receipt. The amount is the payment's
//! balance (amount − cancelled), VAT one eleventh of it. Faults apply like any REST call.

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::envelope::{ok, ApiError, ApiResult};
use crate::form::Input;
use crate::model::PaymentStatus;
use crate::state::{digits, Shared};

/// The wire `ReceiptAnnotation`; `cancelled_at` is 0 while the receipt stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Receipt {
    pub imp_uid: String,
    pub receipt_tid: String,
    pub apply_num: String,
    #[serde(rename = "type")]
    pub receipt_type: String,
    pub amount: i64,
    pub vat: i64,
    pub receipt_url: String,
    pub applied_at: i64,
    pub cancelled_at: i64,
}

/// Body of `POST /receipts/{imp_uid}`.
#[derive(Deserialize, Default)]
pub struct IssueBody {
    pub identifier: Option<String>,
    pub identifier_type: Option<String>,
    #[serde(rename = "type")]
    pub receipt_type: Option<String>,
    pub product_type: Option<String>,
}

/// Pay methods a cash receipt can be issued for.
const CASH_LIKE: [&str; 3] = ["vbank", "trans", "phone"];

/// `POST /receipts/{imp_uid}`.
pub async fn issue(
    State(shared): State<Arc<Shared>>,
    Path(imp_uid): Path<String>,
    Input(body): Input<IssueBody>,
) -> ApiResult {
    let identifier = body
        .identifier
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or(ApiError::InvalidParam("identifier"))?;
    if !identifier.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(ApiError::InvalidParam("identifier (digits)"));
    }
    let receipt_type = match body.receipt_type.as_deref().unwrap_or("person") {
        "person" => "person",
        "company" => "company",
        _ => return Err(ApiError::InvalidParam("type (person|company)")),
    };
    if body
        .identifier_type
        .as_deref()
        .is_some_and(|t| !matches!(t, "person" | "business" | "phone" | "taxcard"))
    {
        return Err(ApiError::InvalidParam("identifier_type"));
    }
    if body
        .product_type
        .as_deref()
        .is_some_and(|t| !matches!(t, "real" | "digital"))
    {
        return Err(ApiError::InvalidParam("product_type (real|digital)"));
    }
    let mut store = shared.store.lock();
    let i = store.index_of(&imp_uid).ok_or(ApiError::PaymentNotFound)?;
    let p = store.at(i);
    let balance = p.amount.saturating_sub(p.cancel_amount);
    let paid = matches!(p.status, PaymentStatus::Paid | PaymentStatus::Cancelled) && p.paid_at > 0;
    if !paid || balance <= 0 {
        return Err(ApiError::ReceiptNotPaid);
    }
    if !CASH_LIKE.contains(&p.pay_method.as_str()) {
        return Err(ApiError::ReceiptNotCashLike(p.pay_method.clone()));
    }
    if store
        .receipts
        .get(&imp_uid)
        .is_some_and(|r| r.cancelled_at == 0)
    {
        return Err(ApiError::ReceiptAlreadyIssued);
    }
    let now = store.now();
    let receipt = Receipt {
        imp_uid: imp_uid.clone(),
        receipt_tid: format!("CR{}", digits(16)),
        apply_num: digits(9),
        receipt_type: receipt_type.to_string(),
        amount: balance,
        vat: balance / 11,
        receipt_url: format!("https://sandbox.iamport.invalid/cash-receipts/{imp_uid}"),
        applied_at: now,
        cancelled_at: 0,
    };
    store.receipts.insert(imp_uid, receipt.clone());
    store.update_payment(i, |p, _| p.cash_receipt_issued = true);
    drop(store);
    shared.mark_dirty();
    Ok(ok(receipt))
}

/// `GET /receipts/{imp_uid}`.
pub async fn get_receipt(
    State(shared): State<Arc<Shared>>,
    Path(imp_uid): Path<String>,
) -> ApiResult {
    let store = shared.store.lock();
    let receipt = store
        .receipts
        .get(&imp_uid)
        .ok_or(ApiError::ReceiptNotFound)?;
    Ok(ok(receipt))
}

/// `DELETE /receipts/{imp_uid}`.
pub async fn cancel(State(shared): State<Arc<Shared>>, Path(imp_uid): Path<String>) -> ApiResult {
    let mut store = shared.store.lock();
    let now = store.now();
    let receipt = store
        .receipts
        .get_mut(&imp_uid)
        .filter(|r| r.cancelled_at == 0)
        .ok_or(ApiError::ReceiptNotIssued)?;
    receipt.cancelled_at = now;
    let reply = receipt.clone();
    if let Some(i) = store.index_of(&imp_uid) {
        store.update_payment(i, |p, _| p.cash_receipt_issued = false);
    }
    drop(store);
    shared.mark_dirty();
    Ok(ok(reply))
}
