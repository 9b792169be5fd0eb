//! Client configuration and the secret wrapper that keeps keys out of logs.

use std::fmt;
use std::time::Duration;

/// The live API.
pub const LIVE_BASE_URL: &str = "https://api.iamport.kr";

/// A secret string (REST secret, access token). `Debug` and `Display` print `[redacted]`; the
/// value is reachable only through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call it only where the value is sent to Iamport.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// How to reach Iamport. `Debug` hides the key and the secret.
#[derive(Clone)]
pub struct Config {
    /// API root, e.g. [`LIVE_BASE_URL`] or a sandbox's `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// REST API key (`imp_key`). Not secret on its own, but `Debug` hides it anyway.
    pub imp_key: String,
    /// REST API secret (`imp_secret`).
    pub imp_secret: Secret,
    /// Whole-request timeout (connect, send, wait, read the body).
    pub timeout: Duration,
    /// Connect timeout. A request that fails to connect was never sent.
    pub connect_timeout: Duration,
    /// The longest a request waits after an HTTP 429 told the client to slow down (default: the
    /// longest pause, [`crate::slow_down::MAX_PAUSE`], so every request waits its turn). When
    /// more of the pause is left, the request is not sent and fails at once as a 429
    /// ([`crate::Error::is_too_many_requests`], retryable). A server in front of Iamport (the
    /// relay) sets zero: it passes the pause on to its callers instead of holding them.
    pub slow_down_wait: Duration,
}

impl Config {
    /// A configuration with the default timeouts (10 s per request, 5 s to connect).
    pub fn new(
        base_url: impl Into<String>,
        imp_key: impl Into<String>,
        imp_secret: impl Into<String>,
    ) -> Self {
        Self {
            base_url: base_url.into(),
            imp_key: imp_key.into(),
            imp_secret: Secret::new(imp_secret),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            slow_down_wait: crate::slow_down::MAX_PAUSE,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("imp_key", &"[redacted]")
            .field("imp_secret", &self.imp_secret)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("slow_down_wait", &self.slow_down_wait)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_key_and_secret() {
        let config = Config::new("http://127.0.0.1:1", "my-rest-key", "my-rest-secret");
        let shown = format!("{config:?}");
        assert!(!shown.contains("my-rest-key"), "key leaked: {shown}");
        assert!(!shown.contains("my-rest-secret"), "secret leaked: {shown}");
        assert!(
            shown.contains("127.0.0.1"),
            "the base URL is not secret: {shown}"
        );
    }
}
