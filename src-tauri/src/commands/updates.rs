//! 설정 → 업데이트: 업데이트 확인, 받기 (with its signature checked), and 설치 후 다시 시작.

use pos_core::owner_pin::Pin;
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::owner::require_owner;
use crate::updates::{
    self,
    models::{UpdateCheck, UpdateOffer},
};

/// The version running and the newer one on Panmusic's update host, if any.
#[tauri::command]
pub async fn check_for_update<R: Runtime>(app: AppHandle<R>) -> CommandResult<UpdateCheck> {
    Ok(updates::check(&app).await?)
}

/// Downloads the offered `version` (progress as `update-progress` events) and checks its
/// signature; a bundle that fails the check is dropped.
#[tauri::command]
pub async fn download_update<R: Runtime>(
    app: AppHandle<R>,
    version: String,
) -> CommandResult<UpdateOffer> {
    Ok(updates::download(&app, &version).await?)
}

/// Installs the downloaded, verified `version` and restarts the app. Needs the owner's PIN.
#[tauri::command]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    version: String,
) -> CommandResult<()> {
    require_owner(&app, pin).await?;
    Ok(updates::install_and_restart(&app, &version).await?)
}
