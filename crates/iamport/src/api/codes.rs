//! Standard codes (`GET /banks`).

use crate::client::{Call, Client};
use crate::error::Result;
use crate::types::Bank;

impl Client {
    /// `GET /banks`: every bank with its standard code, for refund accounts.
    pub async fn banks(&self) -> Result<Vec<Bank>> {
        let url = self.url(&["banks"]);
        self.call(&Call::get("banks", url)).await
    }
}
