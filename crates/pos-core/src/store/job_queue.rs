//! The sync engine's side of the `jobs` table: reclaim work a crashed process left `running`,
//! list jobs for `posctl jobs list` and the needs-attention screen, and retry a parked job.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::codec::{from_ms, to_ms};
use super::error::{SqlContext, StoreError};
use super::jobs::{
    decode_payload as decode, job_from_row as row_to_job, ClaimOwner, Job, JobState,
    JOB_COLUMNS as COLUMNS,
};
use super::Store;

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
    /// Jobs left `running` by an executor that is gone (its process died, or its engine in
    /// this process ended): back to `pending`, due at `at`, and flagged outcome unknown, because
    /// the executor may have stopped after its request reached Iamport (the next executor looks
    /// the order up before sending anything). `owner_gone` decides from the claim's owner
    /// (`None` for a claim made before owners were recorded); a claim whose executor is alive
    /// is left alone, so no job has two executors. Returns how many were re-queued.
    pub fn reclaim_interrupted_jobs(
        &self,
        at: DateTime<Utc>,
        owner_gone: impl Fn(Option<&ClaimOwner>) -> bool,
    ) -> Result<usize, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .ctx("reclaim interrupted jobs")?;
        let running = tx
            .prepare_cached(
                "SELECT id, claimed_by, claimed_pid, claimed_pid_started FROM jobs \
                 WHERE state = 'running'",
            )
            .ctx("reclaim interrupted jobs")?
            .query_map([], |row| {
                let owner = match (row.get::<_, Option<String>>(1)?, row.get(2)?) {
                    (Some(executor), Some(pid)) => Some(ClaimOwner {
                        executor,
                        pid,
                        started: row.get(3)?,
                    }),
                    _ => None,
                };
                Ok((row.get::<_, i64>(0)?, owner))
            })
            .ctx("reclaim interrupted jobs")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("reclaim interrupted jobs")?;
        let mut changed = 0;
        for (id, owner) in running {
            if !owner_gone(owner.as_ref()) {
                continue;
            }
            changed += tx
                .prepare_cached(
                    "UPDATE jobs SET state = 'pending', outcome_unknown = 1, \
                     next_run_at = MIN(next_run_at, ?2), updated_at = ?2 \
                     WHERE id = ?1 AND state = 'running' AND claimed_by IS ?3",
                )
                .ctx("reclaim interrupted jobs")?
                .execute(params![id, to_ms(at), owner.map(|o| o.executor)])
                .ctx("reclaim interrupted jobs")?;
        }
        tx.commit().ctx("reclaim interrupted jobs")?;
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
                state: job.state.label_ko(),
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
