//! 주문 내역 (issue 5): the history, an order's page, refunds and the receipt.

use pos_core::checkout::{BankList, RefundAccount, RefundOutcome, RefundRequest};
use pos_core::owner_pin::Pin;
use pos_core::{OrderEvent, OrderPage, OrderQuery};
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::owner::require_owner;
use crate::payments::flows;
use crate::payments::models::OrderDetail;

/// One page of orders, newest first, filtered by state, pay method and a search prefix.
#[tauri::command]
pub async fn list_orders<R: Runtime>(
    app: AppHandle<R>,
    query: Option<OrderQuery>,
) -> CommandResult<OrderPage> {
    Ok(flows::list_orders(&app, query.unwrap_or_default()).await?)
}

/// An order with its timeline, receipt link and any refund still waiting.
#[tauri::command]
pub async fn get_order<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
) -> CommandResult<OrderDetail> {
    Ok(flows::order_detail(&app, merchant_uid).await?)
}

/// An order's audit events, oldest first.
#[tauri::command]
pub async fn order_events<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
) -> CommandResult<Vec<OrderEvent>> {
    Ok(flows::order_detail(&app, merchant_uid).await?.events)
}

/// Refunds all (`amount` absent) or part of a paid order; offline it waits in the queue.
/// Needs the owner's PIN.
#[tauri::command]
pub async fn refund_order<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    merchant_uid: String,
    amount: Option<serde_json::Value>,
    reason: String,
    refund_account: Option<RefundAccount>,
) -> CommandResult<RefundOutcome> {
    require_owner(&app, pin).await?;
    let amount = flows::parse_amount(amount.as_ref())?;
    let request = RefundRequest {
        amount,
        reason,
        refund_account,
    };
    Ok(flows::refund(&app, &merchant_uid, &request).await?)
}

/// The banks a refund account takes: Iamport's list, the kept copy offline, or the built-in one.
#[tauri::command]
pub async fn refund_banks<R: Runtime>(app: AppHandle<R>) -> CommandResult<BankList> {
    Ok(flows::refund_banks(&app).await?)
}

/// Sends the parked automatic cancel of a mismatched virtual-account order with the buyer's
/// refund account (bank code, number, holder; checked in Rust). Needs the owner's PIN.
#[tauri::command]
pub async fn resume_mismatch_refund<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    merchant_uid: String,
    refund_account: RefundAccount,
) -> CommandResult<RefundOutcome> {
    require_owner(&app, pin).await?;
    Ok(flows::resume_mismatch_refund(&app, &merchant_uid, &refund_account).await?)
}

/// Opens the order's receipt in the system browser.
#[tauri::command]
pub async fn open_receipt<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
) -> CommandResult<()> {
    Ok(flows::open_receipt(&app, merchant_uid).await?)
}

/// What the printed receipt (영수증 인쇄) of the order says.
#[tauri::command]
pub async fn get_receipt<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
) -> CommandResult<pos_core::receipt::Receipt> {
    Ok(flows::receipt(&app, merchant_uid).await?)
}
