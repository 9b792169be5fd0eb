//! The `engine_lease` table: at most one row naming the process that may poll and charge for
//! this data dir (holder, pid, heartbeat). The sync engine's `lease` module decides when a
//! lease is stale; this file only reads and writes the row atomically.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{ms_col, to_ms};
use super::error::{SqlContext, StoreError};
use super::Store;

/// The lease row as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EngineLease {
    /// Who holds it, e.g. `posctl-3f2a…` or `app-9c1e…`.
    pub holder: String,
    /// The holder's process id.
    #[ts(type = "number")]
    pub pid: i64,
    /// The holder's last renewal (ms since the UNIX epoch over IPC).
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub heartbeat_at: DateTime<Utc>,
}

/// What [`Store::take_lease_if`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseTake {
    /// The lease is ours now (it was free, ours already, or `may_replace` allowed it).
    Taken {
        /// The holder we replaced, if any (a stale or dead one).
        replaced: Option<EngineLease>,
    },
    /// Someone else holds it and `may_replace` said no.
    Held(EngineLease),
}

fn read_lease(conn: &rusqlite::Connection) -> Result<Option<EngineLease>, StoreError> {
    let lease = conn
        .prepare_cached("SELECT holder, pid, heartbeat_at FROM engine_lease WHERE id = 1")
        .ctx("read the engine lease")?
        .query_row([], |row| {
            Ok(EngineLease {
                holder: row.get(0)?,
                pid: row.get(1)?,
                heartbeat_at: ms_col(row, 2)?,
            })
        })
        .optional()
        .ctx("read the engine lease")?;
    Ok(lease)
}

impl Store {
    /// The current lease row, if any.
    pub fn engine_lease(&self) -> Result<Option<EngineLease>, StoreError> {
        let conn = self.lock();
        read_lease(&conn)
    }

    /// In one immediate transaction: takes the lease for `holder`/`pid` at `at` if it is free,
    /// already `holder`'s, or `may_replace(current)` says the current holder is gone.
    pub fn take_lease_if(
        &self,
        holder: &str,
        pid: i64,
        at: DateTime<Utc>,
        may_replace: impl FnOnce(&EngineLease) -> bool,
    ) -> Result<LeaseTake, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("start taking the engine lease")?;
        let current = read_lease(&tx)?;
        let replaced = match current {
            None => None,
            Some(lease) if lease.holder == holder => None,
            Some(lease) if may_replace(&lease) => Some(lease),
            Some(lease) => return Ok(LeaseTake::Held(lease)),
        };
        tx.execute(
            "INSERT INTO engine_lease (id, holder, pid, heartbeat_at) VALUES (1, ?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, \
             heartbeat_at = excluded.heartbeat_at",
            params![holder, pid, to_ms(at)],
        )
        .ctx("take the engine lease")?;
        tx.commit().ctx("commit the engine lease")?;
        Ok(LeaseTake::Taken { replaced })
    }

    /// Renews `holder`'s heartbeat. `false` when the lease is no longer `holder`'s.
    pub fn renew_lease(&self, holder: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached(
                "UPDATE engine_lease SET heartbeat_at = ?2 WHERE id = 1 AND holder = ?1",
            )
            .ctx("renew the engine lease")?
            .execute(params![holder, to_ms(at)])
            .ctx("renew the engine lease")?;
        Ok(changed == 1)
    }

    /// Releases the lease if `holder` still holds it. `false` when it was not `holder`'s.
    pub fn release_lease(&self, holder: &str) -> Result<bool, StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached("DELETE FROM engine_lease WHERE id = 1 AND holder = ?1")
            .ctx("release the engine lease")?
            .execute([holder])
            .ctx("release the engine lease")?;
        Ok(changed == 1)
    }
}
