//! The one-time move of an old single order book (`<data_dir>/pos.sqlite3`, from builds that
//! kept live and sandbox orders together) into the book of one mode.
//!
//! Which book: the **sandbox** book only when nothing in the old book can be a live payment,
//! that is when all of these hold:
//! - the settings file is missing, or reads cleanly and says sandbox mode;
//! - every order in it (its merchant_uid, and its imp_uid when it has one) and every
//!   subscription (its customer_uid) is known to the in-process sandbox's saved state
//!   (`sandbox-state.json`): the sandbox saw every one of them.
//!
//! Anything else (live mode, a broken settings file, an order the sandbox never saw, no saved
//! sandbox state) sends it to the **live** book: a test order in the live book is only clutter,
//! while a live order in the sandbox book could be settled by a sandbox payment.
//!
//! Crash safety: the old file is first made self-contained (its WAL checkpointed into it and
//! journal mode DELETE), then moved with one `rename` inside the data dir. A crash before the
//! rename leaves the old file in place and the move starts over on the next open; after it, the
//! old file is gone from the root, so the move never runs twice and nothing is ever lost.
//! If a book of the chosen mode already exists, nothing is moved and opening fails with
//! [`StoreError::LegacyConflict`] for a person to look at.

use std::collections::HashSet;
use std::path::Path;

use rusqlite::Connection;
use serde_json::Value;

use super::book::{book_dir, book_path, create_book_dir, sandbox_state_path, SANDBOX_STATE_FILE};
use super::error::{SqlContext, StoreError};
use super::{open, DB_FILE};
use crate::settings::{load_store_file, Mode, STORE_FILE};

/// Moves `<data_dir>/pos.sqlite3` into its book if it exists; returns the mode it went to.
pub(crate) fn migrate(data_dir: &Path) -> Result<Option<Mode>, StoreError> {
    move_sandbox_state(data_dir)?;
    let legacy = data_dir.join(DB_FILE);
    if std::fs::symlink_metadata(&legacy).is_err() {
        return Ok(None);
    }
    let mode = {
        let conn = open::open_file(&legacy)?;
        self_contain(&conn)?;
        decide(&conn, data_dir)?
    };
    let target = book_path(data_dir, mode);
    if std::fs::symlink_metadata(&target).is_ok() {
        return Err(StoreError::LegacyConflict { legacy, target });
    }
    create_book_dir(&book_dir(data_dir, mode))?;
    std::fs::rename(&legacy, &target).map_err(|source| StoreError::LegacyMove {
        path: legacy.clone(),
        source,
    })?;
    sync_dir(data_dir);
    sync_dir(&book_dir(data_dir, mode));
    // After journal mode DELETE these are gone or empty; a leftover would only confuse a person.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(open::sidecar(&legacy, suffix));
    }
    tracing::info!(to = %target.display(), mode = mode.as_str(), "moved the old order book into its mode's book");
    Ok(Some(mode))
}

/// Which book the old one belongs to (see the module docs for the rule).
fn decide(conn: &Connection, data_dir: &Path) -> Result<Mode, StoreError> {
    let settings = load_store_file(&data_dir.join(STORE_FILE));
    if settings.problem.is_some() || settings.settings.mode == Mode::Live {
        return Ok(Mode::Live);
    }
    let known = sandbox_strings(&sandbox_state_path(data_dir));
    let mut ids = Vec::new();
    for sql in [
        "SELECT merchant_uid FROM orders",
        "SELECT imp_uid FROM orders WHERE imp_uid IS NOT NULL",
        "SELECT customer_uid FROM subscriptions",
    ] {
        let mut stmt = conn.prepare(sql).ctx("read the old order book")?;
        let found = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .ctx("read the old order book")?;
        ids.extend(found);
    }
    if ids.iter().all(|id| known.contains(id)) {
        Ok(Mode::Sandbox)
    } else {
        Ok(Mode::Live)
    }
}

/// Every string (object keys included) in the sandbox's saved state; empty when there is none
/// or it cannot be read (then nothing counts as the sandbox's).
fn sandbox_strings(path: &Path) -> HashSet<String> {
    let mut out = HashSet::new();
    let Ok(bytes) = std::fs::read(path) else {
        return out;
    };
    let Ok(root) = serde_json::from_slice::<Value>(&bytes) else {
        return out;
    };
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(s) => {
                out.insert(s);
            }
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                for (key, item) in map {
                    out.insert(key);
                    stack.push(item);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    out
}

/// Folds the WAL into the main file and leaves rollback-journal mode, so the one file holds it all.
fn self_contain(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .ctx("fold the old order book's journal into it")?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))
        .ctx("fold the old order book's journal into it")?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(StoreError::LegacyBusy);
    }
    Ok(())
}

/// The sandbox's saved state moves from the data dir root into the sandbox book's folder.
fn move_sandbox_state(data_dir: &Path) -> Result<(), StoreError> {
    let old = data_dir.join(SANDBOX_STATE_FILE);
    if std::fs::symlink_metadata(&old).is_err() {
        return Ok(());
    }
    let new = sandbox_state_path(data_dir);
    if std::fs::symlink_metadata(&new).is_ok() {
        return Ok(());
    }
    create_book_dir(&book_dir(data_dir, Mode::Sandbox))?;
    std::fs::rename(&old, &new).map_err(|source| StoreError::LegacyMove { path: old, source })
}

/// Makes a rename durable (best effort: not every platform can open a folder).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(file) = std::fs::File::open(dir) {
        let _ = file.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
