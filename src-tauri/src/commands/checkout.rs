//! Checkout (issue 5): the UI names a plan and a pay method; Rust fixes the amount, and every
//! payment is verified against Iamport through one path.

use pos_core::checkout::{AbandonOutcome, Buyer, CheckoutTicket, Verified};
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::payments::flows;

/// A new order for `plan_id` at the catalog price, and the payment window's parameters. The
/// buyer's details (name, phone, e-mail) are optional: blanks take the settings' defaults, and
/// malformed ones are refused before anything is written.
#[tauri::command]
pub async fn start_checkout<R: Runtime>(
    app: AppHandle<R>,
    plan_id: String,
    pay_method: String,
    buyer: Option<Buyer>,
) -> CommandResult<CheckoutTicket> {
    let pay_method = flows::parse_pay_method(&pay_method)?;
    Ok(flows::start(&app, &plan_id, pay_method, &buyer.unwrap_or_default()).await?)
}

/// Verifies what the payment window handed back (only `merchant_uid` and `imp_uid` are used).
#[tauri::command]
pub async fn complete_payment<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
    imp_uid: Option<String>,
) -> CommandResult<Verified> {
    Ok(flows::complete(&app, &merchant_uid, imp_uid.as_deref()).await?)
}

/// The parameters to pay the same order again (failed, closed window, abandoned).
#[tauri::command]
pub async fn retry_checkout<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
) -> CommandResult<CheckoutTicket> {
    Ok(flows::retry(&app, &merchant_uid).await?)
}

/// 주문 취소 of an unpaid order (waiting for payment or a deposit, or failed); an issued virtual
/// account is revoked at Iamport, or queued for it offline. A paid order is refused.
#[tauri::command]
pub async fn abandon_order<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
) -> CommandResult<AbandonOutcome> {
    Ok(flows::abandon(&app, &merchant_uid).await?)
}
