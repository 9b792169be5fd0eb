//! The IPC commands: each parses, calls one function, and maps the result to `{code, message}`.

mod checkout;
mod entitlement;
mod ledger;
mod orders;
mod owner;
mod plans;
mod settings;
mod status;
mod store_pc;
mod subscriptions;
mod sync;
mod updates;

#[cfg(test)]
mod tests;

use tauri::ipc::Invoke;
use tauri::Runtime;

/// Declares [`COMMANDS`] and [`handler`] from the one command list (`commands/list.rs`).
macro_rules! commands {
    ($($module:ident :: $command:ident),+ $(,)?) => {
        /// Every command name the webview may call; the capability file allows exactly these.
        pub const COMMANDS: &[&str] = &[$(stringify!($command)),+];

        /// The invoke handler with every command.
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$command),+]
        }
    };
}

include!("list.rs");

/// The commands that need the owner's PIN once one is set (each takes a `pin` argument and
/// checks it before anything else, through [`crate::owner::require_owner`]).
pub const GUARDED_COMMANDS: &[&str] = &[
    "save_settings",
    "set_credentials",
    "refund_order",
    "resume_mismatch_refund",
    "cancel_subscription",
    "card_change_window",
    "change_card",
    "delete_billing_key",
    "clear_sandbox_data",
    "set_autostart",
    "restore_backup",
    "choose_backup_folder",
    "install_update",
];
