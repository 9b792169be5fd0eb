//! The sync engine's side of the `jobs` table: reclaim work a crashed process left `running`,
//! list jobs for `posctl jobs list` and the needs-attention screen, and retry a parked job.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::codec::{from_ms, ms_col, to_ms};
use super::error::{SqlContext, StoreError};
use super::jobs::{Job, JobState};
use super::Store;

const COLUMNS: &str =
    "id, kind, merchant_uid, payload, state, attempts, next_run_at, last_error, outcome_unknown";

fn row_to_job(row: &Row<'_>) -> rusqlite::Result<(Job, String)> {
    Ok((
        Job {
            id: row.get(0)?,
            kind: row.get(1)?,
            merchant_uid: row.get(2)?,
            payload: serde_json::Value::Null,
            state: row.get(4)?,
            attempts: row.get(5)?,
            next_run_at: ms_col(row, 6)?,
            last_error: row.get(7)?,
            outcome_unknown: row.get(8)?,
        },
        row.get(3)?,
    ))
}

fn decode((mut job, payload): (Job, String)) -> Result<Job, StoreError> {
    job.payload = serde_json::from_str(&payload).map_err(|source| StoreError::Json {
        context: "decode a job's payload",
        source,
    })?;
    Ok(job)
}

/// Which jobs [`Store::list_jobs`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JobFilter {
    /// Pending, running and needs-attention jobs.
    #[default]
    Open,
    /// Only jobs in this state.
    State(JobState),
    /// Every job, done ones included.
    All,
}

impl Store {
    /// Jobs a process left `running` when it died: back to `pending`, due at `at`, and flagged
    /// outcome unknown, because the crash may have come after the request reached Iamport (the
    /// executor then looks the order up before sending anything). Returns how many.
    pub fn reclaim_interrupted_jobs(&self, at: DateTime<Utc>) -> Result<usize, StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached(
                "UPDATE jobs SET state = 'pending', outcome_unknown = 1, \
                 next_run_at = MIN(next_run_at, ?1), updated_at = ?1 WHERE state = 'running'",
            )
            .ctx("reclaim interrupted jobs")?
            .execute([to_ms(at)])
            .ctx("reclaim interrupted jobs")?;
        Ok(changed)
    }

    /// A parked job back to `pending`, due at `at`. Unknown id: [`StoreError::JobNotFound`];
    /// a job that is not parked: [`StoreError::JobNotParked`], nothing changed.
    pub fn retry_parked_job(&self, id: i64, at: DateTime<Utc>) -> Result<Job, StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached(
                "UPDATE jobs SET state = 'pending', next_run_at = ?2, updated_at = ?2 \
                 WHERE id = ?1 AND state = 'needs_attention'",
            )
            .ctx("retry a parked job")?
            .execute(params![id, to_ms(at)])
            .ctx("retry a parked job")?;
        let job = conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"))
            .ctx("read a job")?
            .query_row([id], row_to_job)
            .optional()
            .ctx("read a job")?
            .ok_or(StoreError::JobNotFound { id })
            .and_then(decode)?;
        if changed == 0 {
            return Err(StoreError::JobNotParked {
                id,
                state: job.state.as_str(),
            });
        }
        Ok(job)
    }

    /// When the oldest job still waiting (pending or running) was enqueued.
    pub fn oldest_open_job_created_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let conn = self.lock();
        let ms: Option<i64> = conn
            .prepare_cached(
                "SELECT MIN(created_at) FROM jobs WHERE state IN ('pending', 'running')",
            )
            .ctx("read the oldest job")?
            .query_row([], |row| row.get(0))
            .ctx("read the oldest job")?;
        ms.map(|ms| from_ms("jobs.created_at", ms)).transpose()
    }

    /// Jobs matching `filter`, oldest first, at most `limit`.
    pub fn list_jobs(&self, filter: JobFilter, limit: u32) -> Result<Vec<Job>, StoreError> {
        let conn = self.lock();
        let (clause, state) = match filter {
            JobFilter::Open => ("state <> 'done'", None),
            JobFilter::State(s) => ("state = ?2", Some(s)),
            JobFilter::All => ("1 = 1", None),
        };
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE {clause} ORDER BY id LIMIT ?1");
        let mut stmt = conn.prepare_cached(&sql).ctx("list jobs")?;
        let rows = match state {
            Some(s) => stmt.query_map(params![limit, s], row_to_job),
            None => stmt.query_map(params![limit], row_to_job),
        }
        .ctx("list jobs")?
        .collect::<Result<Vec<_>, _>>()
        .ctx("list jobs")?;
        rows.into_iter().map(decode).collect()
    }
}
