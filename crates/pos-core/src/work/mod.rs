//! Executing the jobs owed to Iamport: `cancel` (refunds, automatic cancels of mismatched
//! payments), `verify` (look a payment up and apply it), `revoke_vbank` (revoke the virtual
//! account of an order the owner gave up) and the cash receipt jobs (`receipt_issue`,
//! `receipt_cancel`).
//!
//! [`execute_job`] runs one attempt and says how it ended; it does not touch the job row. The
//! sync engine's worker loop claims due jobs and records the result (complete, retry with
//! backoff, park); [`run_job_now`] does the same for one job inline (`refund_now`, the
//! automatic cancel in `complete_payment`).
//!
//! Store calls here are short SQLite transactions made directly from async code.

mod cancel;
pub mod executor;
mod receipt;
mod revoke;
mod verify;

use chrono::{Duration, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::checkout::{CheckoutError, CANCEL_JOB, REVOKE_VBANK_JOB, VERIFY_JOB};
use crate::error::ErrorCode;
use crate::store::{Job, Order, Store, StoreError};

/// What a job needs: the order book and an Iamport client.
#[derive(Debug, Clone)]
pub struct WorkContext {
    /// The order book.
    pub store: Store,
    /// Iamport.
    pub client: iamport::Client,
}

/// A job that finished.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobDone {
    /// The order after the job, when the job touched one.
    pub order: Option<Box<Order>>,
    /// What happened, in Korean, for the log and the timeline.
    pub note: String,
}

/// A job attempt that did not finish. Every message says, in Korean, what a person can do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobFailure {
    /// Try again later (Iamport unreachable or failing); nothing happened.
    #[error("{message}")]
    Retryable { message: String },
    /// The request was sent but no answer came: the next attempt looks up before re-sending.
    #[error("{message}")]
    OutcomeUnknown { message: String },
    /// Will not succeed by repeating: park it for a person.
    #[error("{message}")]
    Permanent { message: String },
}

impl JobFailure {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            JobFailure::Retryable { .. } => ErrorCode::Offline,
            JobFailure::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
            JobFailure::Permanent { .. } => ErrorCode::Declined,
        }
    }

    /// The message for a person.
    pub fn message(&self) -> &str {
        match self {
            JobFailure::Retryable { message }
            | JobFailure::OutcomeUnknown { message }
            | JobFailure::Permanent { message } => message,
        }
    }

    /// A failure from an Iamport error met while doing `what` (Korean, e.g. "환불 요청").
    pub(crate) fn from_iamport(what: &str, e: &iamport::Error) -> JobFailure {
        if e.is_outcome_unknown() {
            JobFailure::OutcomeUnknown {
                message: format!(
                    "{what}: 아임포트에 보냈지만 응답을 받지 못했습니다. 다음 시도에서 결과를 먼저 확인합니다 (중복 처리되지 않습니다). ({e})"
                ),
            }
        } else if e.is_too_many_requests() {
            // Iamport (or the relay's per-store limit) answered: the PC is online. Nothing was
            // done, the client already waits as asked, and the job is retried, never parked.
            JobFailure::Retryable {
                message: format!(
                    "{what}: 요청이 많아 아임포트가 잠시 기다려 달라고 했습니다. 잠시 쉬었다가 자동으로 다시 시도합니다 (할 일은 없습니다). ({e})"
                ),
            }
        } else if e.is_retryable() {
            JobFailure::Retryable {
                message: format!(
                    "{what}: 아임포트에 연결할 수 없습니다. 인터넷이 연결되면 자동으로 다시 시도합니다. ({e})"
                ),
            }
        } else if e.is_auth() {
            JobFailure::Permanent {
                message: format!(
                    "{what}: 아임포트가 REST API 키를 거부했습니다. 설정에서 키와 시크릿을 확인한 뒤 작업을 다시 시도하세요. ({e})"
                ),
            }
        } else {
            JobFailure::Permanent {
                message: format!(
                    "{what}: 아임포트가 거절했습니다. 아임포트 관리자 화면에서 결제를 확인하세요. ({e})"
                ),
            }
        }
    }

    /// A failure from a local error (the order book, a refused payment).
    pub(crate) fn from_checkout(what: &str, e: &CheckoutError) -> JobFailure {
        match e {
            CheckoutError::Iamport { source } => JobFailure::from_iamport(what, source),
            CheckoutError::Store(StoreError::Sqlite { .. }) => JobFailure::Retryable {
                message: format!(
                    "{what}: 데이터베이스 오류로 기록하지 못했습니다. 다시 시도합니다. ({e})"
                ),
            },
            other => JobFailure::Permanent {
                message: format!("{what}: {other}"),
            },
        }
    }
}

/// Runs one attempt of `job`: `cancel` and `verify` here, `charge` in [`crate::subscription`];
/// any other kind is a permanent failure. Never re-sends a cancel whose previous outcome is
/// unknown without looking the payment up first.
pub async fn execute_job(ctx: &WorkContext, job: &Job) -> Result<JobDone, JobFailure> {
    match job.kind.as_str() {
        CANCEL_JOB => cancel::execute(ctx, job).await,
        VERIFY_JOB => verify::execute(ctx, job).await,
        REVOKE_VBANK_JOB => revoke::execute(ctx, job).await,
        crate::subscription::CHARGE_JOB => crate::subscription::execute_charge_job(ctx, job).await,
        crate::subscription::KEY_DELETE_JOB => {
            crate::subscription::execute_key_delete_job(ctx, job).await
        }
        crate::store::RECEIPT_ISSUE_JOB => receipt::issue(ctx, job).await,
        crate::store::RECEIPT_CANCEL_JOB => receipt::cancel(ctx, job).await,
        other => Err(JobFailure::Permanent {
            message: format!("알 수 없는 작업 종류 '{other}'입니다. 이 버전의 앱은 이 작업을 처리할 수 없습니다."),
        }),
    }
}

/// How one inline run of a job ended.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(
    tag = "status",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum JobRun {
    /// Done.
    Done(JobDone),
    /// Left in the queue; the sync engine retries it (offline, or outcome unknown).
    Queued {
        #[ts(type = "number")]
        job_id: i64,
        message: String,
    },
    /// Parked for a person.
    Parked {
        #[ts(type = "number")]
        job_id: i64,
        message: String,
    },
    /// A worker had already claimed it, or it is no longer pending; nothing was run here.
    NotPending {
        #[ts(type = "number")]
        job_id: i64,
    },
}

/// When a job that failed inline is due again: at once, so the sync engine's next turn picks it
/// up (it backs off by attempts from there; `sync --once` drains it).
const INLINE_RETRY_AFTER: Duration = Duration::zero();

/// Claims job `job_id`, runs one attempt and records the result (done, back to pending, or
/// parked), like one turn of the worker loop for one job.
pub async fn run_job_now(ctx: &WorkContext, job_id: i64) -> Result<JobRun, StoreError> {
    // Registered while this attempt runs: an engine starting meanwhile leaves the claim alone.
    let executor = executor::Executor::register("inline");
    let Some(job) = ctx.store.claim_job(job_id, Utc::now(), executor.owner())? else {
        return Ok(JobRun::NotPending { job_id });
    };
    match execute_job(ctx, &job).await {
        Ok(done) => {
            ctx.store.complete_job(&job)?;
            Ok(JobRun::Done(done))
        }
        Err(failure @ (JobFailure::Retryable { .. } | JobFailure::OutcomeUnknown { .. })) => {
            // Sticky: an earlier unknown outcome stays unknown until a lookup settles it.
            let unknown =
                job.outcome_unknown || matches!(failure, JobFailure::OutcomeUnknown { .. });
            let message = failure.message().to_string();
            ctx.store
                .retry_job(&job, Utc::now() + INLINE_RETRY_AFTER, &message, unknown)?;
            Ok(JobRun::Queued { job_id, message })
        }
        Err(JobFailure::Permanent { message }) => {
            ctx.store.park_job(&job, &message)?;
            Ok(JobRun::Parked { job_id, message })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JobFailure;

    fn too_many_requests() -> iamport::Error {
        iamport::Error::Api {
            operation: "cancel",
            http_status: 429,
            code: -1,
            message: "요청이 너무 많습니다. 잠시 후 다시 시도하세요. (rate limit)".into(),
        }
    }

    #[test]
    fn too_many_requests_is_retried_and_not_described_as_no_internet() {
        let failure = JobFailure::from_iamport("환불", &too_many_requests());
        assert!(
            matches!(failure, JobFailure::Retryable { .. }),
            "a 429 is retried, never parked: {failure:?}"
        );
        let message = failure.message();
        assert!(
            message.starts_with("환불: 요청이 많아")
                && message.contains("자동으로 다시 시도합니다"),
            "says what happened and that it retries by itself, Korean first: {message}"
        );
        assert!(
            !message.contains("인터넷") && !message.contains("연결할 수 없습니다"),
            "the PC is online: no word of a lost connection: {message}"
        );
    }

    #[test]
    fn a_lost_connection_still_says_so() {
        let e = iamport::Error::Transport {
            operation: "cancel",
            reason: "could not connect".into(),
            source: None,
        };
        let failure = JobFailure::from_iamport("환불", &e);
        assert!(
            matches!(failure, JobFailure::Retryable { .. }),
            "{failure:?}"
        );
        assert!(
            failure.message().contains("인터넷이 연결되면"),
            "offline is described as offline: {}",
            failure.message()
        );
    }
}
