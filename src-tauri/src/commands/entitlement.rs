//! 이용 기간: until when the shop has music (the home screen's panel).

use pos_core::entitlement::Entitlement;
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::payments::flows;

/// The shop's entitlement now, on Iamport's clock (this PC's while it is not known yet).
#[tauri::command]
pub async fn get_entitlement<R: Runtime>(app: AppHandle<R>) -> CommandResult<Entitlement> {
    Ok(flows::entitlement(&app).await?)
}
