//! The job worker: claims due jobs one by one as slots free up (at most `concurrency` at
//! once), runs each through the [`JobExecutor`], and records the outcome: done, rescheduled with
//! backoff and jitter (retryable; "outcome unknown" keeps the look-up-first flag), or parked for
//! a person (permanent). A claim is one SQLite transaction that records its executor, so a job
//! runs once per claim even with two processes (the lease normally prevents that anyway), and
//! only that executor records the outcome.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::task::JoinSet;

use super::backoff::Backoff;
use super::error::SyncError;
use super::ports::JobExecutor;
use crate::store::{ClaimOwner, Job};
use crate::work::{JobDone, JobFailure, WorkContext};
use crate::Store;

/// What a drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobTally {
    /// Finished.
    pub done: u32,
    /// Rescheduled.
    pub retried: u32,
    /// Parked as needs-attention.
    pub parked: u32,
}

/// What happened to one job.
enum Outcome {
    Done,
    Retried,
    Parked,
}

async fn claim_one(store: &Store, owner: &ClaimOwner) -> Result<Option<Job>, SyncError> {
    let store = store.clone();
    let owner = owner.clone();
    tokio::task::spawn_blocking(move || store.claim_due_jobs(Utc::now(), 1, &owner))
        .await
        .map_err(SyncError::Join)?
        .map(|mut jobs| jobs.pop())
        .map_err(SyncError::from)
}

/// Records the executor's verdict on a claimed job.
fn record(
    store: &Store,
    job: &Job,
    result: Result<JobDone, JobFailure>,
    backoff: Backoff,
    rng: &mut StdRng,
) -> Result<Outcome, SyncError> {
    match result {
        Ok(done) => {
            tracing::info!(job = job.id, kind = %job.kind, merchant_uid = %job.merchant_uid, note = %done.note, "job done");
            store.complete_job(job)?;
            Ok(Outcome::Done)
        }
        Err(JobFailure::Permanent { message }) => {
            tracing::warn!(job = job.id, kind = %job.kind, merchant_uid = %job.merchant_uid, %message, "job parked");
            store.park_job(job, &message)?;
            Ok(Outcome::Parked)
        }
        Err(failure) => {
            let unknown =
                job.outcome_unknown || matches!(failure, JobFailure::OutcomeUnknown { .. });
            let delay = backoff.delay(job.attempts, rng);
            let at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
            tracing::info!(job = job.id, kind = %job.kind, attempts = job.attempts, outcome_unknown = unknown, message = failure.message(), "job rescheduled");
            store.retry_job(job, at, failure.message(), unknown)?;
            Ok(Outcome::Retried)
        }
    }
}

/// A job whose task panicked (a bug in an executor) goes back to the queue as outcome unknown
/// (it may have sent its request), so it is neither lost nor left `running`.
async fn requeue_after_panic(store: &Store, job: Option<Job>, backoff: Backoff) {
    let Some(job) = job else {
        return;
    };
    let store = store.clone();
    let requeued = tokio::task::spawn_blocking(move || {
        let mut rng = StdRng::from_os_rng();
        let delay = backoff.delay(job.attempts, &mut rng);
        let at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
        store.retry_job(
            &job,
            at,
            "작업 실행 중 내부 오류가 발생했습니다. 결과를 먼저 확인한 뒤 다시 시도합니다. (executor panicked)",
            true,
        )
    })
    .await;
    match requeued {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "a panicked job could not be queued again"),
        Err(e) => tracing::error!(error = %e, "a panicked job could not be queued again"),
    }
}

/// Runs every job due now, `concurrency` at a time, until none is due, each claimed for
/// `owner`. Jobs rescheduled into the future are left for a later drain.
pub async fn drain_due(
    store: &Store,
    owner: &ClaimOwner,
    client: &iamport::Client,
    executor: &Arc<dyn JobExecutor>,
    concurrency: usize,
    backoff: Backoff,
) -> Result<JobTally, SyncError> {
    let mut tally = JobTally::default();
    let mut running: JoinSet<Result<Outcome, SyncError>> = JoinSet::new();
    // Which job each task runs, so a task that panicked can be put back, not left `running`.
    let mut jobs: HashMap<tokio::task::Id, Job> = HashMap::new();
    let mut exhausted = false;
    let mut first_error = None;
    loop {
        while !exhausted && first_error.is_none() && running.len() < concurrency.max(1) {
            match claim_one(store, owner).await {
                Ok(Some(job)) => {
                    let ctx = WorkContext {
                        store: store.clone(),
                        client: client.clone(),
                    };
                    let executor = executor.clone();
                    let claimed = job.clone();
                    let handle = running.spawn(async move {
                        let result = executor.execute(&ctx, &job).await;
                        let store = ctx.store;
                        tokio::task::spawn_blocking(move || {
                            let mut rng = StdRng::from_os_rng();
                            record(&store, &job, result, backoff, &mut rng)
                        })
                        .await
                        .map_err(SyncError::Join)?
                    });
                    jobs.insert(handle.id(), claimed);
                }
                Ok(None) => exhausted = true,
                Err(e) => first_error = Some(e),
            }
        }
        let Some(joined) = running.join_next_with_id().await else {
            break;
        };
        let joined = match joined {
            Ok((id, outcome)) => {
                jobs.remove(&id);
                outcome
            }
            Err(panicked) => {
                let job = jobs.remove(&panicked.id());
                requeue_after_panic(store, job, backoff).await;
                Err(SyncError::Join(panicked))
            }
        };
        match joined {
            Ok(Outcome::Done) => tally.done += 1,
            Ok(Outcome::Retried) => {
                tally.retried += 1;
                // A retried job may be due again already (tiny backoff): look again.
                exhausted = false;
            }
            Ok(Outcome::Parked) => tally.parked += 1,
            Err(e) => {
                tracing::error!(error = %e, "a job's outcome could not be recorded");
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(tally),
    }
}
