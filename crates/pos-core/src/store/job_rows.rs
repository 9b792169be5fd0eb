//! Jobs looked up one at a time, for work run inline outside the sync engine's worker loop
//! (`refund_now`, the automatic cancel of `complete_payment`): claim one specific job, read one
//! job, find the open job of an order, list an order's jobs. Finishing uses the engine's own
//! `complete_job` / `retry_job` / `park_job`.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::codec::to_ms;
use super::error::{SqlContext, StoreError};
use super::jobs::Job;
use super::Store;

use super::jobs::{
    decode_payload as decode, job_from_row as row_to_job, ClaimOwner, JOB_COLUMNS as COLUMNS,
};

impl Store {
    /// Claims job `id` for `owner` if it is `pending` (due or not): it becomes `running` with
    /// one more attempt and the owner recorded. `None` when it is not pending (already claimed
    /// by a worker, done or parked).
    pub fn claim_job(
        &self,
        id: i64,
        now: DateTime<Utc>,
        owner: &ClaimOwner,
    ) -> Result<Option<Job>, StoreError> {
        let conn = self.lock();
        let row = conn
            .prepare_cached(&format!(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ?2, \
                 claimed_by = ?3, claimed_pid = ?4, claimed_pid_started = ?5 \
                 WHERE id = ?1 AND state = 'pending' RETURNING {COLUMNS}"
            ))
            .ctx("claim a job")?
            .query_row(
                params![id, to_ms(now), owner.executor, owner.pid, owner.started],
                row_to_job,
            )
            .optional()
            .ctx("claim a job")?;
        row.map(decode).transpose()
    }

    /// One job by id, `None` when there is none.
    pub fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let conn = self.lock();
        let row = conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"))
            .ctx("read a job")?
            .query_row([id], row_to_job)
            .optional()
            .ctx("read a job")?;
        row.map(decode).transpose()
    }

    /// Retires a parked (`needs_attention`) job a person has dealt with: it becomes `done`, with
    /// `note` appended to its last error. Returns whether a parked job was retired.
    pub fn retire_parked_job(
        &self,
        id: i64,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached(
                "UPDATE jobs SET state = 'done', last_error = COALESCE(last_error || ' / ', '') || ?2, \
                 updated_at = ?3 WHERE id = ?1 AND state = 'needs_attention'",
            )
            .ctx("retire a parked job")?
            .execute(params![id, note, to_ms(now)])
            .ctx("retire a parked job")?;
        Ok(changed == 1)
    }

    /// The open (not `done`) job of `kind` for an order, if any.
    pub fn open_job(&self, kind: &str, merchant_uid: &str) -> Result<Option<Job>, StoreError> {
        let conn = self.lock();
        let row = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM jobs WHERE kind = ?1 AND merchant_uid = ?2 AND state <> 'done'"
            ))
            .ctx("read an open job")?
            .query_row(params![kind, merchant_uid], row_to_job)
            .optional()
            .ctx("read an open job")?;
        row.map(decode).transpose()
    }

    /// Every job of one order, oldest first (the order page shows pending or parked refunds).
    pub fn jobs_of_order(&self, merchant_uid: &str) -> Result<Vec<Job>, StoreError> {
        let conn = self.lock();
        let rows = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM jobs WHERE merchant_uid = ?1 ORDER BY id"
            ))
            .ctx("read an order's jobs")?
            .query_map([merchant_uid], row_to_job)
            .ctx("read an order's jobs")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("read an order's jobs")?;
        rows.into_iter().map(decode).collect()
    }
}
