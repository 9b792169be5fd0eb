//! The IPC commands: each parses, calls one function, and maps the result to `{code, message}`.

mod plans;
mod settings;
mod status;

#[cfg(test)]
mod tests;

use tauri::ipc::Invoke;
use tauri::Runtime;

/// Every command name the webview may call; the capability file allows exactly these.
pub const COMMANDS: &[&str] = &[
    "list_plans",
    "get_settings",
    "save_settings",
    "set_credentials",
    "app_status",
];

/// The invoke handler with every command.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        plans::list_plans,
        settings::get_settings,
        settings::save_settings,
        settings::set_credentials,
        status::app_status
    ]
}
