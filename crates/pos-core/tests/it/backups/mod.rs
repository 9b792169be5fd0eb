//! Backups of the order books (SQLite's online backup API) and restoring them: consistent under
//! a concurrent writer, checked before anything is replaced, refused while an engine runs, one
//! book per mode, 30 kept, and `posctl backup create|list|restore`.

mod posctl;
mod restoring;
mod taking;

use pos_core::backup::BackupError;
use pos_core::settings::Mode;
use pos_core::Store;
use std::collections::HashSet;
use std::path::Path;

fn book(dir: &Path, mode: Mode) -> Store {
    Store::open_book(dir, mode).unwrap_or_else(|e| panic!("the {} book opens: {e}", mode.as_str()))
}

/// The merchant_uids committed in the database file `db`, read by a connection of their own.
fn committed_orders(db: &Path) -> HashSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("open {db:?}: {e}"));
    let mut stmt = conn
        .prepare("SELECT merchant_uid FROM orders")
        .unwrap_or_else(|e| panic!("read the orders: {e}"));
    let rows = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<HashSet<_>, _>>());
    rows.unwrap_or_else(|e| panic!("read the orders: {e}"))
}

/// A file to restore, the refusal expected, and what the file is.
type RefusalCase<'a> = (&'a Path, fn(&BackupError) -> bool, &'a str);
