//! 진단 정보 내보내기 in the app: the owner picks where to save (a save dialog, opened from Rust:
//! the webview gets no file access), and [`write`] builds the zip with
//! [`pos_core::diagnostics::write_zip`] from the app's own checks (the items of
//! `posctl doctor --json`), both books, and the log files.

use std::path::{Path, PathBuf};

use pos_core::diagnostics::{write_zip, DiagnosticsInput};
use pos_core::settings::Mode;
use pos_core::Store;
use serde_json::json;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

use crate::error::ShellError;
use crate::state::PosStateExt;

/// Where the log files are (managed at start-up).
pub struct LogDir(pub Option<PathBuf>);

/// The checks `posctl doctor --json` makes, as the app sees them (no secrets: whether the
/// credentials are set, never what they are).
fn doctor<R: Runtime>(app: &AppHandle<R>) -> serde_json::Value {
    let state = app.pos();
    let store = state.store().ok();
    let sync = crate::payments::engine::current_status(app);
    json!({
        "source": "app",
        "appVersion": app.package_info().version.to_string(),
        "dataDir": state.data_dir.display().to_string(),
        "mode": state.book_mode().unwrap_or_else(|| state.mode()),
        "modeHeld": state.held(),
        "storeProblem": state.store_problem(),
        "settingsProblem": state.settings().problem,
        "schemaVersion": store.as_ref().and_then(|s| s.schema_version().ok()),
        "integrityProblems": store.as_ref().map(|s| s.integrity_problems().unwrap_or_else(|e| vec![e.to_string()])),
        "credentialsSet": state.credentials.get().ok().flatten().is_some(),
        "queue": store.as_ref().and_then(|s| s.queue_summary().ok()),
        "engineLease": store.as_ref().and_then(|s| s.engine_lease().ok().flatten()),
        "online": state.online(),
        "sync": sync,
    })
}

/// Writes the diagnostics zip to `out`. Blocking.
pub fn write<R: Runtime>(app: &AppHandle<R>, out: &Path) -> Result<(), ShellError> {
    let state = app.pos();
    let mut books = Vec::new();
    for mode in [Mode::Live, Mode::Sandbox] {
        if state.book_mode() == Some(mode) {
            books.push((mode, state.store()?));
        } else if pos_core::store::book_path(&state.data_dir, mode).exists() {
            books.push((mode, Store::open_book(&state.data_dir, mode)?));
        }
    }
    let log_dir = app.try_state::<LogDir>().and_then(|d| d.0.clone());
    let input = DiagnosticsInput {
        log_dir: log_dir.as_deref(),
        doctor: doctor(app),
        books,
        now: chrono::Utc::now(),
    };
    write_zip(out, &input)?;
    tracing::info!(path = %out.display(), "diagnostics exported");
    Ok(())
}

/// Asks where to save, then [`write`]s there. `Ok(None)`: the owner cancelled. Blocking (the
/// dialog waits for the owner): call it off the main thread.
pub fn export_with_dialog<R: Runtime>(app: &AppHandle<R>) -> Result<Option<String>, ShellError> {
    let name = format!(
        "판뮤직POS-진단정보-{}.zip",
        chrono::Utc::now()
            .with_timezone(&pos_core::format::kst())
            .format("%Y%m%d-%H%M")
    );
    let picked = app
        .dialog()
        .file()
        .set_title("진단 정보 저장")
        .set_file_name(name)
        .add_filter("ZIP", &["zip"])
        .blocking_save_file();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    write(app, &path)?;
    Ok(Some(path.display().to_string()))
}
