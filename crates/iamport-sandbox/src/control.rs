//! The control API under `/__sandbox/*`: what a buyer, a bank or a person at the Iamport console
//! would do, plus the clock, fault injection, counters and reset. Never authenticated, never
//! counted in the stats, never faulted.

use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

use crate::cancel::CancelOrder;
use crate::create::{mark_paid, NewPayment, Outcome, DECLINE_REASON};
use crate::envelope::{ok, ApiError, ApiResult};
use crate::faults::{FaultPlan, FaultSpec, Stats};
use crate::form::{custom_data_string, Flag, Input, Num};
use crate::model::PaymentStatus;
use crate::state::{Shared, Store};
use crate::subscribe::{positive_amount, valid_merchant_uid, CustomerInfo};

/// Body of `POST /__sandbox/payments`.
#[derive(Deserialize)]
pub struct SandboxPayment {
    merchant_uid: Option<String>,
    amount: Option<Num>,
    name: Option<String>,
    pay_method: Option<String>,
    outcome: Option<String>,
    customer_uid: Option<String>,
    buyer_name: Option<String>,
    buyer_email: Option<String>,
    buyer_tel: Option<String>,
    custom_data: Option<serde_json::Value>,
    /// Marks the payment as made on a test channel (hidden without `include_sandbox=true`).
    sandbox: Option<Flag>,
}

/// `POST /__sandbox/payments`: a payment as if a buyer had finished the window.
/// `outcome` is `paid` (default), `failed` or `ready` (a vbank: `ready` with an issued account).
pub async fn create_payment(
    State(shared): State<Arc<Shared>>,
    Input(body): Input<SandboxPayment>,
) -> ApiResult {
    let merchant_uid = valid_merchant_uid(body.merchant_uid)?;
    let amount = positive_amount(body.amount)?;
    let pay_method = body.pay_method.unwrap_or_else(|| "card".to_owned());
    if !matches!(pay_method.as_str(), "card" | "vbank" | "phone" | "trans") {
        return Err(ApiError::InvalidParam(
            "pay_method (card|vbank|phone|trans)",
        ));
    }
    let outcome = match body.outcome.as_deref().unwrap_or("paid") {
        "paid" => Outcome::Paid,
        "failed" => Outcome::Failed(DECLINE_REASON.to_owned()),
        "ready" if pay_method == "vbank" => Outcome::VbankIssued { due: None },
        "ready" => Outcome::Ready,
        _ => return Err(ApiError::InvalidParam("outcome (paid|failed|ready)")),
    };
    let mut store = shared.store.lock();
    if store.merchant_uid_paid(&merchant_uid) && outcome == Outcome::Paid {
        return Err(ApiError::DuplicateMerchantUid(merchant_uid));
    }
    let usage = body.customer_uid.as_ref().map(|_| "issue");
    if let Some(uid) = &body.customer_uid {
        if outcome == Outcome::Paid {
            store.issue_customer(uid, CustomerInfo::default(), None, false);
        }
    }
    let new = NewPayment {
        merchant_uid,
        amount,
        name: body.name,
        pay_method: Some(pay_method),
        buyer_name: body.buyer_name,
        buyer_email: body.buyer_email,
        buyer_tel: body.buyer_tel,
        custom_data: custom_data_string(body.custom_data),
        customer_uid: body.customer_uid,
        customer_uid_usage: usage,
        channel: "pc",
        sandbox: body.sandbox.is_some_and(|f| f.0),
        ..NewPayment::default()
    };
    let i = store.create_payment(new, outcome);
    let reply = ok(store.at(i));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}

impl Store {
    /// A virtual-account deposit arrives: `ready` vbank to `paid`.
    pub fn deposit(&mut self, imp_uid: &str) -> Result<usize, ApiError> {
        let i = self.index_of(imp_uid).ok_or(ApiError::PaymentNotFound)?;
        let p = self.at(i);
        if p.pay_method != "vbank" || p.status != PaymentStatus::Ready || p.vbank_issued_at == 0 {
            return Err(ApiError::InvalidParam(
                "not a virtual account waiting for a deposit",
            ));
        }
        if self.now() > p.vbank_date {
            return Err(ApiError::VbankExpired);
        }
        if self.merchant_uid_paid(&p.merchant_uid.clone()) {
            return Err(ApiError::DuplicateMerchantUid(p.merchant_uid.clone()));
        }
        self.update_payment(i, |p, now| {
            mark_paid(p, now);
            p.deposit_history.push(json!({
                "pg_tid": p.pg_tid.clone().unwrap_or_default(),
                "amount": p.amount,
                "depositor_name": p.buyer_name.clone().unwrap_or_else(|| "홍길동".to_owned()),
                "deposited_at": now,
            }));
        });
        Ok(i)
    }
}

/// `POST /__sandbox/payments/{imp_uid}/deposit`.
pub async fn deposit(State(shared): State<Arc<Shared>>, Path(imp_uid): Path<String>) -> ApiResult {
    let mut store = shared.store.lock();
    let i = store.deposit(&imp_uid)?;
    let reply = ok(store.at(i));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}

/// Body of `POST /__sandbox/payments/{imp_uid}/cancel`.
#[derive(Deserialize, Default)]
pub struct ConsoleCancel {
    amount: Option<Num>,
    reason: Option<String>,
}

/// `POST /__sandbox/payments/{imp_uid}/cancel`: a cancel made in the Iamport console (no refund
/// account needed, no checksum).
pub async fn console_cancel(
    State(shared): State<Arc<Shared>>,
    Path(imp_uid): Path<String>,
    Input(body): Input<ConsoleCancel>,
) -> ApiResult {
    let mut store = shared.store.lock();
    let i = store.index_of(&imp_uid).ok_or(ApiError::PaymentNotFound)?;
    store.cancel_payment(
        i,
        CancelOrder {
            amount: body.amount.map(|n| n.0),
            checksum: None,
            reason: body.reason.or_else(|| Some("관리자 콘솔 취소".to_owned())),
            refund_account_given: false,
            from_console: true,
        },
    )?;
    let reply = ok(store.at(i));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}

/// Body of `POST /__sandbox/customers/{customer_uid}`.
#[derive(Deserialize, Default)]
pub struct SandboxCustomer {
    decline: Option<Flag>,
}

/// `POST /__sandbox/customers/{customer_uid}`: creates a billing key, or sets whether an
/// existing one declines from now on.
pub async fn customer(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    Input(body): Input<SandboxCustomer>,
) -> ApiResult {
    if uid.is_empty() || uid.chars().count() > 80 {
        return Err(ApiError::InvalidParam("customer_uid (1..80 characters)"));
    }
    let decline = body.decline.is_some_and(|f| f.0);
    let mut store = shared.store.lock();
    let reply = match store.customers.get_mut(&uid) {
        Some(c) => {
            c.decline = decline;
            ok(&c.customer)
        }
        None => ok(store.issue_customer(&uid, CustomerInfo::default(), None, decline)),
    };
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}

/// Body of `POST /__sandbox/clock`.
#[derive(Deserialize)]
pub struct ClockBody {
    advance: Option<Num>,
}

/// `POST /__sandbox/clock {advance: seconds}`: moves the clock forward, runs due schedules and
/// returns `{now, executed}`.
pub async fn clock(State(shared): State<Arc<Shared>>, Input(body): Input<ClockBody>) -> ApiResult {
    let advance = body.advance.map_or(0, |n| n.0);
    if !(0..=10 * 365 * crate::clock::DAY).contains(&advance) {
        return Err(ApiError::InvalidParam(
            "advance (0 to ten years of seconds)",
        ));
    }
    let mut store = shared.store.lock();
    store.clock_offset = store.clock_offset.saturating_add(advance);
    let executed = store.run_due_schedules();
    store.run_due_test_cancels();
    let now = store.now();
    drop(store);
    shared.mark_dirty();
    Ok(ok(json!({"now": now, "executed": executed})))
}

/// `POST /__sandbox/faults`: replaces the fault plan; `{}` turns faults off.
pub async fn faults(State(shared): State<Arc<Shared>>, Input(spec): Input<FaultSpec>) -> ApiResult {
    let plan = FaultPlan::from_spec(&spec)?;
    *shared.faults.lock() = plan;
    Ok(ok(json!({
        "error_rate": spec.error_rate.unwrap_or(0.0),
        "timeout_rate": spec.timeout_rate.unwrap_or(0.0),
        "drop_rate": spec.drop_rate.unwrap_or(0.0),
        "latency_ms": spec.latency_ms.unwrap_or(0),
        "seed": spec.seed.unwrap_or(0),
    })))
}

/// `GET /__sandbox/stats`.
pub async fn stats(State(shared): State<Arc<Shared>>) -> ApiResult {
    let stats = shared.stats.lock().clone();
    Ok(ok(stats))
}

/// `POST /__sandbox/reset`: empty state, counters and faults (the clock offset too).
pub async fn reset(State(shared): State<Arc<Shared>>) -> ApiResult {
    *shared.store.lock() = Store::default();
    *shared.stats.lock() = Stats::default();
    *shared.faults.lock() = FaultPlan::default();
    shared.mark_dirty();
    Ok(ok(json!({"reset": true})))
}
