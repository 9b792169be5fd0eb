use pos_core::{ErrorCode, NewOrder, OrderKind, OrderState, PayMethod, StoreError};

fn new_order(plan_id: &str, pay_method: PayMethod) -> NewOrder {
    NewOrder {
        plan_id: plan_id.to_string(),
        pay_method,
        buyer_name: Some("  김판뮤  ".to_string()),
        buyer_tel: Some("010-1234-5678".to_string()),
        buyer_email: Some("owner@example.com".to_string()),
    }
}

#[test]
fn a_new_order_takes_its_amount_from_the_catalog_and_starts_created() {
    let store = super::store();
    let order = store
        .create_order(&new_order("pass_3m", PayMethod::Vbank))
        .unwrap_or_else(|e| panic!("create: {e}"));
    assert_eq!(order.amount, 27_000, "the amount is the catalog price");
    assert_eq!(order.currency, "KRW", "orders are in won");
    assert_eq!(order.state, OrderState::Created, "a new order is created");
    assert_eq!(order.kind, OrderKind::OneTime, "a pass is a one-time order");
    assert!(
        order.merchant_uid.starts_with("order_"),
        "one-time orders use the order_ prefix: {}",
        order.merchant_uid
    );
    assert_eq!(
        order.buyer_name.as_deref(),
        Some("김판뮤"),
        "buyer name is trimmed"
    );
    assert_eq!(order.refunded_amount, 0, "nothing refunded yet");
}

#[test]
fn a_new_order_is_readable_and_has_a_created_event() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    assert_eq!(
        store.order(&order.merchant_uid).ok(),
        Some(order.clone()),
        "the order reads back as created"
    );
    let events = store.order_events(&order.merchant_uid).unwrap_or_default();
    assert_eq!(events.len(), 1, "exactly one event after creation");
    assert_eq!(
        (
            events[0].from_state,
            events[0].to_state,
            events[0].cause.as_str()
        ),
        (None, OrderState::Created, "created"),
        "the creation event goes from nothing to created"
    );
    assert_eq!(
        events[0].detail["amount"], 9_900,
        "the event records the amount"
    );
}

#[test]
fn a_subscription_order_is_a_billing_order() {
    let store = super::store();
    let order = super::card_order(&store, "sub_monthly");
    assert_eq!(
        order.kind,
        OrderKind::Billing,
        "a subscription starts a billing order"
    );
    assert!(
        order.merchant_uid.starts_with("billing_"),
        "billing prefix: {}",
        order.merchant_uid
    );
}

#[test]
fn a_subscription_cannot_be_paid_by_virtual_account() {
    let store = super::store();
    let err = store
        .create_order(&new_order("sub_monthly", PayMethod::Vbank))
        .err();
    assert!(
        matches!(err, Some(StoreError::PayMethodNotAllowed { .. })),
        "got {err:?}"
    );
    assert_eq!(
        store.list_orders(&Default::default()).map(|p| p.total).ok(),
        Some(0),
        "nothing was written"
    );
}

#[test]
fn an_unknown_plan_creates_nothing() {
    let store = super::store();
    let err = store
        .create_order(&new_order("pass_free", PayMethod::Card))
        .err();
    assert!(
        matches!(err, Some(StoreError::UnknownPlan { .. })),
        "got {err:?}"
    );
    assert_eq!(
        store.list_orders(&Default::default()).map(|p| p.total).ok(),
        Some(0),
        "nothing was written"
    );
}

#[test]
fn malformed_buyer_fields_are_refused_with_the_field_named() {
    let store = super::store();
    let cases = [
        (Some("x".repeat(51)), None, None, "이름"),
        (None, Some("call me maybe".to_string()), None, "전화번호"),
        (None, Some("12".to_string()), None, "전화번호"),
        (None, Some("+1 415 555 0100".to_string()), None, "전화번호"),
        (None, Some("010-123-45".to_string()), None, "전화번호"),
        (None, None, Some("not-an-email".to_string()), "이메일"),
    ];
    for (name, tel, email, field) in cases {
        let new = NewOrder {
            buyer_name: name,
            buyer_tel: tel,
            buyer_email: email,
            ..new_order("pass_1m", PayMethod::Card)
        };
        let err = store.create_order(&new).err();
        assert!(
            matches!(&err, Some(StoreError::InvalidBuyer { field: f, .. }) if *f == field),
            "a bad {field} is refused, got {err:?}"
        );
        assert_eq!(
            err.map(|e| e.code()),
            Some(ErrorCode::Validation),
            "bad input is a validation error"
        );
    }
    assert_eq!(
        store.list_orders(&Default::default()).map(|p| p.total).ok(),
        Some(0),
        "nothing was written"
    );
}

#[test]
fn blank_buyer_fields_are_stored_as_absent() {
    let store = super::store();
    let new = NewOrder {
        buyer_name: Some("   ".into()),
        buyer_tel: Some(String::new()),
        buyer_email: None,
        ..new_order("pass_1m", PayMethod::Phone)
    };
    let order = store
        .create_order(&new)
        .unwrap_or_else(|e| panic!("create: {e}"));
    assert_eq!(
        (order.buyer_name, order.buyer_tel),
        (None, None),
        "blanks become absent"
    );
}

#[test]
fn an_unknown_merchant_uid_is_not_found() {
    let store = super::store();
    let err = store.order("order_nope").err();
    assert!(
        matches!(err, Some(StoreError::OrderNotFound { .. })),
        "got {err:?}"
    );
    let err = store.order_events("order_nope").err();
    assert!(
        matches!(err, Some(StoreError::OrderNotFound { .. })),
        "events of an unknown order: {err:?}"
    );
}

#[test]
fn the_audit_trail_cannot_be_rewritten() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = pos_core::Store::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let order = super::card_order(&store, "pass_1m");
    let conn = rusqlite::Connection::open(dir.path().join(pos_core::store::DB_FILE))
        .unwrap_or_else(|e| panic!("raw open: {e}"));
    let update = conn.execute("UPDATE order_events SET cause = 'forged'", []);
    let delete = conn.execute("DELETE FROM order_events", []);
    assert!(update.is_err(), "UPDATE of order_events is refused");
    assert!(delete.is_err(), "DELETE of order_events is refused");
    assert_eq!(
        store
            .order_events(&order.merchant_uid)
            .map(|e| e.len())
            .ok(),
        Some(1),
        "the event is intact"
    );
}

#[test]
fn an_order_serialises_in_camel_case_with_times_in_milliseconds() {
    let store = super::store();
    let order = super::card_order(&store, "pass_1m");
    let json = serde_json::to_value(&order).unwrap_or_default();
    assert_eq!(
        json["merchantUid"],
        order.merchant_uid.as_str(),
        "camelCase keys"
    );
    assert_eq!(json["state"], "created", "snake_case state");
    assert_eq!(json["payMethod"], "card", "snake_case pay method");
    assert_eq!(
        json["createdAt"],
        order.created_at.timestamp_millis(),
        "times are ms since the epoch"
    );
    assert!(json["paidAt"].is_null(), "absent times are null");
}
