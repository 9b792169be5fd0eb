//! Opening a database file: owner-only permissions, pragmas first, guard, migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode as SqliteCode};

use super::error::StoreError;
use super::schema;

/// How long a writer waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if missing) and migrates the database at `path`.
pub(crate) fn open_file(path: &Path) -> Result<Connection, StoreError> {
    create_owner_only(path)?;
    let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|source| classify(path, source))?;
    // Read-only checks first: a file that is not a database, or one from a newer build, is
    // refused before any pragma (journal_mode rewrites the header) could change a byte of it.
    schema::user_version(&conn).map_err(|e| match e {
        StoreError::Sqlite { source, .. } => classify(path, source),
        other => other,
    })?;
    schema::refuse_newer(&conn)?;
    configure(&conn, true).map_err(|source| classify(path, source))?;
    let found = schema::user_version(&conn)?;
    if found > 0 && found < schema::SCHEMA_VERSION {
        // A migration changes the book for good: keep the book as it was first.
        let kept =
            crate::backup::before_migration(&conn, path, chrono::Utc::now()).map_err(|source| {
                StoreError::PreMigrationBackup {
                    from: found,
                    source: Box::new(source),
                }
            })?;
        tracing::info!(from = found, to = schema::SCHEMA_VERSION, backup = %kept.display(), "backed up before migrating");
    }
    schema::migrate(&mut conn)?;
    restrict_permissions(path)?;
    Ok(conn)
}

/// `path` with `suffix` appended to its file name (SQLite's `-wal` and `-shm` files).
pub(crate) fn sidecar(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}

/// A migrated in-memory database.
pub(crate) fn open_memory() -> Result<Connection, StoreError> {
    let mut conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
        path: ":memory:".into(),
        source,
    })?;
    configure(&conn, false).map_err(|source| StoreError::Sqlite {
        context: "set pragmas",
        source,
    })?;
    schema::migrate(&mut conn)?;
    Ok(conn)
}

/// Pragmas come before the migrations touch the schema.
fn configure(conn: &Connection, wal: bool) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if wal {
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    }
    // Payments: a commit must survive a power cut, so FULL even in WAL mode.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn classify(path: &Path, source: rusqlite::Error) -> StoreError {
    match source.sqlite_error_code() {
        Some(SqliteCode::NotADatabase) | Some(SqliteCode::DatabaseCorrupt) => {
            StoreError::NotADatabase {
                path: path.to_path_buf(),
                source,
            }
        }
        _ => StoreError::Open {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// Creates an empty file with mode 0600 if none exists, so SQLite (and its -wal/-shm files,
/// which copy the main file's mode) never exist world-readable, even for a moment.
fn create_owner_only(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Create {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Makes an existing database owner-only (it may predate this build). Called only once the file
/// proved to be a database we can open: a refused file is never touched.
fn restrict_permissions(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(
            |source| StoreError::Permissions {
                path: path.to_path_buf(),
                source,
            },
        )?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl super::Store {
    /// How many orders the book holds.
    pub fn order_count(&self) -> Result<i64, StoreError> {
        let conn = self.lock();
        conn.query_row("SELECT COUNT(*) FROM orders", [], |row| row.get(0))
            .map_err(|source| StoreError::Sqlite {
                context: "count the orders",
                source,
            })
    }

    /// Moves everything in the WAL into the main file and empties the WAL (before the file is
    /// replaced by a restore).
    pub fn checkpoint_truncate(&self) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|source| StoreError::Sqlite {
                context: "checkpoint the database",
                source,
            })
    }

    /// SQLite's `quick_check`: an empty list means the file is sound; otherwise the problems
    /// SQLite found (for `posctl doctor`). Reads only.
    pub fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("PRAGMA quick_check")
            .map_err(|source| StoreError::Sqlite {
                context: "check the database",
                source,
            })?;
        let lines = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|source| StoreError::Sqlite {
                context: "check the database",
                source,
            })?;
        Ok(lines.into_iter().filter(|line| line != "ok").collect())
    }
}
