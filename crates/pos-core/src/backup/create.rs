//! Making a backup: SQLite's online backup API from a connection of our own, into a `.partial`
//! file that is renamed into place only once it is complete.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::error::{io, sql, BackupError};
use super::{file_name, prune, BackupInfo, BackupReason, KEEP};
use crate::settings::Mode;

/// Pages copied per step: `-1` copies the whole database in one step, so the copy holds exactly
/// the transactions committed before it began (a reader in WAL mode blocks no writer).
const ALL_PAGES: std::os::raw::c_int = -1;

/// How often a step that found the source locked is tried again, and how long apart.
const BUSY_TRIES: u32 = 200;
const BUSY_PAUSE: Duration = Duration::from_millis(25);

/// Backs up the database file `db` into `dest_dir` (created owner-only if missing) as a backup
/// taken at `now` for `reason`, then deletes the oldest beyond [`KEEP`] there. The app may keep
/// writing meanwhile: the copy is consistent.
pub fn create(
    db: &Path,
    dest_dir: &Path,
    reason: BackupReason,
    now: DateTime<Utc>,
) -> Result<BackupInfo, BackupError> {
    if std::fs::symlink_metadata(db).is_err() {
        return Err(BackupError::NotFound {
            path: db.to_path_buf(),
        });
    }
    // Read-write without create: a read-only connection could not set up the WAL index.
    let source = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql("open the order book to back it up"))?;
    source
        .busy_timeout(Duration::from_secs(5))
        .map_err(sql("open the order book to back it up"))?;
    create_dir_owner_only(dest_dir)?;
    let target = unused_path(dest_dir, now, reason);
    copy_connection(&source, &target)?;
    let (at, reason) = super::parse_file_name(&file_name_of(&target)).unwrap_or((now, reason));
    let info = read_info(&target, at, reason)?;
    prune(dest_dir, KEEP)?;
    tracing::info!(path = %target.display(), orders = info.order_count, reason = reason.as_str(), "backup made");
    Ok(info)
}

/// Backs up `mode`'s book in `data_dir` into its backups folder and, when `external` names an
/// owner-picked folder, copies that backup there too (pruned to [`KEEP`] as well). Returns the
/// backup in the book's folder and, separately, a failure of the external copy (the book's own
/// backup stands even when the USB stick is missing).
pub fn create_in_book(
    data_dir: &Path,
    mode: Mode,
    external: Option<&Path>,
    reason: BackupReason,
    now: DateTime<Utc>,
) -> Result<(BackupInfo, Option<BackupError>), BackupError> {
    let db = crate::store::book_path(data_dir, mode);
    let info = create(&db, &super::book_backup_dir(data_dir, mode), reason, now)?;
    let copied =
        external.map(|folder| copy_external(&info, &super::external_backup_dir(folder, mode)));
    let problem = match copied {
        Some(Err(error)) => {
            tracing::warn!(error = %error, "backup not copied to the owner's folder");
            Some(error)
        }
        Some(Ok(())) | None => None,
    };
    Ok((info, problem))
}

fn copy_external(info: &BackupInfo, dir: &Path) -> Result<(), BackupError> {
    create_dir_owner_only(dir)?;
    let name = file_name_of(&info.path);
    let partial = dir.join(format!("{name}.partial"));
    std::fs::copy(&info.path, &partial)
        .map_err(io("copy the backup to the owner's folder", dir))?;
    let target = dir.join(&name);
    std::fs::rename(&partial, &target)
        .map_err(io("copy the backup to the owner's folder", &target))?;
    prune(dir, KEEP)?;
    Ok(())
}

/// Copies everything `source` holds into a new database at `target` (which must not exist) with
/// the online backup API; the copy is written as `<target>.partial` (owner-only) and renamed
/// into place once complete and switched to a rollback journal, so it is one self-contained file.
pub(crate) fn copy_connection(source: &Connection, target: &Path) -> Result<(), BackupError> {
    let partial = PathBuf::from(format!("{}.partial", target.display()));
    remove_if_present(&partial)?;
    create_file_owner_only(&partial)?;
    let copied = (|| {
        let mut dest = Connection::open(&partial).map_err(sql("create the backup file"))?;
        {
            let backup = Backup::new(source, &mut dest).map_err(sql("start the backup"))?;
            step_to_end(&backup)?;
        }
        let _mode: String = dest
            .query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))
            .map_err(sql("finish the backup file"))?;
        dest.close()
            .map_err(|(_, e)| sql("finish the backup file")(e))
    })();
    if let Err(error) = copied {
        let _ignored = std::fs::remove_file(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, target).map_err(io("put the backup in place", target))
}

fn step_to_end(backup: &Backup<'_, '_>) -> Result<(), BackupError> {
    for _ in 0..BUSY_TRIES {
        match backup.step(ALL_PAGES).map_err(sql("copy the order book"))? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(BUSY_PAUSE)
            }
            _ => std::thread::sleep(BUSY_PAUSE),
        }
    }
    Err(BackupError::Sqlite {
        context: "copy the order book (it stayed locked)",
        source: rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        ),
    })
}

/// What is in the backup at `path` (opened read-only; nothing is written).
pub(crate) fn read_info(
    path: &Path,
    taken_at: DateTime<Utc>,
    reason: BackupReason,
) -> Result<BackupInfo, BackupError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql("open a backup"))?;
    let schema_version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(sql("read a backup's schema version"))?;
    let order_count: i64 = conn
        .query_row("SELECT COUNT(*) FROM orders", [], |row| row.get(0))
        .map_err(sql("count a backup's orders"))?;
    Ok(BackupInfo {
        path: path.to_path_buf(),
        taken_at,
        reason,
        order_count,
        schema_version: u32::try_from(schema_version).unwrap_or(u32::MAX),
    })
}

/// A path for a backup at `now` that no file has yet (two backups in one millisecond get the
/// second a later time in its name, so names stay unique and sorted).
fn unused_path(dir: &Path, now: DateTime<Utc>, reason: BackupReason) -> PathBuf {
    let mut at = now;
    loop {
        let path = dir.join(file_name(at, reason));
        if std::fs::symlink_metadata(&path).is_err() {
            return path;
        }
        at += chrono::Duration::milliseconds(1);
    }
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(io("remove a leftover file", path)(source)),
    }
}

/// Creates `dir` (and its parents) owner-only (0700 on unix) if missing: backups hold orders.
pub(crate) fn create_dir_owner_only(dir: &Path) -> Result<(), BackupError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(io("create the backup folder", dir))
}

/// Creates an empty owner-only file (0600 on unix) that SQLite then fills.
pub(crate) fn create_file_owner_only(path: &Path) -> Result<(), BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .map_err(io("create the backup file", path))
}

/// Backs up the database `conn` has open (at `db`, schema version `from`) into the backups
/// folder beside it before its schema is migrated.
pub(crate) fn before_migration(
    conn: &Connection,
    db: &Path,
    now: DateTime<Utc>,
) -> Result<PathBuf, BackupError> {
    let dir = db
        .parent()
        .unwrap_or(Path::new("."))
        .join(super::BACKUP_DIR);
    create_dir_owner_only(&dir)?;
    let target = unused_path(&dir, now, BackupReason::BeforeMigration);
    copy_connection(conn, &target)?;
    prune(&dir, KEEP)?;
    Ok(target)
}
