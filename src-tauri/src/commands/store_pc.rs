//! 설정's store-PC section: autostart, backups and restore, 진단 정보 내보내기.

use std::path::PathBuf;

use pos_core::backup::{BackupInfo, RestoreReport};
use pos_core::owner_pin::Pin;
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt;
use ts_rs::TS;

use crate::error::{CommandResult, ShellError};
use crate::owner::require_owner;
use crate::state::PosStateExt;
use crate::{backups, diagnostics};

/// What the store-PC section of 설정 shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StorePcView {
    /// The app starts (hidden, in the tray) when the owner logs in.
    pub autostart: bool,
    /// The backups of the book in effect, newest first.
    pub backups: Vec<BackupInfo>,
    /// The owner's second backup folder, if set.
    pub backup_folder: Option<String>,
}

/// A backup just made, and why its copy to the owner's folder failed, if it did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupMade {
    /// The backup in the data dir.
    pub backup: BackupInfo,
    /// Korean: the copy to the owner's folder failed (the backup stands).
    pub folder_problem: Option<String>,
}

/// The store-PC section.
#[tauri::command]
pub async fn store_pc_status<R: Runtime>(app: AppHandle<R>) -> CommandResult<StorePcView> {
    let autostart = app
        .autolaunch()
        .is_enabled()
        .map_err(ShellError::Autostart)?;
    Ok(StorePcView {
        autostart,
        backups: backups::list(&app).await?,
        backup_folder: app.pos().settings().settings.backup_folder,
    })
}

/// Turns starting at login on or off. Needs the owner's PIN.
#[tauri::command]
pub async fn set_autostart<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    enabled: bool,
) -> CommandResult<bool> {
    require_owner(&app, pin).await?;
    let launcher = app.autolaunch();
    let changed = if enabled {
        launcher.enable()
    } else {
        launcher.disable()
    };
    changed.map_err(ShellError::Autostart)?;
    Ok(launcher.is_enabled().map_err(ShellError::Autostart)?)
}

/// 지금 백업.
#[tauri::command]
pub async fn backup_now<R: Runtime>(app: AppHandle<R>) -> CommandResult<BackupMade> {
    let (backup, folder_problem) = backups::backup_now(&app).await?;
    Ok(BackupMade {
        backup,
        folder_problem,
    })
}

/// Restores the book in effect from one of its backups (`path`, as listed). Needs the owner's PIN.
#[tauri::command]
pub async fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    path: PathBuf,
) -> CommandResult<RestoreReport> {
    require_owner(&app, pin).await?;
    Ok(backups::restore(&app, path).await?)
}

/// 백업 폴더: picks a second folder for backups (a folder dialog), or with `clear: true`
/// stops copying there; saved in the settings. Needs the owner's PIN. Returns the folder now set.
#[tauri::command]
pub async fn choose_backup_folder<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    clear: bool,
) -> CommandResult<Option<String>> {
    require_owner(&app, pin).await?;
    Ok(backups::choose_folder(&app, clear).await?)
}

/// 진단 정보 내보내기: asks where to save (a save dialog) and writes the zip there. `None`: the
/// owner cancelled.
#[tauri::command(async)]
pub fn export_diagnostics<R: Runtime>(app: AppHandle<R>) -> CommandResult<Option<String>> {
    Ok(diagnostics::export_with_dialog(&app)?)
}
