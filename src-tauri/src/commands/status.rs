use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::models::AppStatus;
use crate::state::PosStateExt;

/// Mode, sandbox URLs, connectivity, queue, and any start-up problem.
#[tauri::command(async)]
pub fn app_status<R: Runtime>(app: AppHandle<R>) -> CommandResult<AppStatus> {
    Ok(crate::status::app_status(app.pos())?)
}
