//! Billing keys and charging them (`again`).

use reqwest::Method;

use super::query;
use crate::client::{Call, Client, Effect};
use crate::error::{Error, Result};
use crate::types::{AgainRequest, Customer, Payment};

/// Whether Iamport reported "no such customer" with a 2xx and a non-zero code.
///
/// The spec says 404 for an unknown `customer_uid`, the official Python tests expect HTTP 200
/// with `code != 0` (UNCONFIRMED which is live). For these two single-key operations both
/// readings become [`Error::NotFound`].
fn not_found_either_way(e: Error) -> Error {
    match e {
        Error::Api {
            operation,
            code,
            message,
            http_status: 200..=299,
        } => Error::NotFound {
            operation,
            code: Some(code),
            message,
        },
        other => other,
    }
}

impl Client {
    /// `GET /subscribe/customers/{customer_uid}`: the billing key. [`Error::NotFound`] when
    /// there is none (whether Iamport says so with a 404 or a 200 and a non-zero code).
    pub async fn billing_key(&self, customer_uid: &str) -> Result<Customer> {
        let url = self.url(&["subscribe", "customers", customer_uid]);
        self.call(&Call::get("billing_key", url))
            .await
            .map_err(not_found_either_way)
    }

    /// `DELETE /subscribe/customers/{customer_uid}`: deletes the billing key (irreversible)
    /// and returns it. Check for pending schedules first.
    pub async fn delete_billing_key(
        &self,
        customer_uid: &str,
        reason: Option<&str>,
    ) -> Result<Customer> {
        let mut url = self.url(&["subscribe", "customers", customer_uid]);
        if let Some(reason) = reason {
            query(&mut url, &[("reason", reason.to_owned())]);
        }
        let call = Call {
            operation: "delete_billing_key",
            method: Method::DELETE,
            url,
            body: None,
            // Deleting twice is harmless (the second says not found), so a lost answer is
            // a plain retryable error.
            effect: Effect::Idempotent,
        };
        self.call(&call).await.map_err(not_found_either_way)
    }

    /// `POST /subscribe/payments/again`: charges the billing key now.
    ///
    /// `Ok` only means the card company was reached: a declined card comes back as `Ok` with
    /// `status == Failed` and `fail_reason` (see [`Payment::is_paid`]). `code != 0` is
    /// [`Error::Api`]. A lost answer is [`Error::OutcomeUnknown`]: find the `merchant_uid`
    /// before charging again.
    pub async fn again(&self, req: &AgainRequest) -> Result<Payment> {
        const OP: &str = "again";
        if req.amount <= 0 {
            return Err(Error::InvalidRequest {
                operation: OP,
                reason: "amount must be positive",
            });
        }
        if req.customer_uid.is_empty() || req.merchant_uid.is_empty() {
            return Err(Error::InvalidRequest {
                operation: OP,
                reason: "customer_uid and merchant_uid are required",
            });
        }
        let call = Call::with_json(
            OP,
            Method::POST,
            self.url(&["subscribe", "payments", "again"]),
            req,
            Effect::Mutating,
        )?;
        self.call(&call).await
    }
}
