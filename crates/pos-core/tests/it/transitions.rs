use chrono::{TimeZone, Utc};
use pos_core::{ErrorCode, NewJob, OrderPatch, OrderState, StoreError};

#[test]
fn a_transition_updates_the_order_and_appends_an_event() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    let paid_at = Utc.timestamp_opt(1_800_000_000, 0).single();
    let patch = OrderPatch {
        imp_uid: Some("imp_123456789012".into()),
        paid_at,
        ..Default::default()
    };
    let after = store
        .apply_transition(&order, OrderState::Paid, "sdk_callback", &patch)
        .unwrap_or_else(|e| panic!("transition: {e}"));
    assert_eq!(after.state, OrderState::Paid, "the order is paid");
    assert_eq!(
        after.imp_uid.as_deref(),
        Some("imp_123456789012"),
        "imp_uid is set"
    );
    assert_eq!(after.paid_at, paid_at, "paid_at is set");
    assert_eq!(
        store.order(&order.merchant_uid).ok(),
        Some(after),
        "the stored order equals the returned one"
    );
    let events = store.order_events(&order.merchant_uid).unwrap_or_default();
    let last = events.last().map(|e| {
        (
            e.from_state,
            e.to_state,
            e.cause.clone(),
            e.detail["impUid"].clone(),
        )
    });
    assert_eq!(
        last,
        Some((
            Some(OrderState::Created),
            OrderState::Paid,
            "sdk_callback".to_string(),
            serde_json::json!("imp_123456789012")
        )),
        "the event records the move, its cause and the patch"
    );
}

#[test]
fn a_transition_from_a_state_the_order_left_is_refused_and_changes_nothing() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    let believed = pos_core::Order {
        state: OrderState::AwaitingPayment,
        ..order.clone()
    };
    let err = store
        .apply_transition(&believed, OrderState::Paid, "poll", &OrderPatch::default())
        .err();
    assert!(
        matches!(err, Some(StoreError::StateMoved { .. })),
        "got {err:?}"
    );
    assert_eq!(
        err.map(|e| e.code()),
        Some(ErrorCode::Conflict),
        "the UI sees a conflict"
    );
    assert_eq!(
        store.order(&order.merchant_uid).ok(),
        Some(order.clone()),
        "the order is unchanged"
    );
    assert_eq!(
        store
            .order_events(&order.merchant_uid)
            .map(|e| e.len())
            .ok(),
        Some(1),
        "no event appended"
    );
}

#[test]
fn a_stale_same_state_update_cannot_lower_the_refunded_total() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    let paid = store
        .apply_transition(
            &order,
            OrderState::Paid,
            "sdk_callback",
            &OrderPatch {
                imp_uid: Some("imp_stale_race01".into()),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("paid: {e}"));
    let refund = |refunded: i64| OrderPatch {
        refunded_amount: Some(refunded),
        ..Default::default()
    };
    let first = store
        .apply_transition(
            &paid,
            OrderState::PartiallyRefunded,
            "refund",
            &refund(3_000),
        )
        .unwrap_or_else(|e| panic!("first refund: {e}"));
    // Writer A reads the order now (3,000원 refunded) and decides slowly...
    let seen_by_a = store
        .order(&order.merchant_uid)
        .unwrap_or_else(|e| panic!("read: {e}"));
    // ...while writer B records a second refund: same state, a larger total.
    let after_b = store
        .apply_transition(
            &first,
            OrderState::PartiallyRefunded,
            "refund",
            &refund(5_000),
        )
        .unwrap_or_else(|e| panic!("second refund: {e}"));
    assert_eq!(
        after_b.version,
        seen_by_a.version + 1,
        "B moved the version on"
    );
    // A now writes what it decided from its stale read.
    let stale = store.apply_transition(
        &seen_by_a,
        OrderState::PartiallyRefunded,
        "poll",
        &refund(3_000),
    );
    assert!(
        matches!(stale, Err(StoreError::StateMoved { .. })),
        "the stale write is refused: {stale:?}"
    );
    assert_eq!(
        store
            .order(&order.merchant_uid)
            .map(|o| o.refunded_amount)
            .ok(),
        Some(5_000),
        "the newer refund total stands"
    );
}

#[test]
fn one_iamport_payment_cannot_be_attached_to_two_orders() {
    let store = super::store();
    let first = super::card_order(&store, "pass_1m");
    let second = super::card_order(&store, "pass_1m");
    let with = |imp_uid: &str| OrderPatch {
        imp_uid: Some(imp_uid.into()),
        ..Default::default()
    };
    let paid = store.apply_transition(&first, OrderState::Paid, "poll", &with("imp_once_only01"));
    assert!(
        paid.is_ok(),
        "the payment is attached to its order: {paid:?}"
    );
    let twice = store.apply_transition(&second, OrderState::Paid, "poll", &with("imp_once_only01"));
    assert!(
        matches!(twice, Err(StoreError::PaymentOfAnotherOrder { .. })),
        "the same imp_uid on a second order is refused: {twice:?}"
    );
    let message = twice.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("imp_once_only01") && message.contains("다른 주문"),
        "the message names the payment and why: {message}"
    );
    assert_eq!(
        store.order(&second.merchant_uid).ok(),
        Some(second.clone()),
        "the second order is unchanged"
    );
}

#[test]
fn a_transition_of_an_unknown_order_is_not_found() {
    let store = super::store();
    let mut ghost = super::card_order(&store, "pass_1m");
    ghost.merchant_uid = "order_nope".into();
    let err = store
        .apply_transition(&ghost, OrderState::Paid, "poll", &OrderPatch::default())
        .err();
    assert!(
        matches!(err, Some(StoreError::OrderNotFound { .. })),
        "got {err:?}"
    );
}

#[test]
fn refunding_more_than_the_amount_is_refused() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    for refunded in [-1, order.amount + 1] {
        let patch = OrderPatch {
            refunded_amount: Some(refunded),
            ..Default::default()
        };
        let err = store
            .apply_transition(&order, OrderState::Refunded, "refund", &patch)
            .err();
        assert!(
            matches!(err, Some(StoreError::InvalidPatch { .. })),
            "refunded {refunded} is refused, got {err:?}"
        );
    }
    assert_eq!(
        store.order(&order.merchant_uid).map(|o| o.state).ok(),
        Some(OrderState::Created),
        "unchanged"
    );
}

#[test]
fn a_transition_enqueues_its_jobs_in_the_same_transaction() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    let job = NewJob {
        kind: "verify".into(),
        merchant_uid: order.merchant_uid.clone(),
        payload: serde_json::json!({}),
        run_at: None,
    };
    let patch = OrderPatch {
        jobs: vec![job],
        ..Default::default()
    };
    let moved = store.apply_transition(&order, OrderState::AwaitingPayment, "sdk_callback", &patch);
    assert!(moved.is_ok(), "the transition commits: {moved:?}");
    assert_eq!(
        store.queue_summary().map(|q| q.pending).ok(),
        Some(1),
        "the verify job is queued"
    );
}

#[test]
fn a_transition_whose_job_is_a_duplicate_rolls_back_entirely() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    let job = NewJob {
        kind: "verify".into(),
        merchant_uid: order.merchant_uid.clone(),
        payload: serde_json::json!({}),
        run_at: None,
    };
    assert!(
        store.enqueue_job(&job).is_ok(),
        "the first verify job is queued"
    );
    let patch = OrderPatch {
        jobs: vec![job],
        ..Default::default()
    };
    let err = store
        .apply_transition(&order, OrderState::AwaitingPayment, "sdk_callback", &patch)
        .err();
    assert!(
        matches!(err, Some(StoreError::DuplicateJob { .. })),
        "got {err:?}"
    );
    assert_eq!(
        store.order(&order.merchant_uid).map(|o| o.state).ok(),
        Some(OrderState::Created),
        "the state did not move"
    );
    assert_eq!(
        store
            .order_events(&order.merchant_uid)
            .map(|e| e.len())
            .ok(),
        Some(1),
        "no event was kept"
    );
}

#[test]
fn next_check_can_be_scheduled_and_cleared() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    let at = Utc.timestamp_opt(1_800_000_000, 0).single();
    let set = OrderPatch {
        next_check_at: Some(at),
        ..Default::default()
    };
    let after = store
        .apply_transition(&order, OrderState::AwaitingPayment, "sdk_closed", &set)
        .unwrap_or_else(|e| panic!("transition: {e}"));
    assert_eq!(after.next_check_at, at, "the next check is scheduled");
    let clear = OrderPatch {
        next_check_at: Some(None),
        ..Default::default()
    };
    let after = store.apply_transition(&after, OrderState::Abandoned, "poll", &clear);
    assert_eq!(
        after.map(|o| o.next_check_at).ok(),
        Some(None),
        "the next check is cleared"
    );
}

mod arbitrary_sequences {
    use pos_core::{OrderPatch, OrderState};
    use proptest::prelude::*;

    fn state() -> impl Strategy<Value = OrderState> {
        prop::sample::select(OrderState::ALL.to_vec())
    }

    /// One attempted transition: whether the caller knows the current state (else it believes
    /// the given one), the target, and a refunded total (possibly out of range).
    fn step() -> impl Strategy<Value = (bool, OrderState, OrderState, Option<i64>)> {
        (
            any::<bool>(),
            state(),
            state(),
            prop::option::of(-100i64..12_000),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_transition_either_commits_with_one_event_or_changes_nothing(
            steps in prop::collection::vec(step(), 1..25)
        ) {
            let store = super::super::store();
            let uid = super::super::card_order(&store, "pass_1m").merchant_uid;
            for (knows_current, believed, to, refunded) in steps {
                let before = store.order(&uid).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let events_before = store.order_events(&uid).map(|e| e.len()).unwrap_or(0);
                let from = if knows_current { before.state } else { believed };
                let seen = pos_core::Order { state: from, ..before.clone() };
                let patch = OrderPatch { refunded_amount: refunded, ..Default::default() };
                let result = store.apply_transition(&seen, to, "proptest", &patch);
                let after = store.order(&uid).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let events_after = store.order_events(&uid).map(|e| e.len()).unwrap_or(0);
                match result {
                    Ok(returned) => {
                        prop_assert_eq!(before.state, from, "a commit only happens from the believed state");
                        prop_assert_eq!(&returned, &after, "the returned order is what was stored");
                        prop_assert_eq!(after.state, to, "the order is in the target state");
                        prop_assert_eq!(after.version, before.version + 1, "every commit moves the version on");
                        prop_assert_eq!(events_after, events_before + 1, "exactly one event per commit");
                    }
                    Err(_) => {
                        prop_assert_eq!(&after, &before, "a refused transition changes nothing");
                        prop_assert_eq!(events_after, events_before, "and appends no event");
                    }
                }
                prop_assert!((0..=after.amount).contains(&after.refunded_amount), "0 <= refunded <= amount always");
            }
        }
    }
}
