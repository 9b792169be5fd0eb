//! Payment lookups, lists, and `prepare`.

use futures::Stream;
use reqwest::Method;
use serde::Serialize;

use super::{query, MAX_IDS_PER_BATCH};
use crate::client::{Call, Client, Effect};
use crate::error::{Error, Result};
use crate::types::{Payment, PaymentPage, PaymentStatus, Prepared, StatusQuery};

/// Page size used when fetching every page of a list.
const FULL_PAGE: u32 = 1000;

impl Client {
    /// `GET /payments/{imp_uid}?include_sandbox=true`.
    pub async fn payment(&self, imp_uid: &str) -> Result<Payment> {
        let mut url = self.url(&["payments", imp_uid]);
        query(&mut url, &[("include_sandbox", "true".into())]);
        self.call(&Call::get("payment", url)).await
    }

    /// `GET /payments/find/{merchant_uid}[/{status}]`: the newest payment of that order
    /// (with that status). [`Error::NotFound`] when there is none.
    pub async fn find_payment(
        &self,
        merchant_uid: &str,
        status: Option<PaymentStatus>,
    ) -> Result<Payment> {
        let url = match &status {
            Some(s) => self.url(&["payments", "find", merchant_uid, s.as_str()]),
            None => self.url(&["payments", "find", merchant_uid]),
        };
        self.call(&Call::get("find_payment", url)).await
    }

    /// `GET /payments/findAll/{merchant_uid}[/{status}]`, every page. Empty when none exist.
    pub async fn find_all_payments(
        &self,
        merchant_uid: &str,
        status: Option<PaymentStatus>,
    ) -> Result<Vec<Payment>> {
        let mut all = Vec::new();
        let mut page = 1u32;
        loop {
            let mut url = match &status {
                Some(s) => self.url(&["payments", "findAll", merchant_uid, s.as_str()]),
                None => self.url(&["payments", "findAll", merchant_uid]),
            };
            query(
                &mut url,
                &[("page", page.to_string()), ("limit", FULL_PAGE.to_string())],
            );
            let result: Result<PaymentPage> = self.call(&Call::get("find_all_payments", url)).await;
            let current = match result {
                Ok(p) => p,
                Err(Error::NotFound { .. }) => return Ok(all),
                Err(e) => return Err(e),
            };
            // Follow `next` only forward and only after a non-empty page, so a confused
            // server cannot loop us.
            let progressed = !current.list.is_empty();
            all.extend(current.list);
            match current.next {
                Some(next) if next > page && progressed => page = next,
                _ => return Ok(all),
            }
        }
    }

    /// `GET /payments?imp_uid[]=…&merchant_uid[]=…`, split transparently into calls of at most
    /// [`MAX_IDS_PER_BATCH`] identifiers. Returns the payments found (a 207 gives the found
    /// ones, a 404 none); missing ids are simply absent.
    pub async fn payments_by_ids(
        &self,
        imp_uids: &[String],
        merchant_uids: &[String],
    ) -> Result<Vec<Payment>> {
        let ids: Vec<(&str, &String)> = imp_uids
            .iter()
            .map(|id| ("imp_uid[]", id))
            .chain(merchant_uids.iter().map(|id| ("merchant_uid[]", id)))
            .collect();
        let mut found = Vec::new();
        for chunk in ids.chunks(MAX_IDS_PER_BATCH) {
            let mut url = self.url(&["payments"]);
            let pairs: Vec<(&str, String)> =
                chunk.iter().map(|(k, v)| (*k, (*v).clone())).collect();
            query(&mut url, &pairs);
            match self
                .call::<Vec<Payment>>(&Call::get("payments_by_ids", url))
                .await
            {
                Ok(list) => found.extend(list),
                Err(Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(found)
    }

    /// `GET /payments/status/{status}` with `page`, `limit`, `from`, `to`, `sorting`: one page.
    pub async fn payments_by_status(&self, q: &StatusQuery) -> Result<PaymentPage> {
        let status = q.status.as_ref().map_or("all", PaymentStatus::as_str);
        let mut url = self.url(&["payments", "status", status]);
        let mut pairs = Vec::new();
        if let Some(page) = q.page {
            pairs.push(("page", page.to_string()));
        }
        if let Some(limit) = q.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(from) = q.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = q.to {
            pairs.push(("to", to.to_string()));
        }
        if let Some(sorting) = &q.sorting {
            pairs.push(("sorting", sorting.as_str().to_owned()));
        }
        query(&mut url, &pairs);
        self.call(&Call::get("payments_by_status", url)).await
    }

    /// Every page of [`Client::payments_by_status`], starting at `q.page` (default 1), in
    /// order. The stream ends after the page whose `next` is absent; it stops at the first
    /// error (yielded as the last item).
    pub fn payments_by_status_pages(
        &self,
        q: StatusQuery,
    ) -> impl Stream<Item = Result<PaymentPage>> + Send + 'static {
        let start = q.page.unwrap_or(1).max(1);
        let client = self.clone();
        futures::stream::try_unfold(Some(start), move |page| {
            let client = client.clone();
            let mut q = q.clone();
            async move {
                let Some(page) = page else {
                    return Ok(None);
                };
                q.page = Some(page);
                let current = client.payments_by_status(&q).await?;
                // Follow `next` only forward and only after a non-empty page, so a confused
                // server cannot loop us.
                let next = current
                    .next
                    .filter(|n| *n > page && !current.list.is_empty());
                Ok(Some((current, next)))
            }
        })
    }

    /// `POST /payments/prepare`: registers the amount the payment window must charge for
    /// this order. Mutating: a lost answer is [`Error::OutcomeUnknown`].
    pub async fn prepare(&self, merchant_uid: &str, amount: i64) -> Result<Prepared> {
        #[derive(Serialize)]
        struct Body<'a> {
            merchant_uid: &'a str,
            amount: i64,
        }
        const OP: &str = "prepare";
        if amount < 0 {
            return Err(Error::InvalidRequest {
                operation: OP,
                reason: "amount must not be negative",
            });
        }
        let call = Call::with_json(
            OP,
            Method::POST,
            self.url(&["payments", "prepare"]),
            &Body {
                merchant_uid,
                amount,
            },
            Effect::Mutating,
        )?;
        self.call(&call).await
    }

    /// `GET /payments/prepare/{merchant_uid}`: the registered amount.
    pub async fn prepared(&self, merchant_uid: &str) -> Result<Prepared> {
        let url = self.url(&["payments", "prepare", merchant_uid]);
        self.call(&Call::get("prepared", url)).await
    }
}
