//! The `jobs` table: the outbox of work owed to Iamport (verify, cancel, charge, schedule...).
//!
//! A job is written in the same transaction as the state change that needs it. Its
//! `merchant_uid` is its idempotency key: at most one open (not `done`) job per kind and order.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, ErrorCode as SqliteCode};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{ms_col_opt, now, text_enum, to_ms};
use super::error::{SqlContext, StoreError};
use super::Store;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JobState {
    /// Waiting for its `next_run_at`.
    Pending,
    /// Claimed by a worker.
    Running,
    /// Finished; kept for the record.
    Done,
    /// Parked after a permanent error; a person must look.
    NeedsAttention,
}

text_enum!(JobState, "jobs.state", {
    Pending => "pending",
    Running => "running",
    Done => "done",
    NeedsAttention => "needs_attention",
});

impl JobState {
    /// The state as the owner reads it.
    pub fn label_ko(self) -> &'static str {
        match self {
            JobState::Pending => "대기 중",
            JobState::Running => "처리 중",
            JobState::Done => "완료",
            JobState::NeedsAttention => "확인 필요",
        }
    }
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewJob {
    /// What to do, e.g. `verify`, `cancel`, `charge`, `schedule`, `unschedule`.
    pub kind: String,
    /// The order it is for (the idempotency key).
    pub merchant_uid: String,
    /// Arguments of the job (never secrets).
    pub payload: serde_json::Value,
    /// When to run it first; `None` means now.
    pub run_at: Option<DateTime<Utc>>,
}

/// The queue as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QueueSummary {
    /// Jobs pending or running.
    #[ts(type = "number")]
    pub pending: i64,
    /// The earliest due time among them (ms since the UNIX epoch over IPC).
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub oldest_due_at: Option<DateTime<Utc>>,
    /// Jobs parked for a person.
    #[ts(type = "number")]
    pub needs_attention: i64,
}

/// Inserts a job inside the caller's transaction.
pub(crate) fn enqueue_in(
    conn: &Connection,
    job: &NewJob,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let payload = serde_json::to_string(&job.payload).map_err(|source| StoreError::Json {
        context: "encode a job's payload",
        source,
    })?;
    let result = conn
        .prepare_cached(
            "INSERT INTO jobs (kind, merchant_uid, payload, state, next_run_at, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?5)",
        )
        .ctx("enqueue a job")?
        .execute(params![
            job.kind,
            job.merchant_uid,
            payload,
            to_ms(job.run_at.unwrap_or(at)),
            to_ms(at)
        ]);
    match result {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e) if e.sqlite_error_code() == Some(SqliteCode::ConstraintViolation) => {
            Err(StoreError::DuplicateJob {
                kind: job.kind.clone(),
                merchant_uid: job.merchant_uid.clone(),
            })
        }
        Err(source) => Err(StoreError::Sqlite {
            context: "enqueue a job",
            source,
        }),
    }
}

impl Store {
    /// Enqueues one job; returns its id. An open job of the same kind for the same order:
    /// [`StoreError::DuplicateJob`].
    pub fn enqueue_job(&self, job: &NewJob) -> Result<i64, StoreError> {
        let conn = self.lock();
        enqueue_in(&conn, job, now())
    }

    /// How much work is waiting, for the status bar.
    pub fn queue_summary(&self) -> Result<QueueSummary, StoreError> {
        let conn = self.lock();
        let summary = conn
            .prepare_cached(
                "SELECT \
               COUNT(*) FILTER (WHERE state IN ('pending', 'running')), \
               MIN(next_run_at) FILTER (WHERE state IN ('pending', 'running')), \
               COUNT(*) FILTER (WHERE state = 'needs_attention') \
             FROM jobs WHERE state <> 'done'",
            )
            .ctx("summarise the job queue")?
            .query_row([], |row| {
                Ok(QueueSummary {
                    pending: row.get(0)?,
                    oldest_due_at: ms_col_opt(row, 1)?,
                    needs_attention: row.get(2)?,
                })
            })
            .ctx("summarise the job queue")?;
        Ok(summary)
    }
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// Row id.
    pub id: i64,
    /// What to do.
    pub kind: String,
    /// The order (idempotency key).
    pub merchant_uid: String,
    /// Arguments.
    pub payload: serde_json::Value,
    /// Where it stands.
    pub state: JobState,
    /// Attempts started so far (a claim counts as one).
    pub attempts: u32,
    /// When it is due next.
    #[serde(with = "chrono::serde::ts_milliseconds")]
    pub next_run_at: DateTime<Utc>,
    /// The last failure, for a person.
    pub last_error: Option<String>,
    /// A request was sent and no answer came: look the order up before re-sending.
    pub outcome_unknown: bool,
    /// The executor of the current or last claim (one engine run or one inline attempt).
    pub claimed_by: Option<String>,
    /// That executor's process id.
    pub claimed_pid: Option<i64>,
    /// When that process started (clock ticks since boot, Linux), if known.
    pub claimed_pid_started: Option<i64>,
}

/// Who claims a job: an executor name unique to one engine run or one inline attempt, and the
/// process it runs in. Recorded with the claim, so a starting engine re-queues only the claims
/// whose executor is gone, and only the claiming executor can record the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimOwner {
    /// The executor's unique name, e.g. `engine-01J…` or `inline-01J…`.
    pub executor: String,
    /// Its process id.
    pub pid: i64,
    /// When that process started (clock ticks since boot on Linux; `None` elsewhere): a pid
    /// alive with another start time belongs to another program now.
    pub started: Option<i64>,
}

impl ClaimOwner {
    /// An executor named `executor` in this process.
    pub fn in_this_process(executor: impl Into<String>) -> ClaimOwner {
        let pid = i64::from(std::process::id());
        ClaimOwner {
            executor: executor.into(),
            pid,
            started: process_started(pid),
        }
    }
}

/// When process `pid` started: on Linux in clock ticks since boot (field 22 of
/// `/proc/<pid>/stat`), elsewhere in seconds since the epoch from the OS's process table. Only
/// ever compared with another reading on the same machine, to tell a reused pid from its first
/// owner. `None` when it cannot be read.
pub fn process_started(pid: i64) -> Option<i64> {
    if pid <= 0 {
        return None;
    }
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Fields after the parenthesised command name start at field 3 (the state).
        let (_, rest) = stat.rsplit_once(')')?;
        rest.split_whitespace().nth(22 - 3)?.parse().ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        crate::os_process::started(pid)
    }
}

pub(crate) const JOB_COLUMNS: &str = "id, kind, merchant_uid, payload, state, attempts, \
     next_run_at, last_error, outcome_unknown, claimed_by, claimed_pid, claimed_pid_started";

pub(crate) fn job_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(Job, String)> {
    Ok((
        Job {
            id: row.get(0)?,
            kind: row.get(1)?,
            merchant_uid: row.get(2)?,
            payload: serde_json::Value::Null,
            state: row.get(4)?,
            attempts: row.get(5)?,
            next_run_at: super::codec::ms_col(row, 6)?,
            last_error: row.get(7)?,
            outcome_unknown: row.get(8)?,
            claimed_by: row.get(9)?,
            claimed_pid: row.get(10)?,
            claimed_pid_started: row.get(11)?,
        },
        row.get(3)?,
    ))
}

pub(crate) fn decode_payload((mut job, payload): (Job, String)) -> Result<Job, StoreError> {
    job.payload = serde_json::from_str(&payload).map_err(|source| StoreError::Json {
        context: "decode a job's payload",
        source,
    })?;
    Ok(job)
}

impl Store {
    /// Claims up to `limit` pending jobs due at `now` (earliest first) for `owner`: each becomes
    /// `running` with one more attempt and the owner recorded. The owner must then complete,
    /// retry or park each one.
    pub fn claim_due_jobs(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        owner: &ClaimOwner,
    ) -> Result<Vec<Job>, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .ctx("claim jobs")?;
        let claimed = tx
            .prepare_cached(&format!(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ?1, \
                 claimed_by = ?3, claimed_pid = ?4, claimed_pid_started = ?5 \
                 WHERE id IN (SELECT id FROM jobs WHERE state = 'pending' AND next_run_at <= ?1 \
                              ORDER BY next_run_at, id LIMIT ?2) \
                 RETURNING {JOB_COLUMNS}"
            ))
            .ctx("claim jobs")?
            .query_map(
                params![to_ms(now), limit, owner.executor, owner.pid, owner.started],
                job_from_row,
            )
            .ctx("claim jobs")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("claim jobs")?;
        tx.commit().ctx("claim jobs")?;
        let mut jobs = claimed
            .into_iter()
            .map(decode_payload)
            .collect::<Result<Vec<_>, _>>()?;
        jobs.sort_by_key(|j| (j.next_run_at, j.id));
        Ok(jobs)
    }

    /// Marks a running job done (its `outcome_unknown` flag is kept for the record). Only the
    /// executor that claimed it (`job.claimed_by`) can: a job re-queued and claimed by another
    /// executor since is [`StoreError::JobNotRunning`] for the old one.
    pub fn complete_job(&self, job: &Job) -> Result<(), StoreError> {
        self.finish_job(job, "done", None, None, None)
    }

    /// Puts a running job back in the queue for `next_run_at` with the error that stopped it.
    /// `outcome_unknown` replaces the flag: keep it true until a lookup has settled what an
    /// earlier send did. Only the claiming executor can (see [`Store::complete_job`]).
    pub fn retry_job(
        &self,
        job: &Job,
        next_run_at: DateTime<Utc>,
        error: &str,
        outcome_unknown: bool,
    ) -> Result<(), StoreError> {
        self.finish_job(
            job,
            "pending",
            Some(next_run_at),
            Some(error),
            Some(outcome_unknown),
        )
    }

    /// Parks a running job for a person, with a message they can act on. Its
    /// `outcome_unknown` flag is kept: the person must know a request may have gone through.
    /// Only the claiming executor can (see [`Store::complete_job`]).
    pub fn park_job(&self, job: &Job, error: &str) -> Result<(), StoreError> {
        self.finish_job(job, "needs_attention", None, Some(error), None)
    }

    fn finish_job(
        &self,
        job: &Job,
        state: &'static str,
        next_run_at: Option<DateTime<Utc>>,
        error: Option<&str>,
        outcome_unknown: Option<bool>,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached(
                "UPDATE jobs SET state = ?2, next_run_at = COALESCE(?3, next_run_at), \
                 last_error = COALESCE(?4, last_error), \
                 outcome_unknown = COALESCE(?5, outcome_unknown), updated_at = ?6 \
                 WHERE id = ?1 AND state = 'running' AND claimed_by IS ?7",
            )
            .ctx("finish a job")?
            .execute(params![
                job.id,
                state,
                next_run_at.map(to_ms),
                error,
                outcome_unknown,
                to_ms(now()),
                job.claimed_by,
            ])
            .ctx("finish a job")?;
        if changed == 0 {
            return Err(StoreError::JobNotRunning { id: job.id });
        }
        Ok(())
    }
}
