//! Order history search: by order number, buyer name and phone, card digits, taken literally.

use super::{seeded, uids};
use pos_core::{OrderQuery, OrderState};

#[test]
fn search_matches_a_merchant_uid_prefix() {
    let (store, created) = seeded();
    let prefix = &created[1][..created[1].len() - 3];
    let (_, listed) = uids(
        &store,
        &OrderQuery {
            search: Some(prefix.to_string()),
            ..Default::default()
        },
    );
    assert!(
        listed.contains(&created[1]),
        "the order whose id starts with the prefix is found"
    );
    let (total, _) = uids(
        &store,
        &OrderQuery {
            search: Some(created[1].clone()),
            ..Default::default()
        },
    );
    assert_eq!(total, 1, "a full merchant_uid finds exactly one order");
}

#[test]
fn search_matches_a_buyer_name_prefix() {
    let (store, created) = seeded();
    let (total, listed) = uids(
        &store,
        &OrderQuery {
            search: Some("김".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        (total, listed),
        (2, vec![created[2].clone(), created[0].clone()]),
        "both 김 buyers, newest first"
    );
}

#[test]
fn search_matches_a_buyer_phone_prefix() {
    let (store, _) = seeded();
    let (total, _) = uids(
        &store,
        &OrderQuery {
            search: Some("010-5555".into()),
            ..Default::default()
        },
    );
    assert_eq!(total, 4, "every order has that phone prefix");
}

#[test]
fn search_finds_an_order_by_a_part_from_the_middle_of_its_number() {
    let (store, created) = seeded();
    let uid = &created[2];
    let middle = &uid[uid.len() / 2 - 3..uid.len() / 2 + 4];
    let (total, listed) = uids(
        &store,
        &OrderQuery {
            search: Some(middle.to_string()),
            ..Default::default()
        },
    );
    assert!(
        listed.contains(uid),
        "{middle:?} from the middle of {uid} finds it (got {total}: {listed:?})"
    );
    let (_, lower) = uids(
        &store,
        &OrderQuery {
            search: Some(middle.to_lowercase()),
            ..Default::default()
        },
    );
    assert!(
        lower.contains(uid),
        "the same part in lower case finds it too"
    );
}

#[test]
fn search_finds_a_buyer_by_the_end_of_the_name() {
    let (store, created) = seeded();
    let (total, listed) = uids(
        &store,
        &OrderQuery {
            search: Some("영수".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        (total, listed),
        (1, vec![created[2].clone()]),
        "two characters from the end of 김영수 find that order only"
    );
}

#[test]
fn search_finds_a_phone_number_typed_with_or_without_dashes() {
    let (store, _) = seeded();
    for typed in ["5555-0000", "55550000", "01055550000"] {
        let (total, _) = uids(
            &store,
            &OrderQuery {
                search: Some(typed.into()),
                ..Default::default()
            },
        );
        assert_eq!(total, 4, "{typed:?} finds every order with 010-5555-0000");
    }
}

#[test]
fn search_finds_a_paid_order_by_the_last_4_digits_of_its_card() {
    let (store, created) = seeded();
    let uid = &created[3];
    let seen = store.order(uid).unwrap_or_else(|e| panic!("read: {e}"));
    store
        .apply_transition(
            &seen,
            OrderState::Paid,
            "test_paid",
            &pos_core::store::OrderPatch {
                imp_uid: Some("imp_card_1".into()),
                card_number: Some("5594-10**-****-4321".into()),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("pay: {e}"));
    let (total, listed) = uids(
        &store,
        &OrderQuery {
            search: Some("4321".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        (total, listed),
        (1, vec![uid.clone()]),
        "the card's last 4 digits find the order paid with it"
    );
}

#[test]
fn search_text_that_looks_like_query_syntax_is_taken_literally() {
    let (store, _) = seeded();
    for typed in [
        "\"",
        "a\"b OR c",
        "NEAR(x y)",
        "*",
        "김*",
        "(",
        "-1",
        "^abc",
    ] {
        let page = store.list_orders(&OrderQuery {
            search: Some(typed.into()),
            ..Default::default()
        });
        assert!(
            matches!(&page, Ok(p) if p.total == 0),
            "{typed:?} is searched as text and finds nothing: {page:?}"
        );
    }
}
