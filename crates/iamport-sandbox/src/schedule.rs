//! Scheduled charges (REFERENCE §5.3–5.5, §5.7): register, revoke, look up, move, retry, and
//! execute by the sandbox clock. An executed schedule becomes a payment with
//! `customer_uid_usage = "payment.scheduled"`; a failed one keeps `schedule_status: executed`
//! with `payment_status: failed`. A merchant_uid is never paid twice.

use axum::extract::{Path, State};
use serde::Deserialize;
use std::sync::Arc;

use crate::create::{NewPayment, Outcome};
use crate::envelope::{ok, ApiError, ApiResult};
use crate::form::{custom_data_string, Input, Num, OneOrMany};
use crate::model::{PaymentStatus, Schedule, ScheduleStatus};
use crate::state::{Shared, Store};
use crate::subscribe::{positive_amount, valid_merchant_uid, CustomerInfo};

/// One item of `schedules` (`ScheduleAnnotation`).
#[derive(Deserialize)]
pub struct ScheduleItem {
    merchant_uid: Option<String>,
    schedule_at: Option<Num>,
    amount: Option<Num>,
    currency: Option<String>,
    name: Option<String>,
    buyer_name: Option<String>,
    buyer_email: Option<String>,
    buyer_tel: Option<String>,
    buyer_addr: Option<String>,
    buyer_postcode: Option<String>,
    custom_data: Option<serde_json::Value>,
}

/// Body of `POST /subscribe/payments/schedule`.
#[derive(Deserialize)]
pub struct ScheduleBody {
    customer_uid: Option<String>,
    #[serde(default)]
    schedules: Vec<ScheduleItem>,
    card_number: Option<String>,
    expiry: Option<String>,
    customer_name: Option<String>,
    customer_tel: Option<String>,
    customer_email: Option<String>,
    customer_addr: Option<String>,
    customer_postcode: Option<String>,
    customer_id: Option<String>,
    pg: Option<String>,
}

impl ScheduleBody {
    fn info(&self) -> CustomerInfo {
        CustomerInfo {
            customer_name: self.customer_name.clone(),
            customer_tel: self.customer_tel.clone(),
            customer_email: self.customer_email.clone(),
            customer_addr: self.customer_addr.clone(),
            customer_postcode: self.customer_postcode.clone(),
            customer_id: self.customer_id.clone(),
            pg: self.pg.clone(),
        }
    }
}

impl Store {
    /// True when a live (scheduled, or executed and paid) schedule uses this merchant_uid.
    fn merchant_uid_scheduled(&self, merchant_uid: &str) -> bool {
        self.schedules.get(merchant_uid).is_some_and(|s| {
            s.schedule_status == ScheduleStatus::Scheduled
                || s.payment_status == Some(PaymentStatus::Paid)
        })
    }

    /// Executes one schedule now (due, or a retry) and returns the payment's index.
    pub fn execute_schedule(&mut self, merchant_uid: &str) -> Option<usize> {
        let s = self.schedules.get(merchant_uid)?.clone();
        let new = NewPayment {
            merchant_uid: s.merchant_uid.clone(),
            amount: s.amount,
            name: s.name.clone(),
            currency: Some(s.currency.clone()),
            buyer_name: s.buyer_name.clone(),
            buyer_email: s.buyer_email.clone(),
            buyer_tel: s.buyer_tel.clone(),
            buyer_addr: s.buyer_addr.clone(),
            buyer_postcode: s.buyer_postcode.clone(),
            custom_data: s.custom_data.clone(),
            customer_uid: Some(s.customer_uid.clone()),
            ..NewPayment::default()
        };
        let i = if self.merchant_uid_paid(&s.merchant_uid) {
            let mut new = new;
            new.customer_uid_usage = Some("payment.scheduled");
            new.channel = "api";
            let reason = ApiError::DuplicateMerchantUid(s.merchant_uid.clone()).to_string();
            self.create_payment(new, Outcome::Failed(reason))
        } else {
            self.charge_with_key(new, "payment.scheduled")
        };
        let now = self.now();
        let p = self.at(i).clone();
        if let Some(s) = self.schedules.get_mut(merchant_uid) {
            s.schedule_status = ScheduleStatus::Executed;
            s.executed_at = now;
            s.imp_uid = Some(p.imp_uid);
            s.payment_status = Some(p.status);
            s.fail_reason = p.fail_reason;
            s.pg_provider = p.pg_provider;
            s.pg_id = p.pg_id;
        }
        Some(i)
    }

    /// Executes every schedule whose time has come; returns how many ran.
    pub fn run_due_schedules(&mut self) -> usize {
        let now = self.now();
        let mut due: Vec<(i64, String)> = self
            .schedules
            .values()
            .filter(|s| s.schedule_status == ScheduleStatus::Scheduled && s.schedule_at <= now)
            .map(|s| (s.schedule_at, s.merchant_uid.clone()))
            .collect();
        due.sort();
        for (_, m) in &due {
            self.execute_schedule(m);
        }
        due.len()
    }
}

/// `POST /subscribe/payments/schedule`: all items are registered, or none.
pub async fn schedule(
    State(shared): State<Arc<Shared>>,
    Input(body): Input<ScheduleBody>,
) -> ApiResult {
    let customer_uid = body
        .customer_uid
        .clone()
        .filter(|c| !c.is_empty())
        .ok_or(ApiError::InvalidParam("customer_uid"))?;
    if body.schedules.is_empty() {
        return Err(ApiError::InvalidParam("schedules"));
    }
    let mut store = shared.store.lock();
    let now = store.now();
    if !store.customers.contains_key(&customer_uid) {
        match (&body.card_number, &body.expiry) {
            (Some(card), Some(_)) if card.chars().filter(char::is_ascii_digit).count() >= 12 => {
                let decline = card.ends_with("0002");
                store.issue_customer(&customer_uid, body.info(), Some(card), decline);
            }
            _ => return Err(ApiError::NoCustomerInfo),
        }
    }
    let Some(customer) = store
        .customers
        .get(&customer_uid)
        .map(|c| c.customer.clone())
    else {
        return Err(ApiError::NoCustomerInfo);
    };
    let mut fresh: Vec<Schedule> = Vec::with_capacity(body.schedules.len());
    for item in body.schedules {
        let merchant_uid = valid_merchant_uid(item.merchant_uid)?;
        let schedule_at = item
            .schedule_at
            .ok_or(ApiError::InvalidParam("schedules[].schedule_at"))?
            .0;
        let amount = positive_amount(item.amount)?;
        if schedule_at <= now {
            return Err(ApiError::ScheduleInPast);
        }
        let duplicate = store.merchant_uid_paid(&merchant_uid)
            || store.merchant_uid_scheduled(&merchant_uid)
            || fresh.iter().any(|s| s.merchant_uid == merchant_uid);
        if duplicate {
            return Err(ApiError::DuplicateMerchantUid(merchant_uid));
        }
        fresh.push(Schedule {
            amount,
            buyer_addr: item.buyer_addr.or_else(|| customer.customer_addr.clone()),
            buyer_email: item.buyer_email.or_else(|| customer.customer_email.clone()),
            buyer_name: item.buyer_name.or_else(|| customer.customer_name.clone()),
            buyer_postcode: item
                .buyer_postcode
                .or_else(|| customer.customer_postcode.clone()),
            buyer_tel: item.buyer_tel.or_else(|| customer.customer_tel.clone()),
            currency: item.currency.unwrap_or_else(|| "KRW".to_owned()),
            custom_data: custom_data_string(item.custom_data),
            customer_id: customer.customer_id.clone(),
            customer_uid: customer_uid.clone(),
            executed_at: 0,
            fail_reason: None,
            imp_uid: None,
            merchant_uid,
            name: item.name,
            payment_status: None,
            pg_id: customer.pg_id.clone(),
            pg_provider: customer.pg_provider.clone(),
            promotion_id: None,
            revoked_at: 0,
            schedule_at,
            schedule_status: ScheduleStatus::Scheduled,
        });
    }
    for s in &fresh {
        store.schedules.insert(s.merchant_uid.clone(), s.clone());
    }
    drop(store);
    shared.mark_dirty();
    Ok(ok(fresh))
}

/// Body of `POST /subscribe/payments/unschedule`.
#[derive(Deserialize)]
pub struct UnscheduleBody {
    customer_uid: Option<String>,
    #[serde(default)]
    merchant_uid: OneOrMany,
}

/// `POST /subscribe/payments/unschedule`: revokes the listed (or, without a list, all) waiting
/// schedules; nothing to revoke is `code 1`.
pub async fn unschedule(
    State(shared): State<Arc<Shared>>,
    Input(body): Input<UnscheduleBody>,
) -> ApiResult {
    let customer = body.customer_uid.filter(|c| !c.is_empty());
    let listed = body.merchant_uid.0;
    if customer.is_none() && listed.is_empty() {
        return Err(ApiError::InvalidParam("customer_uid or merchant_uid"));
    }
    let mut store = shared.store.lock();
    let now = store.now();
    let mut revoked = Vec::new();
    for s in store.schedules.values_mut() {
        let wanted = customer.as_ref().is_none_or(|c| &s.customer_uid == c)
            && (listed.is_empty() || listed.contains(&s.merchant_uid));
        if wanted && s.schedule_status == ScheduleStatus::Scheduled {
            s.schedule_status = ScheduleStatus::Revoked;
            s.revoked_at = now;
            revoked.push(s.clone());
        }
    }
    drop(store);
    if revoked.is_empty() {
        return Err(ApiError::NothingToUnschedule);
    }
    shared.mark_dirty();
    Ok(ok(revoked))
}

/// `GET /subscribe/payments/schedule/{merchant_uid}`.
pub async fn get_schedule(State(shared): State<Arc<Shared>>, Path(m): Path<String>) -> ApiResult {
    let store = shared.store.lock();
    store
        .schedules
        .get(&m)
        .map(ok)
        .ok_or(ApiError::ScheduleNotFound)
}

/// Body with a new `schedule_at`.
#[derive(Deserialize)]
pub struct ScheduleAtBody {
    schedule_at: Option<Num>,
}

/// `PUT /subscribe/payments/schedule/{merchant_uid}`: moves a waiting schedule.
pub async fn update_schedule(
    State(shared): State<Arc<Shared>>,
    Path(m): Path<String>,
    Input(body): Input<ScheduleAtBody>,
) -> ApiResult {
    let at = body
        .schedule_at
        .ok_or(ApiError::InvalidParam("schedule_at"))?
        .0;
    let mut store = shared.store.lock();
    let now = store.now();
    let s = store
        .schedules
        .get_mut(&m)
        .ok_or(ApiError::ScheduleNotFound)?;
    if s.schedule_status != ScheduleStatus::Scheduled {
        return Err(ApiError::ScheduleNotWaiting);
    }
    if at <= now {
        return Err(ApiError::ScheduleTimeNotFuture);
    }
    s.schedule_at = at;
    let reply = ok(&*s);
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}

fn retryable(s: &Schedule) -> bool {
    s.schedule_status == ScheduleStatus::Revoked
        || (s.schedule_status == ScheduleStatus::Executed
            && s.payment_status == Some(PaymentStatus::Failed))
}

/// `POST /subscribe/payments/schedule/{merchant_uid}/reschedule`: a failed or revoked schedule
/// waits again for a new time.
pub async fn reschedule(
    State(shared): State<Arc<Shared>>,
    Path(m): Path<String>,
    Input(body): Input<ScheduleAtBody>,
) -> ApiResult {
    let at = body
        .schedule_at
        .ok_or(ApiError::InvalidParam("schedule_at"))?
        .0;
    let mut store = shared.store.lock();
    let now = store.now();
    let paid = store.merchant_uid_paid(&m);
    let s = store
        .schedules
        .get_mut(&m)
        .ok_or(ApiError::ScheduleNotFound)?;
    if !retryable(s) || paid {
        return Err(ApiError::ScheduleNotRetryable);
    }
    if at <= now {
        return Err(ApiError::ScheduleTimeNotFuture);
    }
    s.schedule_at = at;
    s.schedule_status = ScheduleStatus::Scheduled;
    s.revoked_at = 0;
    s.executed_at = 0;
    s.payment_status = None;
    s.imp_uid = None;
    s.fail_reason = None;
    let reply = ok(&*s);
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}

/// `POST /subscribe/payments/schedule/{merchant_uid}/retry`: charges a failed or revoked
/// schedule now and returns the payment (check its `status`).
pub async fn retry(State(shared): State<Arc<Shared>>, Path(m): Path<String>) -> ApiResult {
    let mut store = shared.store.lock();
    let s = store.schedules.get(&m).ok_or(ApiError::ScheduleNotFound)?;
    if !retryable(s) {
        return Err(ApiError::ScheduleNotRetryable);
    }
    let i = store
        .execute_schedule(&m)
        .ok_or(ApiError::ScheduleNotFound)?;
    let reply = ok(store.at(i));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}
