use pos_core::{ErrorCode, PlanKind, StoreError};

#[test]
fn the_catalog_is_seeded_with_panmusics_three_plans() {
    let store = super::store();
    let plans = store.plans().unwrap_or_default();
    let summary: Vec<(&str, PlanKind, &str, i64, u32)> = plans
        .iter()
        .map(|p| (p.id.as_str(), p.kind, p.name_ko.as_str(), p.price, p.months))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("pass_1m", PlanKind::Pass, "1개월 이용권", 9_900, 1),
            ("pass_3m", PlanKind::Pass, "3개월 이용권", 27_000, 3),
            (
                "sub_monthly",
                PlanKind::Subscription,
                "월 정기결제",
                9_900,
                1
            ),
        ],
        "the three launch plans, in display order, with their prices in won"
    );
}

#[test]
fn an_unknown_plan_is_not_found() {
    let store = super::store();
    let err = store.plan("pass_99m").err();
    assert!(
        matches!(err, Some(StoreError::UnknownPlan { .. })),
        "got {err:?}"
    );
    assert_eq!(
        err.map(|e| e.code()),
        Some(ErrorCode::NotFound),
        "the UI sees not_found"
    );
}

#[test]
fn a_price_change_applies_to_new_orders_only() {
    let store = super::store();
    let before = super::card_order(&store, "pass_1m");
    let plan = store.set_plan_price("pass_1m", 11_000);
    assert_eq!(
        plan.map(|p| p.price).ok(),
        Some(11_000),
        "the catalog has the new price"
    );
    let after = super::card_order(&store, "pass_1m");
    assert_eq!(after.amount, 11_000, "a new order takes the new price");
    assert_eq!(
        store.order(&before.merchant_uid).map(|o| o.amount).ok(),
        Some(9_900),
        "an existing order keeps the amount fixed at its creation"
    );
}

#[test]
fn a_price_of_zero_or_less_is_refused() {
    let store = super::store();
    for price in [0, -9_900] {
        let err = store.set_plan_price("pass_1m", price).err();
        assert!(
            matches!(err, Some(StoreError::InvalidPrice { .. })),
            "price {price} is refused, got {err:?}"
        );
    }
    assert_eq!(
        store.plan("pass_1m").map(|p| p.price).ok(),
        Some(9_900),
        "the price is unchanged"
    );
}
