//! `posctl orders list|show|create`.

use pos_core::format::{kst_minute, pad_end, pad_start, won};
use pos_core::{NewOrder, Order, OrderQuery, PayMethod};

use crate::cli::Global;
use crate::context::open_store;
use crate::error::{emit, print_json, say, CliError};

fn line(order: &Order) -> String {
    format!(
        "{}  {}  {}  {}  {}  {}",
        pad_end(&order.merchant_uid, 34),
        kst_minute(order.created_at),
        pad_start(&won(order.amount), 10),
        pad_end(order.pay_method.label_ko(), 8),
        pad_end(order.state.label_ko(), 11),
        order.plan_id,
    )
}

pub fn list(global: &Global, query: &OrderQuery) -> Result<(), CliError> {
    let store = open_store(global)?;
    let page = store.list_orders(query)?;
    if global.json {
        return print_json(&page);
    }
    let mut out = String::new();
    if page.items.is_empty() {
        say!(out, "주문이 없습니다.");
        return emit(&out);
    }
    for order in &page.items {
        say!(out, "{}", line(order));
    }
    say!(out, "전체 {}건 중 {}건", page.total, page.items.len());
    emit(&out)
}

pub fn show(global: &Global, merchant_uid: &str) -> Result<(), CliError> {
    let store = open_store(global)?;
    let order = store.order(merchant_uid)?;
    let events = store.order_events(merchant_uid)?;
    if global.json {
        return print_json(&serde_json::json!({ "order": order, "events": events }));
    }
    let mut out = String::new();
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    say!(out, "주문번호   {}", order.merchant_uid);
    say!(
        out,
        "상태       {} ({})",
        order.state.label_ko(),
        order.state.as_str()
    );
    say!(out, "요금제     {}", order.plan_id);
    say!(out, "금액       {}", won(order.amount));
    if order.refunded_amount > 0 {
        say!(out, "환불       {}", won(order.refunded_amount));
    }
    if let Some(received) = order.mismatch_received {
        let done = if order.mismatch_settled() {
            " (모두 돌려줌 · 처리 완료)"
        } else {
            ""
        };
        say!(
            out,
            "잘못 결제  {} 받음 · {} 돌려줌{done}",
            won(received),
            won(order.mismatch_returned)
        );
    }
    say!(out, "결제수단   {}", order.pay_method.label_ko());
    say!(
        out,
        "구매자     {} / {} / {}",
        opt(&order.buyer_name),
        opt(&order.buyer_tel),
        opt(&order.buyer_email)
    );
    say!(out, "imp_uid    {}", opt(&order.imp_uid));
    if order.vbank_num.is_some() {
        say!(
            out,
            "가상계좌   {} {} ({}) 입금기한 {}",
            opt(&order.vbank_bank),
            opt(&order.vbank_num),
            opt(&order.vbank_holder),
            order
                .vbank_due
                .map(kst_minute)
                .unwrap_or_else(|| "-".into())
        );
    }
    if let Some(reason) = &order.fail_reason {
        say!(out, "실패 사유  {reason}");
    }
    say!(out, "생성       {}", kst_minute(order.created_at));
    if let Some(paid_at) = order.paid_at {
        say!(out, "결제       {}", kst_minute(paid_at));
    }
    say!(out, "기록");
    for event in events {
        let from = event.from_state.map(|s| s.as_str()).unwrap_or("-");
        say!(
            out,
            "  {}  {} -> {}  ({})",
            kst_minute(event.at),
            from,
            event.to_state.as_str(),
            event.cause
        );
    }
    emit(&out)
}

pub fn create(
    global: &Global,
    plan: &str,
    pay_method: PayMethod,
    count: u32,
) -> Result<(), CliError> {
    let store = open_store(global)?;
    let new = NewOrder {
        plan_id: plan.to_string(),
        pay_method,
        buyer_name: None,
        buyer_tel: None,
        buyer_email: None,
    };
    let mut created = Vec::new();
    for _ in 0..count {
        created.push(store.create_order(&new)?);
    }
    if global.json {
        return print_json(&created);
    }
    let mut out = String::new();
    for order in created {
        say!(out, "{}", order.merchant_uid);
    }
    emit(&out)
}
