//! 관리자 PIN: its status, and setting or changing it (the first-start offer and 설정).

use pos_core::owner_pin::{Pin, PinStatus};
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::owner;
use crate::state::PosStateExt;

/// Whether a PIN is set (guarded actions then ask for it), tries left, until when it is locked.
#[tauri::command(async)]
pub fn pin_status<R: Runtime>(app: AppHandle<R>) -> CommandResult<PinStatus> {
    Ok(owner::status(app.pos())?)
}

/// Sets the PIN (4–8 digits). Changing one needs the current PIN in `pin`; a wrong one counts
/// towards the lock like any guarded command.
#[tauri::command(async)]
pub fn set_owner_pin<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    new_pin: Pin,
) -> CommandResult<PinStatus> {
    Ok(owner::set(app.pos(), pin.as_ref(), &new_pin)?)
}
