//! One executor per job: a claim records its executor, an engine starting up re-queues only
//! claims whose executor is gone, and only the claiming executor records the outcome.

use pos_core::store::{process_started, ClaimOwner, Job, JobFilter, JobState};
use pos_core::sync::lease::claim_owner_gone;
use pos_core::work::executor::Executor;
use pos_core::{NewJob, Store, StoreError};

fn queued(store: &Store, merchant_uid: &str) {
    let job = NewJob {
        kind: "cancel".into(),
        merchant_uid: merchant_uid.into(),
        payload: serde_json::json!({}),
        run_at: None,
    };
    assert!(store.enqueue_job(&job).is_ok(), "enqueue");
}

fn claim(store: &Store, owner: &ClaimOwner) -> Job {
    store
        .claim_due_jobs(chrono::Utc::now(), 1, owner)
        .ok()
        .and_then(|mut jobs| jobs.pop())
        .unwrap_or_else(|| panic!("a due job to claim"))
}

fn states(store: &Store) -> Vec<JobState> {
    store
        .list_jobs(JobFilter::All, 10)
        .unwrap_or_default()
        .iter()
        .map(|j| j.state)
        .collect()
}

fn reclaim(store: &Store) -> usize {
    store
        .reclaim_interrupted_jobs(chrono::Utc::now(), claim_owner_gone)
        .unwrap_or_else(|e| panic!("reclaim: {e}"))
}

#[test]
fn a_claim_held_by_a_live_process_is_not_requeued_until_that_process_is_gone() {
    let store = super::store();
    queued(&store, "order_other_process");
    // Another process (say `posctl sync` whose lease heartbeat went stale) is executing the job.
    let mut other = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let pid = i64::from(other.id());
    let owner = ClaimOwner {
        executor: "posctl-01TESTEXECUTOR".into(),
        pid,
        started: process_started(pid),
    };
    let job = claim(&store, &owner);
    assert_eq!(
        job.claimed_by.as_deref(),
        Some("posctl-01TESTEXECUTOR"),
        "the claim names its executor"
    );
    assert_eq!(reclaim(&store), 0, "a live executor keeps its claim");
    assert_eq!(
        states(&store),
        vec![JobState::Running],
        "still running, not handed to a second executor"
    );
    let _ = other.kill();
    let _ = other.wait();
    assert_eq!(
        reclaim(&store),
        1,
        "the claim of a dead process is re-queued"
    );
    let jobs = store.list_jobs(JobFilter::All, 10).unwrap_or_default();
    assert_eq!(
        jobs.iter()
            .map(|j| (j.state, j.outcome_unknown))
            .collect::<Vec<_>>(),
        vec![(JobState::Pending, true)],
        "pending again, looked up before anything is re-sent"
    );
}

#[test]
fn an_engine_in_this_process_keeps_its_claims_until_it_ends() {
    let store = super::store();
    queued(&store, "order_same_process");
    let engine = Executor::register("engine");
    claim(&store, engine.owner());
    assert_eq!(
        reclaim(&store),
        0,
        "a second engine starting here leaves the running one's job"
    );
    drop(engine);
    assert_eq!(
        reclaim(&store),
        1,
        "once that engine has ended its job is re-queued"
    );
}

#[test]
fn only_the_claiming_executor_records_the_outcome() {
    let store = super::store();
    queued(&store, "order_two_executors");
    let first = Executor::register("engine");
    let stale = claim(&store, first.owner());
    drop(first);
    assert_eq!(reclaim(&store), 1, "the first executor is gone");
    let second = Executor::register("engine");
    let current = claim(&store, second.owner());
    let late = store.complete_job(&stale);
    assert!(
        matches!(late, Err(StoreError::JobNotRunning { .. })),
        "the old executor cannot record over the new claim: {late:?}"
    );
    assert_eq!(
        states(&store),
        vec![JobState::Running],
        "the new claim stands"
    );
    assert!(
        store.complete_job(&current).is_ok(),
        "its own executor finishes it"
    );
    assert_eq!(states(&store), vec![JobState::Done], "done once");
}

#[cfg(target_os = "linux")]
#[test]
fn a_pid_now_held_by_another_program_does_not_keep_a_dead_claim() {
    let store = super::store();
    queued(&store, "order_pid_reused");
    let mut stranger = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let pid = i64::from(stranger.id());
    let started = process_started(pid).unwrap_or_else(|| panic!("start time of {pid}"));
    // The claim was made by an executor whose process had this pid but started earlier; the
    // OS has since given the pid to an unrelated program.
    claim(
        &store,
        &ClaimOwner {
            executor: "app-01DEADEXECUTOR".into(),
            pid,
            started: Some(started - 1),
        },
    );
    assert_eq!(reclaim(&store), 1, "the dead executor's claim is re-queued");
    let _ = stranger.kill();
    let _ = stranger.wait();
}
