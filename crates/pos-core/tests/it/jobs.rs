use pos_core::store::{ClaimOwner, Job};
use pos_core::{NewJob, StoreError};

/// The executor these tests claim as.
fn owner() -> ClaimOwner {
    ClaimOwner::in_this_process("test-executor")
}

/// Claims the one due job, which must exist.
fn claim_one(store: &pos_core::Store) -> Job {
    store
        .claim_due_jobs(now(), 1, &owner())
        .ok()
        .and_then(|mut j| j.pop())
        .unwrap_or_else(|| panic!("a due job to claim"))
}

/// A job value for a row that does not exist.
fn claim_one_of_none(store: &pos_core::Store) -> Job {
    assert!(
        store.enqueue_job(&job("verify", "order_ghost")).is_ok(),
        "enqueue"
    );
    let mut j = claim_one(store);
    j.id = -1;
    j
}

fn job(kind: &str, merchant_uid: &str) -> NewJob {
    NewJob {
        kind: kind.into(),
        merchant_uid: merchant_uid.into(),
        payload: serde_json::json!({"n": 1}),
        run_at: None,
    }
}

#[test]
fn an_empty_queue_summarises_as_zero() {
    let store = super::store();
    let summary = store
        .queue_summary()
        .unwrap_or_else(|e| panic!("summary: {e}"));
    assert_eq!(
        (
            summary.pending,
            summary.oldest_due_at,
            summary.needs_attention
        ),
        (0, None, 0),
        "nothing queued"
    );
}

#[test]
fn queued_jobs_are_counted_with_the_earliest_due_time() {
    let store = super::store();
    let early = chrono::Utc::now() - chrono::Duration::minutes(5);
    let mut first = job("verify", "order_a");
    first.run_at = Some(early);
    assert!(store.enqueue_job(&first).is_ok(), "enqueue verify");
    assert!(
        store.enqueue_job(&job("cancel", "order_a")).is_ok(),
        "another kind for the same order is fine"
    );
    let summary = store
        .queue_summary()
        .unwrap_or_else(|e| panic!("summary: {e}"));
    assert_eq!(summary.pending, 2, "two jobs pending");
    assert_eq!(
        summary.oldest_due_at.map(|t| t.timestamp_millis()),
        Some(early.timestamp_millis()),
        "the earliest due time is reported"
    );
}

#[test]
fn a_second_open_job_of_the_same_kind_for_the_same_order_is_refused() {
    let store = super::store();
    assert!(
        store.enqueue_job(&job("verify", "order_a")).is_ok(),
        "first verify"
    );
    let err = store.enqueue_job(&job("verify", "order_a")).err();
    assert!(
        matches!(err, Some(StoreError::DuplicateJob { .. })),
        "the idempotency key holds, got {err:?}"
    );
}

#[test]
fn retrying_a_job_that_is_not_parked_names_its_state_in_korean() {
    let store = super::store();
    let id = store
        .enqueue_job(&job("verify", "order_a"))
        .expect("enqueued");
    let err = store.retry_parked_job(id, now()).err();
    let Some(err @ StoreError::JobNotParked { .. }) = err else {
        panic!("a pending job cannot be retried by hand, got {err:?}");
    };
    let message = err.to_string();
    assert!(
        message.contains("(현재: 대기 중)"),
        "the state the owner reads is a word: {message}"
    );
    assert!(!message.contains("pending"), "no state code: {message}");
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[test]
fn claiming_takes_only_due_pending_jobs_earliest_first_and_counts_an_attempt() {
    let store = super::store();
    let mut later = job("verify", "order_later");
    later.run_at = Some(now() + chrono::Duration::hours(1));
    let mut early = job("verify", "order_early");
    early.run_at = Some(now() - chrono::Duration::minutes(2));
    for j in [&later, &early, &job("verify", "order_now")] {
        assert!(store.enqueue_job(j).is_ok(), "enqueue {}", j.merchant_uid);
    }
    let claimed = store
        .claim_due_jobs(now(), 10, &owner())
        .unwrap_or_else(|e| panic!("claim: {e}"));
    let uids: Vec<&str> = claimed.iter().map(|j| j.merchant_uid.as_str()).collect();
    assert_eq!(
        uids,
        vec!["order_early", "order_now"],
        "only due jobs, earliest first"
    );
    assert!(
        claimed
            .iter()
            .all(|j| j.attempts == 1 && j.state == pos_core::JobState::Running),
        "claimed jobs run, attempt 1"
    );
    assert_eq!(
        claimed[0].payload,
        serde_json::json!({"n": 1}),
        "the payload comes back"
    );
    let again = store
        .claim_due_jobs(now(), 10, &owner())
        .unwrap_or_default();
    assert!(again.is_empty(), "a running job is not claimed twice");
}

#[test]
fn a_claim_respects_its_limit() {
    let store = super::store();
    for i in 0..5 {
        assert!(
            store
                .enqueue_job(&job("verify", &format!("order_{i}")))
                .is_ok(),
            "enqueue {i}"
        );
    }
    assert_eq!(
        store
            .claim_due_jobs(now(), 2, &owner())
            .map(|j| j.len())
            .ok(),
        Some(2),
        "at most the limit"
    );
}

#[test]
fn a_retried_job_waits_for_its_next_run_and_keeps_the_error() {
    let store = super::store();
    assert!(
        store.enqueue_job(&job("cancel", "order_a")).is_ok(),
        "enqueue"
    );
    let claimed = claim_one(&store);
    let next = now() + chrono::Duration::seconds(30);
    assert!(
        store
            .retry_job(&claimed, next, "timeout after send", true)
            .is_ok(),
        "retry"
    );
    assert!(
        store
            .claim_due_jobs(now(), 10, &owner())
            .unwrap_or_default()
            .is_empty(),
        "not due yet"
    );
    let later = store.claim_due_jobs(next, 10, &owner()).unwrap_or_default();
    let j = later.first();
    assert_eq!(
        j.map(|j| (j.attempts, j.outcome_unknown, j.last_error.clone())),
        Some((2, true, Some("timeout after send".into()))),
        "second attempt knows the outcome was unknown"
    );
}

#[test]
fn a_completed_job_frees_its_idempotency_key() {
    let store = super::store();
    assert!(
        store.enqueue_job(&job("verify", "order_a")).is_ok(),
        "enqueue"
    );
    let claimed = claim_one(&store);
    assert!(store.complete_job(&claimed).is_ok(), "complete");
    assert_eq!(
        store.queue_summary().map(|q| q.pending).ok(),
        Some(0),
        "nothing pending"
    );
    assert!(
        store.enqueue_job(&job("verify", "order_a")).is_ok(),
        "a new verify for the same order is allowed once the old one is done"
    );
}

#[test]
fn a_parked_job_needs_attention_and_is_counted() {
    let store = super::store();
    assert!(
        store.enqueue_job(&job("charge", "renew_a")).is_ok(),
        "enqueue"
    );
    let claimed = claim_one(&store);
    assert!(store.park_job(&claimed, "카드 한도 초과").is_ok(), "park");
    assert_eq!(
        store
            .queue_summary()
            .map(|q| (q.pending, q.needs_attention))
            .ok(),
        Some((0, 1)),
        "one parked job"
    );
}

#[test]
fn finishing_a_job_that_is_not_running_is_a_conflict() {
    let store = super::store();
    let mut ghost = claim_one_of_none(&store);
    ghost.id = 12345;
    let err = store.complete_job(&ghost).err();
    assert!(
        matches!(err, Some(StoreError::JobNotRunning { .. })),
        "got {err:?}"
    );
}

#[test]
fn parking_a_job_keeps_its_outcome_unknown_flag() {
    let store = super::store();
    assert!(
        store.enqueue_job(&job("charge", "renew_b")).is_ok(),
        "enqueue"
    );
    let claimed = claim_one(&store);
    assert!(
        store
            .retry_job(&claimed, now(), "timeout after send", true)
            .is_ok(),
        "retry with outcome unknown"
    );
    let claimed = claim_one(&store);
    assert!(store.park_job(&claimed, "확인 필요").is_ok(), "park");
    let parked = store
        .list_jobs(
            pos_core::store::JobFilter::State(pos_core::JobState::NeedsAttention),
            10,
        )
        .unwrap_or_default();
    assert_eq!(
        parked.first().map(|j| j.outcome_unknown),
        Some(true),
        "a person looking at the parked job sees the charge may have gone through"
    );
}
