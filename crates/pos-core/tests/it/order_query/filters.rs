//! Order history pages: newest first, totals, the pay method and state filters, and page bounds.

use super::{seeded, uids};
use pos_core::{OrderQuery, OrderState, PayMethod, StoreError};

#[test]
fn orders_are_listed_newest_first() {
    let (store, created) = seeded();
    let (total, listed) = uids(&store, &OrderQuery::default());
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!((total, listed), (4, newest_first), "all four, newest first");
}

#[test]
fn a_page_has_the_total_of_all_matches() {
    let (store, created) = seeded();
    let (total, listed) = uids(
        &store,
        &OrderQuery {
            limit: 2,
            offset: 1,
            ..Default::default()
        },
    );
    assert_eq!(total, 4, "total counts every match, not the page");
    assert_eq!(
        listed,
        vec![created[2].clone(), created[1].clone()],
        "the second and third newest"
    );
}

#[test]
fn the_pay_method_filter_keeps_only_that_method() {
    let (store, created) = seeded();
    let (total, listed) = uids(
        &store,
        &OrderQuery {
            pay_method: Some(PayMethod::Card),
            ..Default::default()
        },
    );
    assert_eq!(
        (total, listed),
        (2, vec![created[3].clone(), created[0].clone()]),
        "the two card orders"
    );
}

#[test]
fn the_state_filter_keeps_only_that_state() {
    let (store, _) = seeded();
    let (total, _) = uids(
        &store,
        &OrderQuery {
            state: Some(OrderState::Paid),
            ..Default::default()
        },
    );
    assert_eq!(total, 0, "no order is paid yet");
    let (total, _) = uids(
        &store,
        &OrderQuery {
            state: Some(OrderState::Created),
            ..Default::default()
        },
    );
    assert_eq!(total, 4, "all are created");
}

#[test]
fn a_limit_of_zero_or_above_the_maximum_is_refused() {
    let (store, _) = seeded();
    for limit in [0, pos_core::store::MAX_PAGE_LIMIT + 1, u32::MAX] {
        let err = store
            .list_orders(&OrderQuery {
                limit,
                ..Default::default()
            })
            .err();
        assert!(
            matches!(err, Some(StoreError::LimitOutOfRange { .. })),
            "limit {limit} is refused, got {err:?}"
        );
    }
}

#[test]
fn an_offset_past_the_end_gives_an_empty_page_with_the_total() {
    let (store, _) = seeded();
    let (total, listed) = uids(
        &store,
        &OrderQuery {
            offset: 1000,
            ..Default::default()
        },
    );
    assert_eq!((total, listed.len()), (4, 0), "empty page, true total");
}

#[test]
fn a_query_from_json_defaults_missing_fields() {
    let q: OrderQuery = serde_json::from_str(r#"{"state":"paid"}"#).unwrap_or_default();
    assert_eq!(q.state, Some(OrderState::Paid), "state is read");
    assert_eq!(
        (q.limit, q.offset),
        (50, 0),
        "limit 50 and offset 0 by default"
    );
}
