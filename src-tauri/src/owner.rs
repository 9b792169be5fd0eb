//! The owner's PIN (관리자 PIN) in front of the commands that move money or trust.
//!
//! Each guarded command takes `pin` (what the PIN dialog sent; absent when the UI knows none is
//! set) and calls [`require_owner`] before anything else: a missing, wrong or locked PIN refuses
//! the command with [`pos_core::ErrorCode::Pin`] and nothing is read or changed. Without a PIN set,
//! guarded commands run (the app offers to set one). The PIN is verified here, in Rust, against
//! its Argon2id hash; it is never logged, stored or sent back.

use pos_core::owner_pin::{Pin, PinStatus};
use tauri::{AppHandle, Runtime};

use crate::error::ShellError;
use crate::settings_flow::run_blocking;
use crate::state::{PosState, PosStateExt};

/// The guard for async commands: Argon2 runs off the async workers.
pub async fn require_owner<R: Runtime>(
    app: &AppHandle<R>,
    pin: Option<Pin>,
) -> Result<(), ShellError> {
    let handle = app.clone();
    run_blocking(move || require_owner_blocking(handle.pos(), pin.as_ref())).await
}

/// The guard for blocking commands (`#[tauri::command(async)]` ones run on a blocking thread).
pub fn require_owner_blocking(state: &PosState, pin: Option<&Pin>) -> Result<(), ShellError> {
    Ok(state.owner_pin.check(pin)?)
}

/// Whether a PIN is set, tries left, and until when it is locked.
pub fn status(state: &PosState) -> Result<PinStatus, ShellError> {
    Ok(state.owner_pin.status()?)
}

/// Sets or changes the PIN; changing it needs the current one (`pin`).
pub fn set(state: &PosState, pin: Option<&Pin>, new_pin: &Pin) -> Result<PinStatus, ShellError> {
    Ok(state.owner_pin.set(pin, new_pin)?)
}
