//! 정산 and cash receipts for the commands: the settlement of a KST date range, the orders
//! behind a figure, the CSV export through a save dialog, and an order's cash receipt.
//!
//! The save dialog is behind [`SavePicker`], so the export is tested with a picker that answers
//! a path (the real one is the native dialog of tauri-plugin-dialog).

use std::path::PathBuf;

use pos_core::report::DateRange;
use pos_core::store::{Settlement, SettlementQuery};
use pos_core::tax::{ReceiptAsk, ReceiptOutcome};
use pos_core::{OrderPage, Store};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use ts_rs::TS;

use super::{PaymentsError, PaymentsExt};
use crate::settings_flow::run_blocking;
use crate::state::PosStateExt;

/// Where the owner chose to save a file; `None` when the dialog was cancelled.
pub trait SavePicker: Send + 'static {
    /// Asks where to save, suggesting `file_name`.
    fn pick(self, file_name: &str) -> Option<PathBuf>;
}

/// The native save dialog.
pub struct DialogPicker<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> SavePicker for DialogPicker<R> {
    fn pick(self, file_name: &str) -> Option<PathBuf> {
        use tauri_plugin_dialog::DialogExt;
        self.0
            .dialog()
            .file()
            .set_title("정산 CSV 저장")
            .set_file_name(file_name)
            .add_filter("CSV (Excel)", &["csv"])
            .blocking_save_file()
            .and_then(|path| path.into_path().ok())
    }
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportDone {
    /// Where the file was written.
    pub path: String,
    /// Orders written.
    #[ts(type = "number")]
    pub rows: u64,
}

/// The file name a range's CSV is offered under: `정산_2026-11-01_2026-11-30.csv`.
pub fn export_file_name(range: &DateRange) -> String {
    format!("정산_{}_{}.csv", range.from, range.to)
}

/// The settlement of `range`.
pub async fn settlement<R: Runtime>(
    app: &AppHandle<R>,
    range: DateRange,
) -> Result<Settlement, PaymentsError> {
    let store = app.pos().store()?;
    Ok(run_blocking(move || Ok(store.settlement(&range)?)).await?)
}

/// The orders behind one figure.
pub async fn settlement_orders<R: Runtime>(
    app: &AppHandle<R>,
    query: SettlementQuery,
) -> Result<OrderPage, PaymentsError> {
    let store = app.pos().store()?;
    Ok(run_blocking(move || Ok(store.settlement_orders(&query)?)).await?)
}

/// Asks `picker` where to save and writes the CSV of `range` there; `None` when cancelled.
pub async fn export_with(
    store: Store,
    range: DateRange,
    picker: impl SavePicker,
) -> Result<Option<ExportDone>, PaymentsError> {
    Ok(run_blocking(move || {
        let Some(path) = picker.pick(&export_file_name(&range)) else {
            return Ok(None);
        };
        let rows = store.export_settlement_csv(&range, &path)?;
        Ok(Some(ExportDone {
            path: path.display().to_string(),
            rows,
        }))
    })
    .await?)
}

/// Issues the order's cash receipt now (지출증빙 to the settings' business number by default);
/// offline it waits in the queue.
pub async fn issue_receipt<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: &str,
    ask: &ReceiptAsk,
) -> Result<ReceiptOutcome, PaymentsError> {
    let number = app.pos().settings().settings.business_number;
    let c = app.payments().connect(app.pos()).await?;
    Ok(pos_core::tax::issue_receipt_now(
        &c.store,
        Some(&c.client),
        merchant_uid,
        ask,
        number.as_deref(),
    )
    .await?)
}

/// Cancels the order's cash receipt now; offline it waits in the queue.
pub async fn cancel_receipt<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: &str,
) -> Result<ReceiptOutcome, PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    Ok(pos_core::tax::cancel_receipt_now(&c.store, Some(&c.client), merchant_uid).await?)
}
