use pos_core::Plan;
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::state::PosStateExt;

/// The plans for sale, in display order, with prices from the catalog.
#[tauri::command(async)]
pub fn list_plans<R: Runtime>(app: AppHandle<R>) -> CommandResult<Vec<Plan>> {
    let store = app.pos().store()?;
    Ok(store.plans()?)
}
