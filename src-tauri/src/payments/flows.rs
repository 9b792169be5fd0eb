//! The flows behind the payment commands and the payment window: each takes the app, connects to
//! the Iamport of the mode in effect and calls pos-core. Every end of a payment window (its
//! callback and PG redirects arrive as one navigation) verifies through [`complete`] (pos-core's
//! `complete_payment`).

use pos_core::checkout::{
    self, AbandonOutcome, BankList, Buyer, CheckoutTicket, RefundAccount, RefundOutcome,
    RefundRequest, Verified,
};
use pos_core::store::JobFilter;
use pos_core::{OrderPage, OrderQuery, PayMethod};
use tauri::{AppHandle, Runtime};
use tauri_plugin_opener::OpenerExt;

use super::models::{JobView, OrderDetail};
use super::{Connection, PaymentsError, PaymentsExt};
use crate::paywindow::{self, policy::PayOrigins, request::PayRequest, Purpose};
use crate::settings_flow::run_blocking;
use crate::state::PosStateExt;

/// Most parked or waiting jobs the needs-attention list shows.
const JOB_LIST_LIMIT: u32 = 200;

/// A new one-time order for `plan_id` at the catalog price, its amount registered with Iamport
/// when reachable, and the payment window opened for it (the sync engine then watches it).
pub async fn start<R: Runtime>(
    app: &AppHandle<R>,
    plan_id: &str,
    pay_method: PayMethod,
    buyer: &Buyer,
) -> Result<CheckoutTicket, PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    let ticket = checkout::start_checkout(
        &c.store,
        Some(&c.client),
        &c.env,
        plan_id,
        pay_method,
        buyer,
    )
    .await?;
    open_window(app, &c, &ticket)?;
    Ok(ticket)
}

/// The same order paid again (same merchant_uid and amount) in a new payment window.
pub async fn retry<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: &str,
) -> Result<CheckoutTicket, PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    let ticket = checkout::retry_checkout(&c.store, Some(&c.client), &c.env, merchant_uid).await?;
    open_window(app, &c, &ticket)?;
    Ok(ticket)
}

/// 주문 취소: the order is given up and a virtual account revoked at Iamport (queued offline).
pub async fn abandon<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: &str,
) -> Result<AbandonOutcome, PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    Ok(checkout::abandon_now(&c.store, Some(&c.client), merchant_uid).await?)
}

/// Marks the window open (the sync engine watches the order from now) and opens it.
fn open_window<R: Runtime>(
    app: &AppHandle<R>,
    c: &Connection,
    ticket: &CheckoutTicket,
) -> Result<(), PaymentsError> {
    checkout::window_opened(&c.store, &ticket.merchant_uid)?;
    paywindow::open(
        app,
        &PayRequest::for_ticket(ticket),
        Purpose::Checkout {
            merchant_uid: ticket.merchant_uid.clone(),
        },
        PayOrigins::for_env(&c.env),
    )
}

/// The one verification path: fetches the payment from Iamport and reconciles the order.
pub async fn complete<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: &str,
    imp_uid: Option<&str>,
) -> Result<Verified, PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    Ok(checkout::complete_payment(&c.store, &c.client, merchant_uid, imp_uid).await?)
}

/// Refunds all or part of a paid order now; offline, the refund waits in the queue.
pub async fn refund<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: &str,
    request: &RefundRequest,
) -> Result<RefundOutcome, PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    Ok(checkout::refund_now(&c.store, Some(&c.client), merchant_uid, request).await?)
}

/// The banks a refund account takes (never fails: offline, the kept or built-in list).
pub async fn refund_banks<R: Runtime>(app: &AppHandle<R>) -> Result<BankList, PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    Ok(checkout::refund_banks(&c.store, Some(&c.client)).await)
}

/// The parked automatic cancel of mismatched virtual-account order `merchant_uid`, sent with
/// the buyer's refund account (queued when Iamport is unreachable).
pub async fn resume_mismatch_refund<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: &str,
    account: &RefundAccount,
) -> Result<RefundOutcome, PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    Ok(checkout::resume_mismatch_cancel(&c.store, Some(&c.client), merchant_uid, account).await?)
}

/// The order, its timeline, receipt and pending refund.
pub async fn order_detail<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: String,
) -> Result<OrderDetail, PaymentsError> {
    let store = app.pos().store()?;
    run_blocking(move || {
        Ok((
            store.order(&merchant_uid)?,
            store.order_events(&merchant_uid)?,
            store.jobs_of_order(&merchant_uid)?,
            store.cash_receipt(&merchant_uid)?,
        ))
    })
    .await
    .map(|(order, events, jobs, receipt)| OrderDetail::new(order, events, &jobs, receipt))
    .map_err(PaymentsError::from)
}

/// One page of the order history.
pub async fn list_orders<R: Runtime>(
    app: &AppHandle<R>,
    query: OrderQuery,
) -> Result<OrderPage, PaymentsError> {
    let store = app.pos().store()?;
    Ok(run_blocking(move || Ok(store.list_orders(&query)?)).await?)
}

/// The shop's 이용 기간 now. "Now" is Iamport's clock as the client knows it (learned from
/// every token reply the sync engine gets); this PC's clock until it is known or when no
/// connection is configured.
pub async fn entitlement<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<pos_core::entitlement::Entitlement, PaymentsError> {
    let store = app.pos().store()?;
    let now = match app.payments().connect(app.pos()).await {
        Ok(c) => pos_core::clock::IamportClock::new(&c.client).read().now,
        Err(_) => chrono::Utc::now(),
    };
    Ok(run_blocking(move || Ok(store.entitlement(now)?)).await?)
}

/// What the printed receipt of `merchant_uid` says (store details from 설정).
pub async fn receipt<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: String,
) -> Result<pos_core::receipt::Receipt, PaymentsError> {
    let store = app.pos().store()?;
    let settings = app.pos().settings().settings;
    Ok(run_blocking(move || {
        Ok(pos_core::receipt::receipt(
            &store,
            &settings,
            &merchant_uid,
        )?)
    })
    .await?)
}

/// Opens the order's receipt (an `https://` page, never another scheme) in the system browser.
pub async fn open_receipt<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: String,
) -> Result<(), PaymentsError> {
    let detail = order_detail(app, merchant_uid).await?;
    // Only an https:// page is handed to the system browser, whatever Iamport replied.
    let url = detail
        .receipt_url
        .filter(|url| pos_core::checkout::is_https_url(url))
        .ok_or(PaymentsError::NoReceipt)?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(PaymentsError::Opener)
}

/// Jobs still open (pending, running, parked), oldest first.
pub async fn open_jobs<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<JobView>, PaymentsError> {
    let store = app.pos().store()?;
    let jobs = run_blocking(move || Ok(store.list_jobs(JobFilter::Open, JOB_LIST_LIMIT)?)).await?;
    Ok(jobs.iter().map(JobView::from).collect())
}

/// The pay method the webview named (`card`, `vbank`, `phone`, `trans`).
pub fn parse_pay_method(given: &str) -> Result<PayMethod, PaymentsError> {
    serde_json::from_value(serde_json::Value::String(given.trim().to_owned())).map_err(|_| {
        PaymentsError::UnknownPayMethod {
            given: given.chars().take(20).collect(),
        }
    })
}

/// A refund amount as the webview sent it: absent or null (everything left), a whole number,
/// or digits in a string. Anything else is refused before anything is written.
pub fn parse_amount(given: Option<&serde_json::Value>) -> Result<Option<i64>, PaymentsError> {
    use serde_json::Value;
    match given {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(PaymentsError::AmountNotANumber),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .replace(',', "")
            .parse::<i64>()
            .map(Some)
            .map_err(|_| PaymentsError::AmountNotANumber),
        Some(_) => Err(PaymentsError::AmountNotANumber),
    }
}
