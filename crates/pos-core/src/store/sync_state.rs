//! The `sync_state` table: small key/value facts of the sync engine (change-feed cursor, last
//! successful sync).

use rusqlite::{params, OptionalExtension};

use super::codec::{now, to_ms};
use super::error::{SqlContext, StoreError};
use super::Store;

/// Key of the change-feed cursor.
pub const CHANGE_FEED_CURSOR: &str = "change_feed_cursor";
/// Key of the time of the last successful sync.
pub const LAST_SYNC_AT: &str = "last_sync_at";

impl Store {
    /// The value stored under `key`, if any.
    pub fn sync_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = self.lock();
        let value = conn
            .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")
            .ctx("read sync state")?
            .query_row([key], |row| row.get(0))
            .optional()
            .ctx("read sync state")?;
        Ok(value)
    }

    /// Stores `value` under `key`, replacing what was there.
    pub fn set_sync_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.prepare_cached(
            "INSERT INTO sync_state (key, value, updated_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .ctx("write sync state")?
        .execute(params![key, value, to_ms(now())])
        .ctx("write sync state")?;
        Ok(())
    }
}
