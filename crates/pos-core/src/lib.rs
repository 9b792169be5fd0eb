//! Panmusic POS domain: orders, the SQLite store, settings and secrets, and the `posctl` CLI.
//!
//! Nothing here knows about Tauri: the shell calls these blocking functions from
//! `spawn_blocking` (or `#[tauri::command(async)]`).

pub mod account;
pub mod backup;
pub mod checkout;
pub mod clock;
pub mod connection;
pub mod contact;
pub mod diagnostics;
pub mod entitlement;
pub mod error;
pub mod format;
pub mod ids;
pub mod logfile;
pub mod notices;
#[cfg(not(target_os = "linux"))]
mod os_process;
pub mod owner_pin;
pub mod paths;
pub mod receipt;
pub mod report;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod subscription;
pub mod sync;
pub mod tax;
pub mod work;

pub use error::ErrorCode;
pub use store::{
    Job, JobState, NewJob, NewOrder, Order, OrderEvent, OrderKind, OrderPage, OrderPatch,
    OrderQuery, OrderState, PayMethod, Plan, PlanKind, QueueSummary, Store, StoreError,
    SCHEMA_VERSION,
};
