//! Scheduled payments: register, revoke, look up, list, retry, reschedule.

use reqwest::Method;
use serde::Serialize;

use super::query;
use crate::client::{Call, Client, Effect};
use crate::error::{Error, Result};
use crate::types::{Payment, Schedule, ScheduleItem, SchedulePage, ScheduleQuery, ScheduleRequest};

#[derive(Serialize)]
struct ScheduleBody<'a> {
    customer_uid: &'a str,
    schedules: Vec<ScheduleItem>,
}

#[derive(Serialize)]
struct UnscheduleBody<'a> {
    customer_uid: &'a str,
    merchant_uid: &'a [String],
}

#[derive(Serialize)]
struct ScheduleAtBody {
    schedule_at: i64,
}

impl Client {
    /// `POST /subscribe/payments/schedule`: registers future charges on a billing key and
    /// returns them as scheduled. Mutating.
    pub async fn schedule(&self, req: &ScheduleRequest) -> Result<Vec<Schedule>> {
        const OP: &str = "schedule";
        let invalid = |reason| {
            Err(Error::InvalidRequest {
                operation: OP,
                reason,
            })
        };
        if req.customer_uid.is_empty() {
            return invalid("customer_uid is required");
        }
        if req.schedules.is_empty() {
            return invalid("at least one schedule is required");
        }
        if req.schedules.iter().any(|s| s.amount <= 0) {
            return invalid("every scheduled amount must be positive");
        }
        if req.schedules.iter().any(|s| s.merchant_uid.is_empty()) {
            return invalid("every schedule needs a merchant_uid");
        }
        // The API requires `currency` on each item.
        let schedules = req
            .schedules
            .iter()
            .cloned()
            .map(|mut s| {
                s.currency.get_or_insert_with(|| "KRW".to_owned());
                s
            })
            .collect();
        let body = ScheduleBody {
            customer_uid: &req.customer_uid,
            schedules,
        };
        let url = self.url(&["subscribe", "payments", "schedule"]);
        let call = Call::with_json(OP, Method::POST, url, &body, Effect::Mutating)?;
        self.call(&call).await
    }

    /// `POST /subscribe/payments/unschedule`: revokes the listed schedules of a customer and
    /// returns them. An empty list is refused (the API would revoke *every* schedule).
    pub async fn unschedule(
        &self,
        customer_uid: &str,
        merchant_uids: &[String],
    ) -> Result<Vec<Schedule>> {
        const OP: &str = "unschedule";
        if merchant_uids.is_empty() {
            return Err(Error::InvalidRequest {
                operation: OP,
                reason: "list the merchant_uids to revoke (an empty list would revoke all)",
            });
        }
        let body = UnscheduleBody {
            customer_uid,
            merchant_uid: merchant_uids,
        };
        let url = self.url(&["subscribe", "payments", "unschedule"]);
        let call = Call::with_json(OP, Method::POST, url, &body, Effect::Mutating)?;
        self.call(&call).await
    }

    /// `GET /subscribe/payments/schedule/{merchant_uid}`.
    pub async fn schedule_by_merchant_uid(&self, merchant_uid: &str) -> Result<Schedule> {
        let url = self.url(&["subscribe", "payments", "schedule", merchant_uid]);
        self.call(&Call::get("schedule_by_merchant_uid", url)).await
    }

    /// `GET /subscribe/payments/schedule?schedule_from&schedule_to…`: one page of every
    /// customer's schedules in the window.
    pub async fn schedules(&self, q: &ScheduleQuery) -> Result<SchedulePage> {
        let mut url = self.url(&["subscribe", "payments", "schedule"]);
        let mut pairs = vec![
            ("schedule_from", q.from.to_string()),
            ("schedule_to", q.to.to_string()),
        ];
        if let Some(status) = &q.status {
            pairs.push(("schedule_status", status.as_str().to_owned()));
        }
        if let Some(page) = q.page {
            pairs.push(("page", page.to_string()));
        }
        if let Some(limit) = q.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(sorting) = &q.sorting {
            pairs.push(("sorting", sorting.as_str().to_owned()));
        }
        query(&mut url, &pairs);
        self.call(&Call::get("schedules", url)).await
    }

    /// `GET /subscribe/payments/schedule/customers/{customer_uid}`: one page of a customer's
    /// schedules in the window. The spec spells the filters `from`, `to`, `schedule-status`
    /// while the official Java client sends `schedule_from`, `schedule_to`, `schedule_status`;
    /// both spellings are sent.
    pub async fn schedules_by_customer(
        &self,
        customer_uid: &str,
        q: &ScheduleQuery,
    ) -> Result<SchedulePage> {
        let mut url = self.url(&[
            "subscribe",
            "payments",
            "schedule",
            "customers",
            customer_uid,
        ]);
        let mut pairs = vec![
            ("from", q.from.to_string()),
            ("to", q.to.to_string()),
            ("schedule_from", q.from.to_string()),
            ("schedule_to", q.to.to_string()),
        ];
        if let Some(status) = &q.status {
            pairs.push(("schedule-status", status.as_str().to_owned()));
            pairs.push(("schedule_status", status.as_str().to_owned()));
        }
        if let Some(page) = q.page {
            pairs.push(("page", page.to_string()));
        }
        query(&mut url, &pairs);
        self.call(&Call::get("schedules_by_customer", url)).await
    }

    /// `POST /subscribe/payments/schedule/{merchant_uid}/retry`: charges a failed or revoked
    /// schedule now. Check the payment's `status`, as with [`Client::again`]. Mutating.
    pub async fn retry_schedule(&self, merchant_uid: &str) -> Result<Payment> {
        let url = self.url(&["subscribe", "payments", "schedule", merchant_uid, "retry"]);
        let call = Call::with_json(
            "retry_schedule",
            Method::POST,
            url,
            &serde_json::Map::new(),
            Effect::Mutating,
        )?;
        self.call(&call).await
    }

    /// `POST /subscribe/payments/schedule/{merchant_uid}/reschedule`: schedules a failed or
    /// revoked schedule again at `schedule_at`. Mutating.
    pub async fn reschedule(&self, merchant_uid: &str, schedule_at: i64) -> Result<Schedule> {
        let url = self.url(&[
            "subscribe",
            "payments",
            "schedule",
            merchant_uid,
            "reschedule",
        ]);
        let body = ScheduleAtBody { schedule_at };
        let call = Call::with_json("reschedule", Method::POST, url, &body, Effect::Mutating)?;
        self.call(&call).await
    }
}
