use pos_core::{NewJob, StoreError};

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
