//! The browser SDK: `GET /sdk/iamport.js` and the un-authenticated, CORS-enabled endpoints it
//! talks to (`POST /__sdk/open`, `POST /__sdk/complete`).
//!
//! `open` validates the request before any window shows (merchant code, amount, `prepare`,
//! an already-paid merchant_uid) and creates a `ready` payment; `complete` applies the button
//! the person pressed and answers the fields the real SDK hands its callback.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

use crate::create::{NewPayment, Outcome, DECLINE_REASON};
use crate::envelope::{ok, ApiError, ApiResult};
use crate::form::{custom_data_string, Flag, Input, Num, Text};
use crate::model::{Payment, PaymentStatus};
use crate::state::Shared;
use crate::subscribe::{valid_merchant_uid, CustomerInfo};

const SCRIPT: &str = include_str!("sdk/iamport.js");

/// `GET /sdk/iamport.js`.
pub async fn script(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("127.0.0.1");
    let body = SCRIPT.replace("__SANDBOX_BASE__", &format!("http://{host}"));
    (
        [
            (
                header::CONTENT_TYPE,
                "application/javascript; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// The `request_pay` parameters the sandbox uses (others are accepted and ignored).
#[derive(Deserialize, Default)]
pub struct PayParams {
    pg: Option<String>,
    #[serde(rename = "channelKey")]
    channel_key: Option<String>,
    pay_method: Option<String>,
    merchant_uid: Option<Text>,
    name: Option<Text>,
    amount: Option<Num>,
    currency: Option<String>,
    buyer_name: Option<String>,
    buyer_email: Option<String>,
    buyer_tel: Option<Text>,
    buyer_addr: Option<String>,
    buyer_postcode: Option<Text>,
    customer_uid: Option<Text>,
    vbank_due: Option<Text>,
    digital: Option<Flag>,
    custom_data: Option<Value>,
}

/// Body of `POST /__sdk/open`.
#[derive(Deserialize)]
pub struct OpenBody {
    merchant_code: String,
    #[serde(default)]
    params: PayParams,
    user_agent: Option<String>,
}

/// Parses `vbank_due` (`YYYY-MM-DD`, `YYYYMMDD`, `YYYY-MM-DD HH:mm:ss`, `YYYYMMDDHHmmss`,
/// `YYYYMMDDhhmm`) as Korean time; a date alone means the end of that day.
pub fn parse_vbank_due(s: &str) -> Option<i64> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let naive = match digits.len() {
        8 => NaiveDate::parse_from_str(&digits, "%Y%m%d")
            .ok()?
            .and_hms_opt(23, 59, 59)?,
        12 => NaiveDateTime::parse_from_str(&format!("{digits}00"), "%Y%m%d%H%M%S").ok()?,
        14 => NaiveDateTime::parse_from_str(&digits, "%Y%m%d%H%M%S").ok()?,
        _ => return None,
    };
    let kst = FixedOffset::east_opt(9 * 3600)?;
    kst.from_local_datetime(&naive)
        .single()
        .map(|t| t.timestamp())
}

/// `POST /__sdk/open`: checks the request and creates the `ready` payment the window is for.
pub async fn open(State(shared): State<Arc<Shared>>, Input(body): Input<OpenBody>) -> ApiResult {
    if body.merchant_code != shared.config.merchant_code {
        return Err(ApiError::UnknownMerchant);
    }
    let p = body.params;
    let merchant_uid = valid_merchant_uid(p.merchant_uid.map(|t| t.0))?;
    let customer_uid = p.customer_uid.map(|t| t.0).filter(|c| !c.is_empty());
    let amount = p.amount.ok_or(ApiError::InvalidParam("amount"))?.0;
    // A billing-key window may ask for 0 won; a payment must ask for more.
    let least = if customer_uid.is_some() { 0 } else { 1 };
    if amount < least {
        return Err(ApiError::InvalidParam("amount (a positive whole number)"));
    }
    if customer_uid.is_some() {
        // The billing window of the chosen PG: 0원 issuance, or the first charge with the key.
        crate::billing_pg::check_window(p.pg.as_deref(), amount)?;
    }
    if p.pay_method.as_deref() == Some("phone") && p.digital.is_none() {
        return Err(ApiError::InvalidParam("digital (required for phone)"));
    }
    let vbank_due = p.vbank_due.as_ref().and_then(|d| parse_vbank_due(&d.0));
    let mut store = shared.store.lock();
    if store.merchant_uid_paid(&merchant_uid) {
        return Err(ApiError::DuplicateMerchantUid(merchant_uid));
    }
    if let Some(prepared) = store.prepared.get(&merchant_uid) {
        if prepared.amount != amount {
            return Err(ApiError::PreparedAmountMismatch(prepared.amount));
        }
    }
    let pg =
        p.pg.or_else(|| p.channel_key.map(|_| "html5_inicis".to_owned()));
    let new = NewPayment {
        merchant_uid,
        amount,
        name: p.name.map(|t| t.0),
        pay_method: p.pay_method.or_else(|| Some("card".to_owned())),
        pg,
        buyer_name: p.buyer_name,
        buyer_email: p.buyer_email,
        buyer_tel: p.buyer_tel.map(|t| t.0),
        buyer_addr: p.buyer_addr,
        buyer_postcode: p.buyer_postcode.map(|t| t.0),
        custom_data: custom_data_string(p.custom_data),
        customer_uid_usage: customer_uid.as_ref().map(|_| "issue"),
        customer_uid,
        channel: "pc",
        currency: p.currency,
        sandbox: false,
        user_agent: body.user_agent,
    };
    let i = store.open_payment(new);
    let opened = store.at(i).clone();
    store.sdk_sessions.insert(opened.imp_uid.clone(), vbank_due);
    drop(store);
    shared.mark_dirty();
    Ok(ok(json!({
        "imp_uid": opened.imp_uid,
        "merchant_uid": opened.merchant_uid,
        "amount": opened.amount,
        "name": opened.name,
        "pay_method": opened.pay_method,
    })))
}

/// Body of `POST /__sdk/complete`.
#[derive(Deserialize)]
pub struct CompleteBody {
    imp_uid: String,
    action: String,
}

/// The fields the real SDK passes to the `request_pay` callback (REFERENCE §7.4).
fn callback_fields(p: &Payment, error: Option<(&str, &str)>) -> Value {
    let custom = p
        .custom_data
        .as_deref()
        .map(|s| serde_json::from_str::<Value>(s).unwrap_or_else(|_| Value::String(s.to_owned())));
    json!({
        "imp_uid": p.imp_uid,
        "merchant_uid": p.merchant_uid,
        "pay_method": p.pay_method,
        "paid_amount": p.amount,
        "status": p.status,
        "name": p.name,
        "pg_provider": p.pg_provider,
        "pg_type": "payment",
        "pg_tid": p.pg_tid,
        "currency": p.currency,
        "buyer_name": p.buyer_name,
        "buyer_email": p.buyer_email,
        "buyer_tel": p.buyer_tel,
        "buyer_addr": p.buyer_addr,
        "buyer_postcode": p.buyer_postcode,
        "custom_data": custom,
        "paid_at": p.paid_at,
        "receipt_url": p.receipt_url,
        "apply_num": p.apply_num,
        "card_name": p.card_name,
        "card_number": p.card_number,
        "card_quota": p.card_quota,
        "vbank_num": p.vbank_num,
        "vbank_name": p.vbank_name,
        "vbank_holder": p.vbank_holder,
        "vbank_date": p.vbank_date,
        "customer_uid": p.customer_uid,
        "error_code": error.map(|e| e.0),
        "error_msg": error.map(|e| e.1),
    })
}

/// `POST /__sdk/complete {imp_uid, action: approve|decline|vbank|close}`.
pub async fn complete(
    State(shared): State<Arc<Shared>>,
    Input(body): Input<CompleteBody>,
) -> ApiResult {
    let mut store = shared.store.lock();
    let i = store
        .index_of(&body.imp_uid)
        .filter(|_| store.sdk_sessions.contains_key(&body.imp_uid))
        .ok_or(ApiError::SdkSessionInvalid)?;
    let p = store.at(i).clone();
    if p.status != PaymentStatus::Ready {
        return Err(ApiError::SdkSessionInvalid);
    }
    // A window offers only what its pay method can do; a refused answer leaves it open.
    let is_vbank = p.pay_method == "vbank";
    match body.action.as_str() {
        "vbank" if !is_vbank => return Err(ApiError::NotThisMethod("가상계좌 발급")),
        "approve" if is_vbank => return Err(ApiError::NotThisMethod("즉시 결제 승인")),
        _ => {}
    }
    let vbank_due = store
        .sdk_sessions
        .remove(&body.imp_uid)
        .ok_or(ApiError::SdkSessionInvalid)?;
    let duplicate = ApiError::DuplicateMerchantUid(p.merchant_uid.clone()).to_string();
    let (outcome, error) = match body.action.as_str() {
        // Another window may have paid the same merchant_uid meanwhile.
        "approve" if store.merchant_uid_paid(&p.merchant_uid) => (
            Outcome::Failed(duplicate.clone()),
            Some(("F0001", duplicate.as_str())),
        ),
        "approve" => (Outcome::Paid, None),
        "decline" => (
            Outcome::Failed(DECLINE_REASON.to_owned()),
            Some(("F0004", DECLINE_REASON)),
        ),
        "vbank" if p.customer_uid.is_none() => (Outcome::VbankIssued { due: vbank_due }, None),
        "close" => (
            Outcome::Ready,
            Some(("F1002", "사용자가 결제를 취소하셨습니다")),
        ),
        _ => {
            return Err(ApiError::InvalidParam(
                "action (approve|decline|vbank|close)",
            ))
        }
    };
    if outcome == Outcome::Paid {
        if let Some(uid) = &p.customer_uid {
            let info = CustomerInfo {
                customer_name: p.buyer_name.clone(),
                customer_tel: p.buyer_tel.clone(),
                customer_email: p.buyer_email.clone(),
                customer_addr: p.buyer_addr.clone(),
                customer_postcode: p.buyer_postcode.clone(),
                customer_id: None,
                pg: Some(format!("{}.{}", p.pg_provider, p.pg_id)),
            };
            store.issue_customer(uid, info, None, false);
            if p.amount == 0 {
                if let Some(test) = crate::billing_pg::test_charge(&p.pg_provider) {
                    store.make_test_charge(i, test);
                }
            }
        }
    }
    store.finish_payment(i, outcome);
    let reply = ok(callback_fields(store.at(i), error));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}
