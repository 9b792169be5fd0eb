//! Integration tests of pos-core: one binary, one module per feature.

mod abandon;
mod account;
mod backups;
mod books;
mod books_attack;
mod checkout_start;
mod checkout_support;
mod checkout_verify;
mod connection;
mod diagnostics;
mod extreme_times;
mod job_claims;
mod jobs;
mod mismatch_returned;
mod order_query;
mod orders;
mod owner_pin;
mod owner_pin_posctl;
mod pass_end_notice;
mod plans;
mod posctl;
mod posctl_account;
mod posctl_checkout;
mod posctl_doctor;
mod posctl_support;
mod posctl_windows;
mod receipts;
mod refund_recovery;
mod refunds;
mod relay_pg_restart;
mod relay_support;
mod secrets;
mod settings;
mod settlement;
mod settlement_posctl;
mod store_open;
mod subscription_actions;
mod subscription_card_check;
mod subscription_card_crash;
mod subscription_clock;
mod subscription_console;
mod subscription_crash;
mod subscription_crash_ahead;
mod subscription_engine;
mod subscription_issuance;
mod subscription_lost_callback;
mod subscription_offline;
mod subscription_posctl;
mod subscription_registration;
mod subscription_renewals;
mod subscription_support;
mod subscription_test_charge;
mod sync_clock;
mod sync_crash;
mod sync_engine;
mod sync_faults;
mod sync_feed;
mod sync_feed_future;
mod sync_hostile;
mod sync_lease;
mod sync_now;
mod sync_planner;
mod sync_posctl;
mod sync_rate_limit;
mod sync_support;
mod transitions;

use pos_core::{NewOrder, Order, PayMethod, Store};

/// The sandbox order book of the data dir `dir` (where `posctl` works by default).
pub fn sandbox_book(dir: &std::path::Path) -> Result<Store, pos_core::StoreError> {
    Store::open_book(dir, pos_core::settings::Mode::Sandbox)
}

/// The sandbox order book's database file in the data dir `dir`.
pub fn sandbox_db(dir: &std::path::Path) -> std::path::PathBuf {
    pos_core::store::book_path(dir, pos_core::settings::Mode::Sandbox)
}

/// A fresh in-memory store.
pub fn store() -> Store {
    match Store::open_in_memory() {
        Ok(store) => store,
        Err(e) => panic!("an in-memory store must open: {e}"),
    }
}

/// Creates a card order for `plan_id` with no buyer details.
pub fn card_order(store: &Store, plan_id: &str) -> Order {
    let new = NewOrder {
        plan_id: plan_id.to_string(),
        pay_method: PayMethod::Card,
        buyer_name: None,
        buyer_tel: None,
        buyer_email: None,
    };
    match store.create_order(&new) {
        Ok(order) => order,
        Err(e) => panic!("creating a {plan_id} order must work: {e}"),
    }
}
