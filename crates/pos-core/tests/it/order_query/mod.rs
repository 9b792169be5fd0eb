mod filters;
mod scale;
mod search;

use pos_core::{OrderQuery, PayMethod, Store};

fn seeded() -> (Store, Vec<String>) {
    let store = super::store();
    let mut uids = Vec::new();
    for (plan, method, name) in [
        ("pass_1m", PayMethod::Card, "김철수"),
        ("pass_3m", PayMethod::Vbank, "이영희"),
        ("pass_1m", PayMethod::Phone, "김영수"),
        ("pass_1m", PayMethod::Card, "박민수"),
    ] {
        let order = store
            .create_order(&pos_core::NewOrder {
                plan_id: plan.into(),
                pay_method: method,
                buyer_name: Some(name.into()),
                buyer_tel: Some("010-5555-0000".into()),
                buyer_email: None,
            })
            .unwrap_or_else(|e| panic!("create: {e}"));
        uids.push(order.merchant_uid);
    }
    (store, uids)
}

fn uids(store: &Store, q: &OrderQuery) -> (i64, Vec<String>) {
    let page = store.list_orders(q).unwrap_or_else(|e| panic!("list: {e}"));
    (
        page.total,
        page.items.into_iter().map(|o| o.merchant_uid).collect(),
    )
}
