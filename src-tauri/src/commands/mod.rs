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
    "abandon_order",
    "list_orders",
    "get_order",
    "order_events",
    "refund_order",
    "refund_banks",
    "resume_mismatch_refund",
    "open_receipt",
    "sync_status",
    "sync_now",
    "list_jobs",
    "retry_job",
    "start_subscription",
    "confirm_subscription",
    "reopen_subscription",
    "list_subscriptions",
    "cancel_subscription",
    "resume_subscription",
    "retry_subscription",
    "schedule_subscription_again",
    "card_change_window",
    "change_card",
    "delete_billing_key",
    "subscriptions_needing_attention",
    "clear_sandbox_data",
    "pin_status",
    "set_owner_pin",
    "store_pc_status",
    "set_autostart",
    "backup_now",
    "restore_backup",
    "export_diagnostics",
    "choose_backup_folder",
    "settlement",
    "settlement_orders",
    "export_settlement_csv",
    "issue_cash_receipt",
    "cancel_cash_receipt",
    "check_for_update",
    "download_update",
    "install_update",
    "get_entitlement",
    "get_receipt",
];

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
        checkout::abandon_order,
        orders::list_orders,
        orders::get_order,
        orders::order_events,
        orders::refund_order,
        orders::refund_banks,
        orders::resume_mismatch_refund,
        orders::open_receipt,
        sync::sync_status,
        sync::sync_now,
        sync::list_jobs,
        sync::retry_job,
        subscriptions::start_subscription,
        subscriptions::confirm_subscription,
        subscriptions::reopen_subscription,
        subscriptions::list_subscriptions,
        subscriptions::cancel_subscription,
        subscriptions::resume_subscription,
        subscriptions::retry_subscription,
        subscriptions::schedule_subscription_again,
        subscriptions::card_change_window,
        subscriptions::change_card,
        subscriptions::delete_billing_key,
        subscriptions::subscriptions_needing_attention,
        settings::clear_sandbox_data,
        owner::pin_status,
        owner::set_owner_pin,
        store_pc::store_pc_status,
        store_pc::set_autostart,
        store_pc::backup_now,
        store_pc::restore_backup,
        store_pc::export_diagnostics,
        store_pc::choose_backup_folder,
        ledger::settlement,
        ledger::settlement_orders,
        ledger::export_settlement_csv,
        ledger::issue_cash_receipt,
        ledger::cancel_cash_receipt,
        updates::check_for_update,
        updates::download_update,
        updates::install_update,
        entitlement::get_entitlement,
        orders::get_receipt
    ]
}
