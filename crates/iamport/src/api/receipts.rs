//! `/receipts/{imp_uid}`: issue, look up and cancel the cash receipt (현금영수증) of a payment.

use reqwest::Method;

use crate::client::{Call, Client, Effect};
use crate::error::{Error, Result};
use crate::types::{Receipt, ReceiptRequest};

impl Client {
    /// `GET /receipts/{imp_uid}`: the payment's cash receipt. [`Error::NotFound`] when none was
    /// issued (or the payment is unknown). A cancelled receipt comes back with `cancelled_at`.
    pub async fn receipt(&self, imp_uid: &str) -> Result<Receipt> {
        self.call(&Call::get("receipt", self.url(&["receipts", imp_uid])))
            .await
    }

    /// `POST /receipts/{imp_uid}`: issues the payment's cash receipt. Refused before sending
    /// without an identifier. Iamport refuses (HTTP 400) a payment that is not paid or already has
    /// a receipt. A lost answer is [`Error::OutcomeUnknown`]: look the receipt up before re-sending.
    pub async fn issue_receipt(&self, imp_uid: &str, req: &ReceiptRequest) -> Result<Receipt> {
        const OP: &str = "issue_receipt";
        if req.identifier.trim().is_empty() {
            return Err(Error::InvalidRequest {
                operation: OP,
                reason: "identifier is required",
            });
        }
        let call = Call::with_json(
            OP,
            Method::POST,
            self.url(&["receipts", imp_uid]),
            req,
            Effect::Mutating,
        )?;
        self.call(&call).await
    }

    /// `DELETE /receipts/{imp_uid}`: cancels the payment's cash receipt. Iamport refuses (HTTP
    /// 400) when none was issued. A lost answer is [`Error::OutcomeUnknown`].
    pub async fn cancel_receipt(&self, imp_uid: &str) -> Result<Receipt> {
        let call = Call {
            operation: "cancel_receipt",
            method: Method::DELETE,
            url: self.url(&["receipts", imp_uid]),
            body: None,
            effect: Effect::Mutating,
        };
        self.call(&call).await
    }
}
