//! Batches: many writes in one SQLite transaction, so one `fsync` covers a page of payments
//! instead of one each (`synchronous = FULL` makes every commit wait for the disk).
//!
//! A batch runs on a [`Store::private_handle`], a connection nobody else shares: while the batch
//! is open every write on that handle joins it (transitions become savepoints, see
//! [`begin_write`]), and other connections wait on SQLite's write lock (busy timeout) for the
//! few milliseconds a batch lasts.

use std::ops::Deref;

use rusqlite::{Connection, Savepoint, Transaction, TransactionBehavior};

use super::error::{SqlContext, StoreError};
use super::open::open_file;
use super::Store;

/// A write scope: a transaction, or a savepoint when a batch is already open.
pub(crate) enum Write<'a> {
    Transaction(Transaction<'a>),
    Savepoint(Savepoint<'a>),
}

impl Deref for Write<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Write::Transaction(tx) => tx,
            Write::Savepoint(sp) => sp,
        }
    }
}

impl Write<'_> {
    /// Commits the transaction, or releases the savepoint into the open batch.
    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self {
            Write::Transaction(tx) => tx.commit(),
            Write::Savepoint(sp) => sp.commit(),
        }
    }
}

/// Starts an immediate transaction, or a savepoint if a batch is open on this connection.
/// Dropping the scope without `commit` rolls it back either way.
pub(crate) fn begin_write(conn: &mut Connection) -> rusqlite::Result<Write<'_>> {
    if conn.is_autocommit() {
        conn.transaction_with_behavior(TransactionBehavior::Immediate)
            .map(Write::Transaction)
    } else {
        conn.savepoint().map(Write::Savepoint)
    }
}

impl Store {
    /// A handle with its own connection to the same database file (an in-memory store returns
    /// itself: there is no file to reopen). Use it for [`Store::batch`].
    pub fn private_handle(&self) -> Result<Store, StoreError> {
        match &self.path {
            Some(path) => Ok(Store {
                conn: std::sync::Arc::new(std::sync::Mutex::new(open_file(path)?)),
                path: Some(path.clone()),
                mode: self.mode,
                uid_prefix: self.uid_prefix.clone(),
                account: self.account.clone(),
            }),
            None => Ok(self.clone()),
        }
    }

    /// Runs `f` inside one immediate transaction on this handle: committed if `f` succeeds,
    /// rolled back (with everything `f` wrote) if it fails. Only for a handle nobody else uses
    /// meanwhile ([`Store::private_handle`]); a batch inside a batch joins the outer one.
    pub fn batch<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, E> {
        let outer = !self.lock().is_autocommit();
        if outer {
            return f(self);
        }
        self.lock()
            .execute_batch("BEGIN IMMEDIATE")
            .ctx("start a batch")?;
        let result = f(self);
        let conn = self.lock();
        match result {
            Ok(value) => {
                conn.execute_batch("COMMIT").ctx("commit a batch")?;
                Ok(value)
            }
            Err(e) => {
                if let Err(rollback) = conn.execute_batch("ROLLBACK") {
                    tracing::error!(error = %rollback, "a failed batch could not be rolled back");
                }
                Err(e)
            }
        }
    }
}
