//! Billing keys (`/subscribe/customers/*`) and charges with a stored key (`again`), REFERENCE §5.
//!
//! A declining key still answers `code 0`: the payment comes back with `status: failed` and a
//! `fail_reason`. An unknown key, or a merchant_uid that was already paid, is `code 1` with
//! HTTP 200 and `response: null`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

use crate::create::{NewPayment, Outcome, DECLINE_REASON};
use crate::envelope::{ok, ok_with, ApiError, ApiResult};
use crate::form::{custom_data_string, Input, Num, Qs};
use crate::model::{Customer, Payment};
use crate::payments::{Paging, Sorting};
use crate::state::{Shared, Store, StoredCustomer};
use crate::test_cards::TestCard;

/// Holder data a billing key may carry.
#[derive(Deserialize, Default, Clone)]
pub struct CustomerInfo {
    pub customer_name: Option<String>,
    pub customer_tel: Option<String>,
    pub customer_email: Option<String>,
    pub customer_addr: Option<String>,
    pub customer_postcode: Option<String>,
    pub customer_id: Option<String>,
    pub pg: Option<String>,
}

impl Store {
    /// Issues (or replaces) the billing key `customer_uid`. A replaced key keeps `inserted`.
    pub fn issue_customer(
        &mut self,
        customer_uid: &str,
        info: CustomerInfo,
        card_number: Option<&str>,
        decline: bool,
    ) -> &Customer {
        let now = self.now();
        let inserted = self
            .customers
            .get(customer_uid)
            .map_or(now, |c| c.customer.inserted);
        let (pg_provider, pg_id) = match info.pg.as_deref().map(|p| p.split_once('.')) {
            Some(Some((provider, mid))) => (provider.to_owned(), mid.to_owned()),
            Some(None) => (info.pg.clone().unwrap_or_default(), "INIBillTst".to_owned()),
            None => ("html5_inicis".to_owned(), "INIBillTst".to_owned()),
        };
        let existing = self.customers.get(customer_uid).map(|c| &c.customer);
        let (masked, card_name, card_code) = match (card_number, existing) {
            (Some(n), _) => {
                let digits: String = n.chars().filter(char::is_ascii_digit).collect();
                let head: String = digits.chars().take(6).collect();
                let tail: String = digits
                    .chars()
                    .skip(digits.len().saturating_sub(1))
                    .collect();
                let card = TestCard::nth(0);
                (
                    format!("{head}*********{tail}"),
                    card.name.to_owned(),
                    card.code.to_owned(),
                )
            }
            // The same key issued again keeps its card.
            (None, Some(c)) => (
                c.card_number.clone().unwrap_or_default(),
                c.card_name.clone(),
                c.card_code.clone().unwrap_or_default(),
            ),
            // A new key from the window: the next test card, so a card change shows another card.
            (None, None) => {
                let card = TestCard::nth(self.window_cards_issued);
                self.window_cards_issued = self.window_cards_issued.wrapping_add(1);
                (card.masked(), card.name.to_owned(), card.code.to_owned())
            }
        };
        let customer = Customer {
            card_code: Some(card_code),
            card_issuer_code: None,
            card_issuer_name: None,
            card_name,
            card_number: Some(masked),
            card_publisher_code: None,
            card_publisher_name: None,
            card_type: Some(0),
            customer_addr: info.customer_addr,
            customer_email: info.customer_email,
            customer_id: info.customer_id,
            customer_name: info.customer_name,
            customer_postcode: info.customer_postcode,
            customer_tel: info.customer_tel,
            customer_uid: customer_uid.to_owned(),
            inserted,
            pg_id,
            pg_provider,
            sandbox: false,
            updated: now,
        };
        let slot = self
            .customers
            .entry(customer_uid.to_owned())
            .or_insert_with(|| StoredCustomer {
                customer: customer.clone(),
                decline,
            });
        *slot = StoredCustomer { customer, decline };
        &slot.customer
    }

    /// Charges a billing key: a `paid` or (declining key, deleted key) `failed` payment with
    /// `customer_uid_usage = usage`. The caller checks merchant_uid uniqueness.
    pub fn charge_with_key(&mut self, mut new: NewPayment, usage: &'static str) -> usize {
        let key = new
            .customer_uid
            .as_deref()
            .and_then(|uid| self.customers.get(uid));
        let outcome = match key {
            None => {
                Outcome::Failed("등록되지 않은 구매자입니다. (billing key not found)".to_owned())
            }
            Some(c) if c.decline => Outcome::Failed(DECLINE_REASON.to_owned()),
            Some(_) => Outcome::Paid,
        };
        if let Some(c) = key {
            new.pg = Some(format!("{}.{}", c.customer.pg_provider, c.customer.pg_id));
        }
        new.customer_uid_usage = Some(usage);
        new.channel = "api";
        self.create_payment(new, outcome)
    }
}

/// `GET /subscribe/customers/{customer_uid}`.
pub async fn get_customer(State(shared): State<Arc<Shared>>, Path(uid): Path<String>) -> ApiResult {
    let store = shared.store.lock();
    match store.customers.get(&uid) {
        Some(c) => Ok(ok(&c.customer)),
        None => Ok(unknown_customer(&shared, uid)),
    }
}

/// The reply for an unknown billing key, with the configured HTTP status.
fn unknown_customer(shared: &Shared, uid: String) -> Response {
    let status = shared.config.unknown_customer_status;
    (status, ApiError::CustomerNotFound(uid)).into_response()
}

/// `DELETE /subscribe/customers/{customer_uid}`: removes the key (schedules stay, and fail when
/// they run) and returns it.
pub async fn delete_customer(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
) -> ApiResult {
    let removed = shared.store.lock().customers.remove(&uid);
    let Some(removed) = removed else {
        return Ok(unknown_customer(&shared, uid));
    };
    shared.mark_dirty();
    Ok(ok(removed.customer))
}

/// Body of `POST /subscribe/customers/{customer_uid}` (issue a key from card data).
#[derive(Deserialize)]
pub struct IssueBody {
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

/// `POST /subscribe/customers/{customer_uid}`. Card numbers ending in `0002` give a key that
/// declines every charge; numbers with fewer than 12 digits are refused (code -1).
pub async fn issue_customer(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    Input(body): Input<IssueBody>,
) -> ApiResult {
    let card = body.card_number.unwrap_or_default();
    let digit_count = card.chars().filter(char::is_ascii_digit).count();
    if digit_count < 12 || body.expiry.as_deref().is_none_or(str::is_empty) {
        return Err(ApiError::IssueRefused);
    }
    let decline = card.ends_with("0002");
    let info = CustomerInfo {
        customer_name: body.customer_name,
        customer_tel: body.customer_tel,
        customer_email: body.customer_email,
        customer_addr: body.customer_addr,
        customer_postcode: body.customer_postcode,
        customer_id: body.customer_id,
        pg: body.pg,
    };
    let reply = ok(shared
        .store
        .lock()
        .issue_customer(&uid, info, Some(&card), decline));
    shared.mark_dirty();
    Ok(reply)
}

/// Query of `GET /subscribe/customers`.
#[derive(Deserialize)]
pub struct CustomersQuery {
    #[serde(default)]
    customer_uid: Vec<String>,
}

/// `GET /subscribe/customers?customer_uid[]=..`: 207 when some are missing, 404 when none.
pub async fn customers_batch(
    State(shared): State<Arc<Shared>>,
    Qs(q): Qs<CustomersQuery>,
) -> ApiResult {
    if q.customer_uid.is_empty() || q.customer_uid.len() > crate::payments::BATCH_MAX {
        return Err(ApiError::InvalidParam("customer_uid[] (1..100)"));
    }
    let store = shared.store.lock();
    let found: Vec<&Customer> = q
        .customer_uid
        .iter()
        .filter_map(|u| store.customers.get(u).map(|c| &c.customer))
        .collect();
    if found.is_empty() {
        return Err(ApiError::NoCustomers);
    }
    let status = if found.len() < q.customer_uid.len() {
        StatusCode::MULTI_STATUS
    } else {
        StatusCode::OK
    };
    Ok(ok_with(status, found))
}

/// Query with a page number.
#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<Num>,
}

/// `GET /subscribe/customers/{customer_uid}/payments`: payments made with this key, newest first.
pub async fn customer_payments(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    Qs(q): Qs<PageQuery>,
) -> ApiResult {
    let paging = Paging::parse(q.page, None)?;
    let store = shared.store.lock();
    if !store.customers.contains_key(&uid) {
        return Err(ApiError::CustomerNotFound(uid));
    }
    let mut list: Vec<_> = store
        .payments()
        .iter()
        .filter(|p| p.payment.customer_uid.as_deref() == Some(uid.as_str()))
        .collect();
    Sorting::Started { desc: true }.sort(&mut list);
    let list: Vec<&Payment> = list.into_iter().map(|p| &p.payment).collect();
    Ok(ok(paging.cut(&list)?))
}

/// Body of `POST /subscribe/payments/again`.
#[derive(Deserialize)]
pub struct AgainBody {
    customer_uid: Option<String>,
    merchant_uid: Option<String>,
    amount: Option<Num>,
    name: Option<String>,
    currency: Option<String>,
    buyer_name: Option<String>,
    buyer_email: Option<String>,
    buyer_tel: Option<String>,
    buyer_addr: Option<String>,
    buyer_postcode: Option<String>,
    custom_data: Option<serde_json::Value>,
}

/// Checks a merchant_uid: 1..40 characters.
pub fn valid_merchant_uid(m: Option<String>) -> Result<String, ApiError> {
    m.filter(|m| !m.is_empty() && m.chars().count() <= 40)
        .ok_or(ApiError::InvalidParam("merchant_uid (1..40 characters)"))
}

/// Checks a charge amount: a positive whole number of won.
pub fn positive_amount(a: Option<Num>) -> Result<i64, ApiError> {
    a.filter(|a| a.0 > 0)
        .map(|a| a.0)
        .ok_or(ApiError::InvalidParam("amount (a positive whole number)"))
}

/// `POST /subscribe/payments/again`.
pub async fn again(State(shared): State<Arc<Shared>>, Input(body): Input<AgainBody>) -> ApiResult {
    let customer_uid = body
        .customer_uid
        .filter(|c| !c.is_empty())
        .ok_or(ApiError::InvalidParam("customer_uid"))?;
    let merchant_uid = valid_merchant_uid(body.merchant_uid)?;
    let amount = positive_amount(body.amount)?;
    let mut store = shared.store.lock();
    if !store.customers.contains_key(&customer_uid) {
        return Err(ApiError::UnknownBuyer);
    }
    if store.merchant_uid_paid(&merchant_uid) {
        return Err(ApiError::DuplicateMerchantUid(merchant_uid));
    }
    let new = NewPayment {
        merchant_uid,
        amount,
        name: body.name,
        currency: body.currency,
        buyer_name: body.buyer_name,
        buyer_email: body.buyer_email,
        buyer_tel: body.buyer_tel,
        buyer_addr: body.buyer_addr,
        buyer_postcode: body.buyer_postcode,
        custom_data: custom_data_string(body.custom_data),
        customer_uid: Some(customer_uid),
        ..NewPayment::default()
    };
    let i = store.charge_with_key(new, "payment");
    let reply = ok(store.at(i));
    drop(store);
    shared.mark_dirty();
    Ok(reply)
}
