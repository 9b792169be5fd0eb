//! Virtual accounts: `DELETE /vbanks/{imp_uid}`.

use reqwest::Method;

use crate::client::{Call, Client, Effect};
use crate::error::Result;
use crate::types::Payment;

impl Client {
    /// `DELETE /vbanks/{imp_uid}`: revokes a virtual account before any deposit, so nobody can
    /// pay into it by mistake, and returns the payment (then `cancelled`). Refused by Iamport
    /// ([`crate::Error::Api`], HTTP 400) when the payment is not a virtual account or is no longer
    /// waiting for its deposit (paid, or already revoked). A lost answer is
    /// [`crate::Error::OutcomeUnknown`]: look the payment up before revoking again.
    pub async fn revoke_vbank(&self, imp_uid: &str) -> Result<Payment> {
        let call = Call {
            operation: "revoke_vbank",
            method: Method::DELETE,
            url: self.url(&["vbanks", imp_uid]),
            body: None,
            effect: Effect::Mutating,
        };
        self.call(&call).await
    }
}
