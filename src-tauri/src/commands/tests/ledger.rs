//! 정산 and cash receipt commands over real IPC: ranges checked in Rust, the CSV export written
//! where the picker says (the native dialog is swapped for a picker that answers a path), and a
//! card order refused a cash receipt.

use serde_json::{json, Value};

use super::TestApp;
use crate::payments::ledger::{export_with, SavePicker};
use crate::state::PosStateExt;

struct Answer(Option<std::path::PathBuf>);

impl SavePicker for Answer {
    fn pick(self, file_name: &str) -> Option<std::path::PathBuf> {
        assert!(
            file_name.starts_with("정산_") && file_name.ends_with(".csv"),
            "a Korean file name is suggested: {file_name}"
        );
        self.0
    }
}

fn november() -> Value {
    json!({ "range": { "from": "2026-11-01", "to": "2026-11-30" } })
}

#[test]
fn an_empty_month_settles_to_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let s: Value = app.ok("settlement", november());
    assert_eq!(
        s["totals"],
        json!({"paid": 0, "refunded": 0, "net": 0, "count": 0}),
        "no sales"
    );
    assert_eq!(s["range"]["from"], "2026-11-01", "the range comes back");
}

#[test]
fn a_backwards_range_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let (code, message) = app.err(
        "settlement",
        json!({ "range": { "from": "2026-11-30", "to": "2026-11-01" } }),
    );
    assert_ne!(code, "internal", "not an internal error: {message}");
    assert!(message.contains("2026-11-30"), "names the days: {message}");
}

#[test]
fn the_export_writes_where_the_owner_picked_and_nothing_when_cancelled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let store = app.app.pos().store().expect("book open");
    let range = pos_core::report::DateRange::parse("2026-11-01", "2026-11-30").expect("range");
    let target = dir.path().join("내보내기.csv");
    let done = tauri::async_runtime::block_on(export_with(
        store.clone(),
        range,
        Answer(Some(target.clone())),
    ))
    .expect("export");
    assert_eq!(done.map(|d| d.rows), Some(0), "written, no rows yet");
    let bytes = std::fs::read(&target).expect("the file exists");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let cancelled =
        tauri::async_runtime::block_on(export_with(store, range, Answer(None))).expect("cancel");
    assert_eq!(cancelled, None, "a cancelled dialog writes nothing");
}

#[test]
fn a_cash_receipt_for_a_card_order_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = TestApp::sandboxed(dir.path());
    let ticket: Value = app.card_checkout();
    let muid = ticket["merchantUid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (code, message) = app.err(
        "issue_cash_receipt",
        json!({ "merchantUid": muid, "ask": { "receiptType": "company", "identifier": null } }),
    );
    assert_eq!(code, "validation", "refused as bad input: {message}");
    assert!(message.contains("카드"), "says why: {message}");
}
