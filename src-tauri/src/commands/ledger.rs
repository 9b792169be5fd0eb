//! 정산 (settlement), its CSV export and cash receipts (현금영수증).

use pos_core::report::DateRange;
use pos_core::store::{Settlement, SettlementQuery};
use pos_core::tax::{ReceiptAsk, ReceiptOutcome};
use pos_core::OrderPage;
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::payments::ledger::{self, DialogPicker, ExportDone};
use crate::state::PosStateExt;

/// Paid, refunded and net by pay method and by plan for KST days `range.from..=range.to`.
#[tauri::command]
pub async fn settlement<R: Runtime>(
    app: AppHandle<R>,
    range: DateRange,
) -> CommandResult<Settlement> {
    Ok(ledger::settlement(&app, range).await?)
}

/// The orders behind one settlement figure.
#[tauri::command]
pub async fn settlement_orders<R: Runtime>(
    app: AppHandle<R>,
    query: SettlementQuery,
) -> CommandResult<OrderPage> {
    Ok(ledger::settlement_orders(&app, query).await?)
}

/// Saves the sales of `range` as CSV where the owner picks in the native save dialog; `null`
/// when the dialog was cancelled.
#[tauri::command]
pub async fn export_settlement_csv<R: Runtime>(
    app: AppHandle<R>,
    range: DateRange,
) -> CommandResult<Option<ExportDone>> {
    let store = app
        .pos()
        .store()
        .map_err(crate::payments::PaymentsError::from)?;
    Ok(ledger::export_with(store, range, DialogPicker(app.clone())).await?)
}

/// Issues the order's cash receipt (queued while offline).
#[tauri::command]
pub async fn issue_cash_receipt<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
    ask: ReceiptAsk,
) -> CommandResult<ReceiptOutcome> {
    Ok(ledger::issue_receipt(&app, &merchant_uid, &ask).await?)
}

/// Cancels the order's cash receipt (queued while offline).
#[tauri::command]
pub async fn cancel_cash_receipt<R: Runtime>(
    app: AppHandle<R>,
    merchant_uid: String,
) -> CommandResult<ReceiptOutcome> {
    Ok(ledger::cancel_receipt(&app, &merchant_uid).await?)
}
