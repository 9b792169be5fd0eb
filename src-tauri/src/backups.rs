//! Backups in the app: the daily backup of each book (checked every quarter hour), 지금 백업,
//! and restoring the book in effect from 설정 (the engine is stopped for it and started again).

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use pos_core::backup::{self, BackupInfo, BackupReason, RestoreReport};
use pos_core::settings::Mode;
use tauri::{AppHandle, Runtime};

use crate::error::ShellError;
use crate::payments::engine;
use crate::settings_flow::run_blocking;
use crate::startup::reopen_book;
use crate::state::PosStateExt;

/// How often the daily backup is checked for.
const CHECK_EVERY: Duration = Duration::from_secs(15 * 60);

/// Shown by commands while the book is being restored (a moment).
const RESTORING: &str = "백업에서 복원하는 중입니다. 잠시 후 다시 시도해 주세요. (restoring)";

/// The owner's backup folder from the settings, if any.
fn external_folder<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    app.pos()
        .settings()
        .settings
        .backup_folder
        .filter(|f| !f.trim().is_empty())
        .map(PathBuf::from)
}

/// Starts the daily backups (once, at start-up): each existing book is backed up when its
/// newest backup is from another day (KST).
pub fn start_daily<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let dir = app.pos().data_dir.clone();
            let external = external_folder(&app);
            let done = run_blocking(move || {
                daily(&dir, external.as_deref());
                Ok(())
            })
            .await;
            if let Err(error) = done {
                tracing::error!(error = %error, "daily backup check failed");
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

fn daily(dir: &std::path::Path, external: Option<&std::path::Path>) {
    for mode in [Mode::Live, Mode::Sandbox] {
        if !pos_core::store::book_path(dir, mode).exists() {
            continue;
        }
        let now = Utc::now();
        let due = backup::newest(&backup::book_backup_dir(dir, mode))
            .map(|newest| backup::daily_due(newest, now));
        let made = match due {
            Ok(true) => {
                backup::create_in_book(dir, mode, external, BackupReason::Daily, now).map(Some)
            }
            Ok(false) => Ok(None),
            Err(error) => Err(error),
        };
        if let Err(error) = made {
            tracing::error!(error = %error, mode = mode.as_str(), "daily backup failed");
        }
    }
}

/// The backups of the book in effect, newest first.
pub async fn list<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<BackupInfo>, ShellError> {
    let Some(mode) = app.pos().book_mode() else {
        return Ok(Vec::new());
    };
    let dir = backup::book_backup_dir(&app.pos().data_dir, mode);
    run_blocking(move || Ok(backup::list(&dir)?)).await
}

/// 지금 백업: backs up the book in effect now (and copies it to the owner's folder; a failed
/// copy is returned as its Korean message beside the backup, which stands).
pub async fn backup_now<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<(BackupInfo, Option<String>), ShellError> {
    let mode = app.pos().book_mode().ok_or(ShellError::NoBookToRestore)?;
    let dir = app.pos().data_dir.clone();
    let external = external_folder(app);
    let (info, problem) = run_blocking(move || {
        Ok(backup::create_in_book(
            &dir,
            mode,
            external.as_deref(),
            BackupReason::Manual,
            Utc::now(),
        )?)
    })
    .await?;
    Ok((info, problem.map(|p| p.to_string())))
}

/// Restores the book in effect from `file`: stops the engine (releasing the book's lease),
/// closes the book, restores (which checks the file first and keeps the current book aside),
/// opens the book again and starts the engine. On a refusal the book is reopened unchanged.
pub async fn restore<R: Runtime>(
    app: &AppHandle<R>,
    file: PathBuf,
) -> Result<RestoreReport, ShellError> {
    let state = app.pos();
    let _switching = state.switching.lock().await;
    let mode = state.book_mode().ok_or(ShellError::NoBookToRestore)?;
    engine::stop_locked(app).await;
    state.close_book(RESTORING);
    let dir = state.data_dir.clone();
    let restored = run_blocking(move || Ok(backup::restore(&dir, mode, &file, Utc::now())?)).await;
    let dir = state.data_dir.clone();
    let book = run_blocking(move || Ok(reopen_book(&dir, mode))).await?;
    state.set_book(book);
    engine::ensure_started_locked(app).await;
    restored
}

/// Asks for the owner's backup folder (a folder dialog; `clear`: none) and saves it in the
/// settings through the one settings save. Refused while the settings file is broken (saving
/// then decides the mode: the settings screen is where that is done). Returns the folder now set.
pub async fn choose_folder<R: Runtime>(
    app: &AppHandle<R>,
    clear: bool,
) -> Result<Option<String>, ShellError> {
    use tauri_plugin_dialog::DialogExt;
    let current = app.pos().settings();
    if current.problem.is_some() {
        return Err(ShellError::SettingsNeedSaving);
    }
    let folder = if clear {
        None
    } else {
        let dialog = app.dialog().file().set_title("백업을 복사할 폴더");
        let picked = run_blocking(move || Ok(dialog.blocking_pick_folder())).await?;
        match picked.and_then(|p| p.into_path().ok()) {
            Some(path) => Some(path.display().to_string()),
            None => return Ok(current.settings.backup_folder),
        }
    };
    let mut settings = current.settings;
    settings.backup_folder = folder;
    let value = serde_json::to_value(&settings).map_err(ShellError::SettingsInput)?;
    crate::settings_flow::save(app, value).await?;
    Ok(settings.backup_folder)
}
