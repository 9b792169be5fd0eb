//! The operations, one file per area. Each is a thin `impl Client` block: build the URL and
//! body, pick idempotent or mutating, call.

mod billing;
mod cancel;
mod codes;
mod payments;
mod receipts;
mod schedules;
mod vbanks;

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

/// Appends `name=value` pairs to the query string. Names are written as given (so `imp_uid[]`
/// keeps literal brackets, as the official clients' servers expect); values are form-encoded.
pub(crate) fn query(url: &mut Url, pairs: &[(&str, String)]) {
    if pairs.is_empty() {
        return;
    }
    let mut text = url.query().unwrap_or_default().to_owned();
    for (name, value) in pairs {
        if !text.is_empty() {
            text.push('&');
        }
        text.push_str(name);
        text.push('=');
        text.extend(url::form_urlencoded::byte_serialize(value.as_bytes()));
    }
    url.set_query(Some(&text));
}
