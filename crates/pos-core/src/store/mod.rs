//! The SQLite store: the order book, the plan catalog, the audit trail and the job queue.
//!
//! One file per table with its accessors. [`Store`] is a cheap handle (`Clone + Send + Sync`)
//! over one connection; every method blocks, so async callers use `spawn_blocking`.
//! Opening sets the pragmas first (WAL, `synchronous=FULL`, foreign keys, busy timeout), then
//! refuses a database from a newer build, then runs the append-only migrations.

mod batch;
mod book;
mod card_check;
mod cash_receipts;
mod charge_queries;
mod charge_supersede;
mod codec;
mod error;
mod event_feed;
mod job_queue;
mod job_rows;
mod jobs;
mod lease;
mod legacy;
mod minted_keys;
mod open;
mod order_create;
mod order_events;
mod order_query;
mod orders;
mod plans;
mod poll;
mod schema;
mod settlement;
mod settlement_csv;
mod subscription_access;
mod subscription_charges;
mod subscription_events;
mod subscriptions;
mod switch;
mod sync_state;
mod trail;
mod transition;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use crate::account::{PaymentTag, ShopAccount};

use rusqlite::Connection;

pub use book::{
    book_dir, book_path, clear_sandbox_book, live_book_exists, sandbox_state_path,
    SANDBOX_STATE_FILE,
};
pub use cash_receipts::{
    CashReceipt, ReceiptKind, ReceiptState, AUTO_RECEIPT_KEY, RECEIPT_CANCEL_JOB, RECEIPT_ISSUE_JOB,
};
pub use error::StoreError;
pub use job_queue::JobFilter;
pub use jobs::{process_started, ClaimOwner, Job, JobState, NewJob, QueueSummary};
pub use lease::{EngineLease, LeaseTake};
pub use minted_keys::{KeyPurpose, MintedKey};
pub use order_create::NewOrder;
pub use order_events::OrderEvent;
pub use order_query::{OrderClass, OrderPage, OrderQuery, MAX_PAGE_LIMIT};
pub use orders::{Order, OrderKind, OrderState, PayMethod};
pub use plans::{Plan, PlanKind};
pub use schema::SCHEMA_VERSION;
pub use settlement::{Figures, Settlement, SettlementQuery, SettlementSection, Unpaid};
pub use subscription_charges::{
    ChargePatch, ChargeRequest, ChargeVia, NewCharge, SubscriptionCharge,
};
pub use subscription_events::SubscriptionEvent;
pub use subscriptions::{NewSubscription, Subscription, SubscriptionPatch, SubscriptionState};
pub use switch::OutsideWork;
pub use transition::OrderPatch;

/// File name of the database inside the data dir.
pub const DB_FILE: &str = "pos.sqlite3";

/// A handle on the order book. Clones share one connection.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
    mode: Option<crate::settings::Mode>,
    uid_prefix: Option<crate::ids::UidPrefix>,
    /// The shop's Panmusic account new orders are sold for; shared by every clone, so setting
    /// it once (the app on each flow, `posctl` on opening) reaches the sync engine's handle too.
    account: Arc<RwLock<Option<ShopAccount>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("mode", &self.mode)
            .field("uid_prefix", &self.uid_prefix)
            .finish()
    }
}

impl Store {
    /// Opens (creating if needed) `pos.sqlite3` in `data_dir`, mode 0600 on unix, and migrates it.
    /// The app and `posctl` open a mode's book with [`Store::open_book`]; this opens a folder as is.
    ///
    /// A file that is not a database, or one written by a newer build, is refused with a clear
    /// error and left exactly as it was.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        let path = data_dir.join(DB_FILE);
        let conn = open::open_file(&path)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path: Some(path),
            mode: None,
            uid_prefix: None,
            account: Arc::default(),
        })
    }

    /// A fresh, migrated database in memory (tests, demos).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = open::open_memory()?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path: None,
            mode: None,
            uid_prefix: None,
            account: Arc::default(),
        })
    }

    /// Sets the shop's Panmusic account that orders created from now on name in their
    /// `custom_data` (`None`: orders carry none, as before an account was set).
    pub fn set_account(&self, account: Option<ShopAccount>) {
        *self.account.write().unwrap_or_else(PoisonError::into_inner) = account;
    }

    /// The shop's Panmusic account new orders are sold for.
    pub fn account(&self) -> Option<ShopAccount> {
        self.account
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The `custom_data` JSON of a new order for `plan_id`, when an account is set.
    pub fn custom_data_for(&self, plan_id: &str) -> Option<String> {
        self.account()
            .map(|account| PaymentTag::new(&account, plan_id).to_json())
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the open database (the number of migrations applied).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let conn = self.lock();
        schema::user_version(&conn)
    }

    /// Runs read-only SQL of another module (`entitlement`) on the locked connection.
    pub(crate) fn with_conn<T>(
        &self,
        context: &'static str,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        use error::SqlContext;
        let conn = self.lock();
        f(&conn).ctx(context)
    }

    /// Locks the connection. A panic in another thread while holding it leaves SQLite consistent
    /// (an open transaction is rolled back on drop), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
pub use sync_state::{CHANGE_FEED_CURSOR, LAST_SYNC_AT};
