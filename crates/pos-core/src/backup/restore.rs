//! Restoring a book from a backup. Nothing is replaced until the backup proved sound:
//!
//! 1. take the book's engine lease as `restore` (refused while an engine runs on the book);
//! 2. copy the backup next to the database (`pos.sqlite3.restoring`) and check the copy:
//!    `integrity_check`, a schema version this build knows, an order book's tables; the copy
//!    loses the lease row it was taken with (its holder is not running this book now);
//! 3. keep the current database aside as a `before-restore` backup (online backup API);
//! 4. checkpoint the current database, remove its WAL files and rename the copy into place;
//! 5. open the restored book (an older schema is migrated, after its own backup).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;

use super::create::{create, create_file_owner_only, read_info};
use super::error::{io, sql, BackupError};
use super::{book_backup_dir, BackupInfo, BackupReason};
use crate::settings::Mode;
use crate::store::{book_path, SCHEMA_VERSION};
use crate::sync::{Lease, SyncError};
use crate::Store;

/// The suffix of the checked copy waiting to replace the database.
const STAGED: &str = ".restoring";

/// The lease role a restore holds while it works.
pub const ROLE: &str = "restore";

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RestoreReport {
    /// The backup restored (as it was checked).
    pub restored: BackupInfo,
    /// The database it replaced, kept as a backup (`None`: the book did not exist).
    pub kept_aside: Option<BackupInfo>,
    /// Orders in the book now.
    #[ts(type = "number")]
    pub order_count: i64,
}

/// Replaces `mode`'s book in `data_dir` with the backup `file`, keeping the current database
/// aside first. The caller has closed its own handles on the book (the app stops its engine);
/// another program's running engine makes this fail with [`BackupError::EngineRunning`] before
/// anything changes, as does a damaged, foreign or newer backup.
pub fn restore(
    data_dir: &Path,
    mode: Mode,
    file: &Path,
    now: DateTime<Utc>,
) -> Result<RestoreReport, BackupError> {
    if std::fs::symlink_metadata(file).is_err() {
        return Err(BackupError::NotFound {
            path: file.to_path_buf(),
        });
    }
    let db = book_path(data_dir, mode);
    let current = Store::open_book(data_dir, mode)?;
    let lease = Lease::acquire(&current, ROLE).map_err(|error| match error {
        SyncError::LeaseHeld { holder, pid, .. } => BackupError::EngineRunning { holder, pid },
        other => BackupError::Lease(other),
    })?;
    let backups = book_backup_dir(data_dir, mode);
    let outcome = stage_and_swap(&current, &lease, file, &db, &backups, now);
    if outcome.is_err() {
        let _ignored = std::fs::remove_file(sidecar(&db, STAGED));
        // The old database is still in place: give the lease back.
        if let Err(error) = lease.release() {
            tracing::warn!(error = %error, "restore lease not released");
        }
    }
    let (restored, kept_aside) = outcome?;
    drop(current);
    let reopened = Store::open_book(data_dir, mode)?;
    let order_count = reopened.order_count()?;
    tracing::info!(from = %file.display(), orders = order_count, mode = mode.as_str(), "order book restored");
    Ok(RestoreReport {
        restored,
        kept_aside,
        order_count,
    })
}

fn stage_and_swap(
    current: &Store,
    lease: &Lease,
    file: &Path,
    db: &Path,
    backups: &Path,
    now: DateTime<Utc>,
) -> Result<(BackupInfo, Option<BackupInfo>), BackupError> {
    let staged = &sidecar(db, STAGED);
    remove_if_present(staged)?;
    copy_owner_only(file, staged)?;
    check_backup(staged, file)?;
    let (at, reason) = file
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(super::parse_file_name)
        .unwrap_or((now, BackupReason::Manual));
    let restored = BackupInfo {
        path: file.to_path_buf(),
        ..read_info(staged, at, reason)?
    };
    let kept_aside = Some(create(db, backups, BackupReason::BeforeRestore, now)?);
    // Everything committed is in the main file after this; the WAL is then empty.
    current.checkpoint_truncate()?;
    lease.release().map_err(BackupError::Lease)?;
    for suffix in ["-wal", "-shm"] {
        remove_if_present(&sidecar(db, suffix))?;
    }
    std::fs::rename(staged, db).map_err(io("put the restored order book in place", db))?;
    Ok((restored, kept_aside))
}

/// Copies `from` into a new owner-only file `to` (a backup from a USB stick may be readable by all).
fn copy_owner_only(from: &Path, to: &Path) -> Result<(), BackupError> {
    create_file_owner_only(to)?;
    let mut source = std::fs::File::open(from).map_err(io("read the backup", from))?;
    let mut target = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(to)
        .map_err(io("copy the backup", to))?;
    std::io::copy(&mut source, &mut target).map_err(io("copy the backup", to))?;
    target.sync_all().map_err(io("copy the backup", to))
}

/// Checks the staged copy of `original`: sound, an order book, a schema this build knows; then
/// drops the lease row it carries.
fn check_backup(staged: &Path, original: &Path) -> Result<(), BackupError> {
    let damaged = |problem: String| BackupError::Damaged {
        path: original.to_path_buf(),
        problem,
    };
    let conn = Connection::open_with_flags(
        staged,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| damaged(e.to_string()))?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| damaged(e.to_string()))?;
    if problems != ["ok"] {
        return Err(damaged(problems.join("; ")));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|e| damaged(e.to_string()))?;
    let found = u32::try_from(version).unwrap_or(u32::MAX);
    if found > SCHEMA_VERSION {
        return Err(BackupError::NewerSchema {
            found,
            known: SCHEMA_VERSION,
        });
    }
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
             AND name IN ('orders', 'order_events', 'jobs', 'engine_lease')",
            [],
            |row| row.get(0),
        )
        .map_err(|e| damaged(e.to_string()))?;
    if found == 0 || tables != 4 {
        return Err(BackupError::NotABackup {
            path: original.to_path_buf(),
        });
    }
    conn.execute("DELETE FROM engine_lease", [])
        .map_err(sql("clear the backup's engine lease"))?;
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))
        .map_err(sql("prepare the restored order book"))?;
    conn.close()
        .map_err(|(_, e)| sql("prepare the restored order book")(e))
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}

fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(io("remove a file of the old order book", path)(source)),
    }
}
