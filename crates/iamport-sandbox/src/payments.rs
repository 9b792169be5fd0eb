//! Payment lookups (REFERENCE §3): by imp_uid, by merchant_uid (`find`, `findAll`), in batches
//! (`GET /payments?imp_uid[]=`), and by status with a time window and sorting.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::cmp::Reverse;
use std::sync::Arc;

use crate::clock::DAY;
use crate::envelope::{ok, ok_with, ApiError, ApiResult};
use crate::form::{Flag, Num, Qs};
use crate::model::{Paged, Payment, PaymentStatus};
use crate::state::{Shared, StoredPayment};

/// At most this many identifiers in one batch lookup.
pub const BATCH_MAX: usize = 100;
/// The widest `from`/`to` window of `/payments/status/{status}`.
pub const STATUS_WINDOW_DAYS: i64 = 90;

/// The `sorting` query value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sorting {
    Started { desc: bool },
    Paid { desc: bool },
    Updated { desc: bool },
}

impl Sorting {
    /// Parses `-started` (default), `started`, `-paid`, `paid`, `-updated`, `updated`.
    pub fn parse(s: Option<&str>) -> Result<Self, ApiError> {
        Ok(match s.unwrap_or("-started") {
            "-started" => Sorting::Started { desc: true },
            "started" => Sorting::Started { desc: false },
            "-paid" => Sorting::Paid { desc: true },
            "paid" => Sorting::Paid { desc: false },
            "-updated" => Sorting::Updated { desc: true },
            "updated" => Sorting::Updated { desc: false },
            _ => return Err(ApiError::InvalidParam("sorting")),
        })
    }

    /// Sorts stored payments in place.
    pub fn sort(self, list: &mut [&StoredPayment]) {
        let key = |p: &StoredPayment| match self {
            Sorting::Started { .. } => (p.payment.started_at, p.created_seq),
            Sorting::Paid { .. } => (p.payment.paid_at, p.created_seq),
            Sorting::Updated { .. } => (p.updated_at, p.update_seq),
        };
        let desc = match self {
            Sorting::Started { desc } | Sorting::Paid { desc } | Sorting::Updated { desc } => desc,
        };
        if desc {
            list.sort_by_key(|p| Reverse(key(p)));
        } else {
            list.sort_by_key(|p| key(p));
        }
    }
}

/// Query of list endpoints.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<Num>,
    limit: Option<Num>,
    from: Option<Num>,
    to: Option<Num>,
    sorting: Option<String>,
    include_sandbox: Option<Flag>,
}

/// Validated paging: page from 1, limit 1..=1000 (default 20).
#[derive(Clone, Copy, Debug)]
pub struct Paging {
    pub page: u64,
    pub limit: u64,
}

impl Paging {
    /// Reads and checks `page` and `limit`.
    pub fn parse(page: Option<Num>, limit: Option<Num>) -> Result<Self, ApiError> {
        let page = page.map_or(1, |n| n.0);
        let limit = limit.map_or(20, |n| n.0);
        if page < 1 {
            return Err(ApiError::InvalidParam("page (from 1)"));
        }
        if !(1..=1000).contains(&limit) {
            return Err(ApiError::InvalidParam("limit (1..1000)"));
        }
        Ok(Paging {
            page: page.unsigned_abs(),
            limit: limit.unsigned_abs(),
        })
    }

    /// Cuts one page out of `items`; a page past the end (other than page 1) is a 400.
    pub fn cut<T: Clone>(self, items: &[T]) -> Result<Paged<T>, ApiError> {
        let total = items.len() as u64;
        let start = (self.page - 1).saturating_mul(self.limit);
        if self.page > 1 && start >= total {
            return Err(ApiError::PageOutOfRange);
        }
        let end = start.saturating_add(self.limit).min(total);
        let list = items
            .get(usize::try_from(start).unwrap_or(usize::MAX)..usize::try_from(end).unwrap_or(0))
            .unwrap_or_default()
            .to_vec();
        Ok(Paged {
            list,
            next: if end < total { self.page + 1 } else { 0 },
            previous: self.page - 1,
            total,
        })
    }
}

fn visible(p: &Payment, include_sandbox: bool) -> bool {
    include_sandbox || !p.sandbox
}

/// `GET /payments/{imp_uid}`.
pub async fn get_payment(
    State(shared): State<Arc<Shared>>,
    Path(imp_uid): Path<String>,
    Qs(q): Qs<ListQuery>,
) -> ApiResult {
    let include = q.include_sandbox.is_some_and(|f| f.0);
    let store = shared.store.lock();
    match store.payment(&imp_uid) {
        Some(p) if visible(p, include) => Ok(ok(p)),
        _ => Err(ApiError::PaymentNotFound),
    }
}

fn parse_status(s: Option<&str>) -> Result<Option<PaymentStatus>, ApiError> {
    s.map(|s| PaymentStatus::parse(s).ok_or(ApiError::InvalidParam("payment_status")))
        .transpose()
}

fn by_merchant_sorted(
    shared: &Shared,
    merchant_uid: &str,
    status: Option<PaymentStatus>,
    sorting: Sorting,
) -> Vec<Payment> {
    let store = shared.store.lock();
    let mut list: Vec<&StoredPayment> = store
        .by_merchant(merchant_uid)
        .into_iter()
        .filter(|p| status.is_none_or(|s| p.payment.status == s))
        .collect();
    sorting.sort(&mut list);
    list.into_iter().map(|p| p.payment.clone()).collect()
}

async fn find_inner(
    shared: &Shared,
    merchant_uid: &str,
    status: Option<&str>,
    q: &ListQuery,
) -> ApiResult {
    let status = parse_status(status)?;
    let sorting = Sorting::parse(q.sorting.as_deref())?;
    by_merchant_sorted(shared, merchant_uid, status, sorting)
        .into_iter()
        .next()
        .map(|p| ok(&p))
        .ok_or(ApiError::PaymentNotFound)
}

/// `GET /payments/find/{merchant_uid}`.
pub async fn find(
    State(shared): State<Arc<Shared>>,
    Path(merchant_uid): Path<String>,
    Qs(q): Qs<ListQuery>,
) -> ApiResult {
    find_inner(&shared, &merchant_uid, None, &q).await
}

/// `GET /payments/find/{merchant_uid}/{payment_status}`.
pub async fn find_with_status(
    State(shared): State<Arc<Shared>>,
    Path((merchant_uid, status)): Path<(String, String)>,
    Qs(q): Qs<ListQuery>,
) -> ApiResult {
    find_inner(&shared, &merchant_uid, Some(&status), &q).await
}

async fn find_all_inner(
    shared: &Shared,
    merchant_uid: &str,
    status: Option<&str>,
    q: &ListQuery,
) -> ApiResult {
    let status = parse_status(status)?;
    let sorting = Sorting::parse(q.sorting.as_deref())?;
    let paging = Paging::parse(q.page, q.limit)?;
    let all = by_merchant_sorted(shared, merchant_uid, status, sorting);
    if all.is_empty() {
        return Err(ApiError::PaymentNotFound);
    }
    Ok(ok(paging.cut(&all)?))
}

/// `GET /payments/findAll/{merchant_uid}`.
pub async fn find_all(
    State(shared): State<Arc<Shared>>,
    Path(merchant_uid): Path<String>,
    Qs(q): Qs<ListQuery>,
) -> ApiResult {
    find_all_inner(&shared, &merchant_uid, None, &q).await
}

/// `GET /payments/findAll/{merchant_uid}/{payment_status}`.
pub async fn find_all_with_status(
    State(shared): State<Arc<Shared>>,
    Path((merchant_uid, status)): Path<(String, String)>,
    Qs(q): Qs<ListQuery>,
) -> ApiResult {
    find_all_inner(&shared, &merchant_uid, Some(&status), &q).await
}

/// Query of the batch lookup.
#[derive(Deserialize, Default)]
pub struct BatchQuery {
    #[serde(default)]
    imp_uid: Vec<String>,
    #[serde(default)]
    merchant_uid: Vec<String>,
}

/// `GET /payments?imp_uid[]=..&merchant_uid[]=..`: at most 100 ids; 207 when some are missing,
/// 404 when none is found. A merchant_uid yields its most recent payment.
pub async fn batch(State(shared): State<Arc<Shared>>, Qs(q): Qs<BatchQuery>) -> ApiResult {
    let asked = q.imp_uid.len() + q.merchant_uid.len();
    if asked == 0 {
        return Err(ApiError::InvalidParam("imp_uid[] or merchant_uid[]"));
    }
    if asked > BATCH_MAX {
        return Err(ApiError::InvalidParam(
            "at most 100 imp_uid[]/merchant_uid[]",
        ));
    }
    let found: Vec<Payment> = {
        let store = shared.store.lock();
        let by_imp = q.imp_uid.iter().filter_map(|u| store.payment(u).cloned());
        let by_merchant = q.merchant_uid.iter().filter_map(|m| {
            let mut list = store.by_merchant(m);
            Sorting::Started { desc: true }.sort(&mut list);
            list.first().map(|p| p.payment.clone())
        });
        by_imp.chain(by_merchant).collect()
    };
    if found.is_empty() {
        return Err(ApiError::PaymentNotFound);
    }
    let status = if found.len() < asked {
        StatusCode::MULTI_STATUS
    } else {
        StatusCode::OK
    };
    Ok(ok_with(status, found))
}

/// The time a payment is filtered on by `/payments/status/*`: the time of its current status.
fn status_time(p: &Payment) -> i64 {
    match p.status {
        PaymentStatus::Ready => p.started_at,
        PaymentStatus::Paid => p.paid_at,
        PaymentStatus::Cancelled => p.cancelled_at,
        PaymentStatus::Failed => p.failed_at,
    }
}

/// `GET /payments/status/{payment_status}` with `page`, `limit`, `from`, `to` (window at most
/// 90 days; `from` inclusive, `to` inclusive) and `sorting`.
pub async fn by_status(
    State(shared): State<Arc<Shared>>,
    Path(status): Path<String>,
    Qs(q): Qs<ListQuery>,
) -> ApiResult {
    let status = match status.as_str() {
        "all" => None,
        s => Some(PaymentStatus::parse(s).ok_or(ApiError::InvalidParam("payment_status"))?),
    };
    let sorting = Sorting::parse(q.sorting.as_deref())?;
    let paging = Paging::parse(q.page, q.limit)?;
    let include = q.include_sandbox.is_some_and(|f| f.0);
    let store = shared.store.lock();
    let to = q.to.map_or_else(|| store.now(), |n| n.0);
    let from = q
        .from
        .map_or_else(|| to.saturating_sub(STATUS_WINDOW_DAYS * DAY), |n| n.0);
    if from > to {
        return Err(ApiError::InvalidParam("from (must not be after to)"));
    }
    if to.saturating_sub(from) > STATUS_WINDOW_DAYS * DAY {
        return Err(ApiError::WindowTooWide(STATUS_WINDOW_DAYS));
    }
    let mut list: Vec<&StoredPayment> = store
        .payments()
        .iter()
        .filter(|p| status.is_none_or(|s| p.payment.status == s))
        .filter(|p| visible(&p.payment, include))
        .filter(|p| (from..=to).contains(&status_time(&p.payment)))
        .collect();
    sorting.sort(&mut list);
    let page = paging.cut(&list)?;
    Ok(ok(Paged {
        list: page
            .list
            .into_iter()
            .map(|p| &p.payment)
            .collect::<Vec<_>>(),
        next: page.next,
        previous: page.previous,
        total: page.total,
    }))
}
