fn main() {
    // Declaring the app's commands makes each one a permission (`allow-<command>`), so the
    // capability file lists exactly what the webview may call.
    let manifest = tauri_build::AppManifest::new().commands(&[
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
    ]);
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        // A build script reports failure by panicking; this is not runtime code.
        panic!("tauri-build failed: {error:#}");
    }
}
