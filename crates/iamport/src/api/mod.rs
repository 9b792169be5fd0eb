//! The operations, one file per area. Each is a thin `impl Client` block: build the URL and
//! body, pick idempotent or mutating, call.

mod billing;
mod cancel;
mod payments;
mod schedules;

use reqwest::Method;
use serde::Serialize;
use url::Url;

use crate::client::{Call, Client, Effect};
use crate::error::Result;

/// Most identifiers `GET /payments` accepts in one call.
pub const MAX_IDS_PER_BATCH: usize = 100;

impl Call {
    /// An idempotent lookup.
    pub(crate) fn get(operation: &'static str, url: Url) -> Call {
        Call {
            operation,
            method: Method::GET,
            url,
            body: None,
            effect: Effect::Idempotent,
        }
    }

    /// A request with a JSON body.
    pub(crate) fn with_json(
        operation: &'static str,
        method: Method,
        url: Url,
        body: &impl Serialize,
        effect: Effect,
    ) -> Result<Call> {
        Ok(Call {
            operation,
            method,
            url,
            body: Some(Client::json_body(operation, body)?),
            effect,
        })
    }
}

/// Appends `name=value` to the query string.
pub(crate) fn query(url: &mut Url, pairs: &[(&str, String)]) {
    if pairs.is_empty() {
        return;
    }
    let mut q = url.query_pairs_mut();
    for (name, value) in pairs {
        q.append_pair(name, value);
    }
}
