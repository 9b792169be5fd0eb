//! Backups of the order books with SQLite's online backup API.
//!
//! A backup is a consistent copy of one book (`live/` or `sandbox/`), taken while the app keeps
//! writing: the copy is made from its own connection in one step, so it holds exactly the
//! transactions committed before it began. Each book keeps its backups beside its database
//! (`<data_dir>/<mode>/backups/`), named `pos-<UTC time>-<reason>.sqlite3`, owner-only, 30 kept
//! ([`KEEP`]); the owner may name a second folder (a USB stick, a synced folder) that gets a copy
//! under `panmusic-pos-backups/<mode>/`.
//!
//! Backups are made daily (the app asks [`daily_due`]), before every schema migration (the store
//! does, when it opens an older database), before every restore (the database being replaced is
//! kept that way), and on request (`posctl backup create`, 설정).
//!
//! [`restore`] checks the file (`integrity_check`, schema version, that it is an order book)
//! before anything is replaced, and refuses while a sync engine holds the book's lease.

mod create;
mod error;
mod restore;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

pub(crate) use create::before_migration;
pub use create::{create, create_in_book};
pub use error::BackupError;
pub use restore::{restore, RestoreReport};

use crate::settings::Mode;

/// Backups kept per folder; the oldest beyond this are deleted after each new one.
pub const KEEP: usize = 30;

/// The folder of backups beside a book's database.
pub const BACKUP_DIR: &str = "backups";

/// The folder created in an owner-picked backup folder (one subfolder per mode inside).
pub const EXTERNAL_DIR: &str = "panmusic-pos-backups";

const PREFIX: &str = "pos-";
const SUFFIX: &str = ".sqlite3";
const TIME_FORMAT: &str = "%Y%m%dT%H%M%S%3fZ";

/// Why a backup was made (the last part of its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum BackupReason {
    /// The daily backup.
    Daily,
    /// Asked for by the owner or `posctl backup create`.
    Manual,
    /// Taken before the schema was migrated to a newer version.
    BeforeMigration,
    /// The database a restore replaced, kept aside.
    BeforeRestore,
}

impl BackupReason {
    /// The name used in file names and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupReason::Daily => "daily",
            BackupReason::Manual => "manual",
            BackupReason::BeforeMigration => "before-migration",
            BackupReason::BeforeRestore => "before-restore",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [
            BackupReason::Daily,
            BackupReason::Manual,
            BackupReason::BeforeMigration,
            BackupReason::BeforeRestore,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == text)
    }
}

/// One backup file and what is in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupInfo {
    /// The file.
    #[ts(type = "string")]
    pub path: PathBuf,
    /// When it was taken (ms since the UNIX epoch in JSON).
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub taken_at: DateTime<Utc>,
    /// Why it was taken.
    pub reason: BackupReason,
    /// Orders in it.
    #[ts(type = "number")]
    pub order_count: i64,
    /// Its schema version.
    pub schema_version: u32,
}

/// The backups folder of `mode`'s book in `data_dir`.
pub fn book_backup_dir(data_dir: &Path, mode: Mode) -> PathBuf {
    crate::store::book_dir(data_dir, mode).join(BACKUP_DIR)
}

/// The folder inside the owner-picked `folder` that gets copies of `mode`'s backups.
pub fn external_backup_dir(folder: &Path, mode: Mode) -> PathBuf {
    folder.join(EXTERNAL_DIR).join(mode.as_str())
}

/// The file name of a backup taken at `at` for `reason`: sorts by time.
pub fn file_name(at: DateTime<Utc>, reason: BackupReason) -> String {
    format!(
        "{PREFIX}{}-{}{SUFFIX}",
        at.format(TIME_FORMAT),
        reason.as_str()
    )
}

/// The time and reason in a backup's file name; `None` for any other file.
pub fn parse_file_name(name: &str) -> Option<(DateTime<Utc>, BackupReason)> {
    let body = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (time, reason) = body.split_once('-')?;
    let time = NaiveDateTime::parse_from_str(time, TIME_FORMAT).ok()?;
    Some((time.and_utc(), BackupReason::parse(reason)?))
}

/// Whether the daily backup is due at `now`: no backup yet, or the newest one is from another
/// day (KST, the shop's calendar; a newest one dated after today also counts as another day).
pub fn daily_due(newest: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    let kst = crate::format::kst();
    newest.is_none_or(|at| {
        at.with_timezone(&kst).date_naive() != now.with_timezone(&kst).date_naive()
    })
}

/// The backups in `dir`, newest first, with what is in each (files that are not backups are
/// ignored; an unreadable backup is logged and left out). A missing folder has none.
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>, BackupError> {
    let mut found = Vec::new();
    for (path, at, reason) in backup_files(dir)? {
        match create::read_info(&path, at, reason) {
            Ok(info) => found.push(info),
            Err(error) => {
                tracing::warn!(error = %error, path = %path.display(), "unreadable backup left out of the list");
            }
        }
    }
    Ok(found)
}

/// The backup files in `dir` by their names, newest first.
fn backup_files(dir: &Path) -> Result<Vec<(PathBuf, DateTime<Utc>, BackupReason)>, BackupError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(error::io("read the backup folder", dir)(source)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(error::io("read the backup folder", dir))?;
        let name = entry.file_name();
        if let Some((at, reason)) = name.to_str().and_then(parse_file_name) {
            files.push((entry.path(), at, reason));
        }
    }
    files.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(files)
}

/// Deletes the oldest backups in `dir` beyond the newest `keep`. Returns how many were deleted.
pub fn prune(dir: &Path, keep: usize) -> Result<usize, BackupError> {
    let files = backup_files(dir)?;
    let mut deleted = 0;
    for (path, _, _) in files.into_iter().skip(keep) {
        std::fs::remove_file(&path).map_err(error::io("delete an old backup", &path))?;
        deleted += 1;
    }
    Ok(deleted)
}

/// The newest backup time in `dir` (by file name), for [`daily_due`].
pub fn newest(dir: &Path) -> Result<Option<DateTime<Utc>>, BackupError> {
    Ok(backup_files(dir)?.first().map(|(_, at, _)| *at))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid test time")
    }

    #[test]
    fn a_file_name_reads_back_as_its_time_and_reason() {
        let at = utc(2026, 11, 30, 6, 56) + chrono::Duration::milliseconds(123);
        let name = file_name(at, BackupReason::BeforeMigration);
        assert_eq!(name, "pos-20261130T065600123Z-before-migration.sqlite3");
        assert_eq!(
            parse_file_name(&name),
            Some((at, BackupReason::BeforeMigration)),
            "the name is the record of the time and reason"
        );
    }

    #[test]
    fn other_files_are_not_backups() {
        for name in [
            "pos.sqlite3",
            "pos-20261130T065600123Z-daily.sqlite3.partial",
            "pos-20261130T065600123Z-weekly.sqlite3",
            "pos-yesterday-daily.sqlite3",
            "notes.txt",
        ] {
            assert_eq!(parse_file_name(name), None, "{name} is not a backup");
        }
    }

    #[test]
    fn the_daily_backup_is_due_once_per_kst_day() {
        // 14:59 UTC is 23:59 KST; 15:00 UTC is the next KST day.
        let evening = utc(2026, 11, 30, 14, 59);
        assert!(daily_due(None, evening), "no backup yet: due");
        assert!(
            !daily_due(Some(utc(2026, 11, 30, 0, 0)), evening),
            "a backup from 09:00 KST the same day covers the day"
        );
        assert!(
            daily_due(Some(evening), utc(2026, 11, 30, 15, 0)),
            "past midnight KST a new day needs its own backup, one minute later or not"
        );
        assert!(
            daily_due(Some(utc(2026, 12, 5, 0, 0)), evening),
            "a newest backup dated in the future (the PC clock was wrong) does not stop backups"
        );
    }
}
