//! The `{code, message, response}` envelope and the rules that turn an HTTP reply into a value
//! or an [`Error`].
//!
//! Rules (REFERENCE §1):
//! - success only when the status is 2xx **and** `code == 0`; then `response` must be present;
//! - 207 (batch lookups) returns the items found, whatever `code` says;
//! - a 2xx with `code != 0` is [`Error::Api`];
//! - 401 is [`Error::Auth`], 404 is [`Error::NotFound`], 5xx is [`Error::Server`], other 4xx
//!   are [`Error::Api`]; `code` and `message` are read from any body that parses;
//! - a body that is not an envelope where one is needed is [`Error::Decode`] with an excerpt.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{excerpt, redact, Error};

/// The envelope with `response` left undecoded.
#[derive(Deserialize)]
struct Head<'a> {
    code: i64,
    #[serde(default)]
    message: Option<String>,
    #[serde(default, borrow)]
    response: Option<&'a RawValue>,
}

/// What the caller knows about the reply it is interpreting.
pub(crate) struct Reply<'a> {
    /// Operation name, for errors.
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// The whole body.
    pub body: &'a [u8],
    /// Strings that must never appear in an error (key, secret, token).
    pub secrets: &'a [&'a str],
}

impl Reply<'_> {
    fn decode_error(&self, reason: impl Into<String>) -> Error {
        Error::Decode {
            operation: self.operation,
            http_status: self.status,
            reason: redact(reason.into(), self.secrets),
            raw_body_excerpt: excerpt(self.body, self.secrets),
        }
    }

    fn message(&self, head: Option<&Head<'_>>) -> String {
        let text = head
            .and_then(|h| h.message.clone())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("HTTP {} without a message", self.status));
        redact(text, self.secrets)
    }

    /// Applies the envelope rules and decodes `response` into `T`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let parsed = serde_json::from_slice::<Head<'_>>(self.body);
        let head = parsed.as_ref().ok();
        let status = self.status;
        match status {
            200..=299 => {
                let head = match parsed {
                    Ok(ref head) => head,
                    Err(ref e) => return Err(self.decode_error(format!("not an envelope: {e}"))),
                };
                let response = head.response.filter(|r| r.get() != "null");
                if head.code != 0 && !(status == 207 && response.is_some()) {
                    return Err(Error::Api {
                        operation: self.operation,
                        http_status: status,
                        code: head.code,
                        message: self.message(Some(head)),
                    });
                }
                let raw = response.ok_or_else(|| {
                    self.decode_error("code 0 but the response field is missing or null")
                })?;
                serde_json::from_str::<T>(raw.get())
                    .map_err(|e| self.decode_error(format!("unexpected response shape: {e}")))
            }
            401 | 403 => Err(Error::Auth {
                operation: self.operation,
                http_status: status,
                message: self.message(head),
            }),
            404 => Err(Error::NotFound {
                operation: self.operation,
                code: head.map(|h| h.code),
                message: self.message(head),
            }),
            500..=599 => Err(Error::Server {
                operation: self.operation,
                http_status: status,
                code: head.map(|h| h.code),
                message: self.message(head),
            }),
            _ => match head {
                Some(h) => Err(Error::Api {
                    operation: self.operation,
                    http_status: status,
                    code: h.code,
                    message: self.message(Some(h)),
                }),
                // "Too many requests" from a gateway in front of the API (no envelope) is still
                // a refusal unseen, to be tried again later: never a reply that cannot be read.
                None if status == 429 => Err(Error::Api {
                    operation: self.operation,
                    http_status: status,
                    code: -1,
                    message: self.message(None),
                }),
                None => Err(self.decode_error(format!(
                    "HTTP {status} with a body that is not an Iamport envelope"
                ))),
            },
        }
    }
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;
