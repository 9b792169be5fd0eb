use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use pos_core::owner_pin::Pin;
use pos_core::secrets::Credentials;

use crate::models::{CredentialsStatus, SettingsView};
use crate::owner::{require_owner, require_owner_blocking};
use crate::settings_flow;
use crate::state::PosStateExt;

/// The settings, whether credentials are set, and the problem if the file was broken.
#[tauri::command(async)]
pub fn get_settings<R: Runtime>(app: AppHandle<R>) -> CommandResult<SettingsView> {
    Ok(settings_flow::view(app.pos())?)
}

/// Validates and saves; live mode is refused without a merchant code and accepted credentials.
/// Needs the owner's PIN (this is also how the mode is switched).
#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    settings: serde_json::Value,
) -> CommandResult<SettingsView> {
    require_owner(&app, pin).await?;
    Ok(settings_flow::save(&app, settings).await?)
}

/// Stores the REST key and secret, or with `relay: true` the relay's store key and secret
/// (중계 서버); replies only whether they are set. Needs the owner's PIN.
#[tauri::command(async)]
pub fn set_credentials<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    credentials: Credentials,
    relay: Option<bool>,
) -> CommandResult<CredentialsStatus> {
    require_owner_blocking(app.pos(), pin.as_ref())?;
    Ok(settings_flow::set_credentials(
        app.pos(),
        credentials,
        relay.unwrap_or(false),
    )?)
}

/// 테스트 데이터 지우기: deletes the sandbox order book and the sandbox's saved state (an empty
/// sandbox book takes its place in sandbox mode). Live data is never touched. Needs the owner's PIN.
#[tauri::command]
pub async fn clear_sandbox_data<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
) -> CommandResult<()> {
    require_owner(&app, pin).await?;
    Ok(crate::books::clear_sandbox_data(&app).await?)
}
