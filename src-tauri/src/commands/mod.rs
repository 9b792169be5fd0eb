//! The IPC commands: each parses, calls one function, and maps the result to `{code, message}`.

mod checkout;
mod orders;
mod plans;
mod settings;
mod status;
mod sync;

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
    "start_checkout",
    "complete_payment",
    "retry_checkout",
    "list_orders",
    "get_order",
    "order_events",
    "refund_order",
    "open_receipt",
    "sync_status",
    "sync_now",
    "list_jobs",
    "retry_job",
];

/// The invoke handler with every command.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        plans::list_plans,
        settings::get_settings,
        settings::save_settings,
        settings::set_credentials,
        status::app_status,
        checkout::start_checkout,
        checkout::complete_payment,
        checkout::retry_checkout,
        orders::list_orders,
        orders::get_order,
        orders::order_events,
        orders::refund_order,
        orders::open_receipt,
        sync::sync_status,
        sync::sync_now,
        sync::list_jobs,
        sync::retry_job
    ]
}
