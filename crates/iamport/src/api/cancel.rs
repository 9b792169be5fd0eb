//! `POST /payments/cancel`.

use reqwest::Method;

use crate::client::{Call, Client, Effect};
use crate::error::{Error, Result};
use crate::types::{CancelRequest, Payment};

impl Client {
    /// Cancels (refunds) all or part of a payment and returns the updated payment.
    ///
    /// Refused before sending: no target; `amount` of 0 or less (the API would read 0 as a
    /// *full* cancel); a negative `checksum`, `tax_free` or `vat_amount`. A refusal by Iamport
    /// (wrong checksum, nothing to cancel, over-cancel) is [`Error::Api`] even with HTTP 200.
    /// A lost answer is [`Error::OutcomeUnknown`]: look the payment up before cancelling again.
    pub async fn cancel(&self, req: &CancelRequest) -> Result<Payment> {
        const OP: &str = "cancel";
        let invalid = |reason| {
            Err(Error::InvalidRequest {
                operation: OP,
                reason,
            })
        };
        if req.imp_uid.as_deref().is_none_or(str::is_empty)
            && req.merchant_uid.as_deref().is_none_or(str::is_empty)
        {
            return invalid("imp_uid or merchant_uid is required");
        }
        if req.amount.is_some_and(|a| a <= 0) {
            return invalid("amount must be positive; use None for a full cancel");
        }
        if [req.checksum, req.tax_free, req.vat_amount]
            .iter()
            .flatten()
            .any(|v| *v < 0)
        {
            return invalid("checksum, tax_free and vat_amount must not be negative");
        }
        let call = Call::with_json(
            OP,
            Method::POST,
            self.url(&["payments", "cancel"]),
            req,
            Effect::Mutating,
        )?;
        self.call(&call).await
    }
}
