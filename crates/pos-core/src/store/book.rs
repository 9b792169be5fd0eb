//! One order book per mode. Live and sandbox never share a ledger: each mode has its own folder
//! under the data dir (`live/`, `sandbox/`) holding its own `pos.sqlite3` (orders, jobs, change-feed
//! cursor, subscriptions, engine lease), and the sandbox folder also holds the in-process
//! sandbox's saved state. Nothing opened for one mode can reach the other's rows.
//!
//! An order book from a build that kept one `pos.sqlite3` at the data dir root is moved into
//! the book of the right mode the first time a book is opened (see [`super::legacy`]).

use std::path::{Path, PathBuf};

use super::error::StoreError;
use super::OrderKind;
use super::{legacy, open, Store, DB_FILE};
use crate::ids::{self, UidPrefix};
use crate::settings::Mode;

/// The in-process sandbox's saved state, inside the sandbox book's folder.
pub const SANDBOX_STATE_FILE: &str = "sandbox-state.json";

/// The folder of `mode`'s order book: `<data_dir>/live` or `<data_dir>/sandbox`.
pub fn book_dir(data_dir: &Path, mode: Mode) -> PathBuf {
    data_dir.join(mode.as_str())
}

/// The database file of `mode`'s order book.
pub fn book_path(data_dir: &Path, mode: Mode) -> PathBuf {
    book_dir(data_dir, mode).join(DB_FILE)
}

/// Where the in-process sandbox keeps its payments: `<data_dir>/sandbox/sandbox-state.json`.
pub fn sandbox_state_path(data_dir: &Path) -> PathBuf {
    book_dir(data_dir, Mode::Sandbox).join(SANDBOX_STATE_FILE)
}

/// Whether the live order book exists (the store has taken, or once took, live payments, or an
/// old single book was judged to hold live data). Runs the one-time move of an old book first.
pub fn live_book_exists(data_dir: &Path) -> Result<bool, StoreError> {
    legacy::migrate(data_dir)?;
    Ok(std::fs::symlink_metadata(book_path(data_dir, Mode::Live)).is_ok())
}

/// Creates `dir` owner-only (0700 on unix) if it is missing.
pub(crate) fn create_book_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| StoreError::BookDir {
        path: dir.to_path_buf(),
        source,
    })
}

impl Store {
    /// Opens (creating if needed) the order book of `mode` in `data_dir`: first moves an old
    /// single `pos.sqlite3` at the root into its book (once), then opens
    /// `<data_dir>/<mode>/pos.sqlite3` like [`Store::open`] does.
    pub fn open_book(data_dir: &Path, mode: Mode) -> Result<Store, StoreError> {
        legacy::migrate(data_dir)?;
        let dir = book_dir(data_dir, mode);
        create_book_dir(&dir)?;
        let store = Store::open(&dir)?;
        Ok(store.with_mode(mode))
    }

    /// The mode whose book this is (`None`: opened by path or in memory).
    pub fn mode(&self) -> Option<Mode> {
        self.mode
    }

    /// This handle minting every new `merchant_uid` and `customer_uid` behind `prefix` (relay
    /// mode: the relay only lets a store name uids that carry its prefix). Ids already in the
    /// book keep the form they were minted with; a retry reuses its id as before.
    pub fn with_uid_prefix(mut self, prefix: Option<UidPrefix>) -> Store {
        self.uid_prefix = prefix;
        self
    }

    /// The prefix new ids get (`None`: direct or sandbox connection).
    pub fn uid_prefix(&self) -> Option<&UidPrefix> {
        self.uid_prefix.as_ref()
    }

    /// A fresh `merchant_uid` of `kind` for this handle (behind its prefix, if any).
    pub fn mint_merchant_uid(&self, kind: OrderKind) -> String {
        ids::mint_merchant_uid_for(self.uid_prefix.as_ref(), kind)
    }

    /// A fresh `customer_uid` for this handle (behind its prefix, if any).
    pub fn mint_customer_uid(&self) -> String {
        ids::mint_customer_uid_for(self.uid_prefix.as_ref())
    }

    fn with_mode(mut self, mode: Mode) -> Store {
        self.mode = Some(mode);
        self
    }
}

/// Deletes the sandbox order book and the sandbox's saved state ("테스트 데이터 지우기").
/// Touches nothing outside `<data_dir>/sandbox/`; the live book is never opened or named.
/// The caller closes every handle on the sandbox book (stops its engine) first; while another
/// program's engine holds the sandbox book's lease (`posctl --mode sandbox sync --watch`),
/// nothing is deleted and [`StoreError::SandboxBookInUse`] names it.
pub fn clear_sandbox_book(data_dir: &Path) -> Result<(), StoreError> {
    let dir = book_dir(data_dir, Mode::Sandbox);
    let db = dir.join(DB_FILE);
    if std::fs::symlink_metadata(&db).is_ok() {
        let lease = Store::open(&dir)?.engine_lease()?;
        if let Some(lease) = lease {
            let now = chrono::Utc::now();
            if !crate::sync::lease::is_abandoned(&lease, now, crate::sync::lease::STALE_AFTER) {
                return Err(StoreError::SandboxBookInUse {
                    holder: lease.holder,
                    pid: lease.pid,
                });
            }
        }
    }
    let names = [
        db.clone(),
        open::sidecar(&db, "-wal"),
        open::sidecar(&db, "-shm"),
        dir.join(SANDBOX_STATE_FILE),
    ];
    for path in names {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(StoreError::ClearSandbox { path, source }),
        }
    }
    Ok(())
}
