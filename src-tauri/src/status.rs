//! What `app_status` reports: mode, connectivity, queue, and any start-up problem.

use pos_core::settings::Mode;

use crate::error::ShellError;
use crate::models::AppStatus;
use crate::state::PosState;

/// Iamport's browser SDK on its CDN (live mode).
pub use pos_core::checkout::LIVE_SDK_URL;

/// The status as of now. Blocking (reads the queue from SQLite).
pub fn app_status(state: &PosState) -> Result<AppStatus, ShellError> {
    let mode = state.book_mode().unwrap_or_else(|| state.mode());
    let sandbox = match mode {
        Mode::Sandbox => state.sandbox.info(),
        Mode::Live => None,
    };
    let sdk_url = match (&mode, &sandbox) {
        (Mode::Live, _) => LIVE_SDK_URL.to_owned(),
        (Mode::Sandbox, Some(info)) => info.sdk_url.clone(),
        (Mode::Sandbox, None) => String::new(),
    };
    let queue = match state.store() {
        Ok(store) => Some(store.queue_summary()?),
        Err(_) => None,
    };
    let settings = state.settings();
    Ok(AppStatus {
        account: settings.settings.account(),
        mode,
        sandbox,
        sdk_url,
        online: state.online(),
        queue,
        settings_problem: settings.problem,
        store_problem: state.store_problem(),
        mode_held: state.held(),
        data_dir: state.data_dir.display().to_string(),
    })
}
