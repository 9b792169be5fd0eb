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
