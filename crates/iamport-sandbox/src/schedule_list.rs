//! Schedule lists (REFERENCE §5.5): by window (`GET /subscribe/payments/schedule`) and by
//! customer, paged as `{total, previous, next, list}`, with both spellings of the parameters
//! (`from`/`to`/`schedule-status` and `schedule_from`/`schedule_to`/`schedule_status`).

use axum::extract::{Path, State};
use serde::Deserialize;
use std::sync::Arc;

use crate::clock::DAY;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::form::{Num, Qs};
use crate::model::{Schedule, ScheduleStatus};
use crate::payments::Paging;
use crate::state::Shared;

/// The widest window of the schedule lists ("3 months").
pub const SCHEDULE_WINDOW_DAYS: i64 = 93;

/// Query of the schedule lists; both spellings of the window and status are accepted.
#[derive(Deserialize)]
pub struct ScheduleQuery {
    from: Option<Num>,
    to: Option<Num>,
    schedule_from: Option<Num>,
    schedule_to: Option<Num>,
    #[serde(rename = "schedule-status")]
    schedule_status_dash: Option<String>,
    schedule_status: Option<String>,
    page: Option<Num>,
    limit: Option<Num>,
    sorting: Option<String>,
}

fn list_schedules(shared: &Shared, customer: Option<&str>, q: ScheduleQuery) -> ApiResult {
    let from = q
        .schedule_from
        .or(q.from)
        .ok_or(ApiError::InvalidParam("schedule_from / from"))?
        .0;
    let to = q
        .schedule_to
        .or(q.to)
        .ok_or(ApiError::InvalidParam("schedule_to / to"))?
        .0;
    if from > to {
        return Err(ApiError::InvalidParam("from (must not be after to)"));
    }
    if to.saturating_sub(from) > SCHEDULE_WINDOW_DAYS * DAY {
        return Err(ApiError::WindowTooWide(SCHEDULE_WINDOW_DAYS));
    }
    let status = q
        .schedule_status
        .or(q.schedule_status_dash)
        .filter(|s| !s.is_empty())
        .map(|s| ScheduleStatus::parse(&s).ok_or(ApiError::InvalidParam("schedule_status")))
        .transpose()?;
    let oldest_first = match q.sorting.as_deref() {
        None | Some("-scheduled") => false,
        Some("scheduled") => true,
        Some(_) => return Err(ApiError::InvalidParam("sorting")),
    };
    let paging = Paging::parse(q.page, q.limit)?;
    let store = shared.store.lock();
    let mut list: Vec<&Schedule> = store
        .schedules
        .values()
        .filter(|s| customer.is_none_or(|c| s.customer_uid == c))
        .filter(|s| status.is_none_or(|st| s.schedule_status == st))
        .filter(|s| from <= s.schedule_at && s.schedule_at < to)
        .collect();
    list.sort_by_key(|s| (s.schedule_at, s.merchant_uid.clone()));
    if !oldest_first {
        list.reverse();
    }
    Ok(ok(paging.cut(&list)?))
}

/// `GET /subscribe/payments/schedule?schedule_from=&schedule_to=`.
pub async fn list_by_window(
    State(shared): State<Arc<Shared>>,
    Qs(q): Qs<ScheduleQuery>,
) -> ApiResult {
    list_schedules(&shared, None, q)
}

/// `GET /subscribe/payments/schedule/customers/{customer_uid}` (and
/// `/subscribe/customers/{customer_uid}/schedules`).
pub async fn list_by_customer(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    Qs(q): Qs<ScheduleQuery>,
) -> ApiResult {
    list_schedules(&shared, Some(&uid), q)
}
