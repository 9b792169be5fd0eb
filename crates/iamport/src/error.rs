//! The one error type of the crate.
//!
//! The split that matters to callers is *what to do next*:
//! - [`Error::Transport`]: no answer, and repeating the call is safe (the request never left, or
//!   it was an idempotent lookup). Retry with backoff.
//! - [`Error::OutcomeUnknown`]: a charge, cancel or schedule change was sent and no usable
//!   answer came back (lost, 5xx, or undecodable). It may have happened. Look the
//!   `merchant_uid` up before sending it again.
//! - [`Error::Server`]: Iamport answered 5xx to a lookup. Retry with backoff.
//! - everything else is permanent for the same input.
//!
//! No variant carries the REST key, the secret or an access token: messages and body excerpts
//! are passed through [`redact`] before they are stored.

/// Result of every client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to Iamport.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration cannot make a client (bad base URL, TLS backend failure).
    #[error("invalid Iamport client configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// The base URL is plain `http://` to a host that is not this machine: the REST secret and
    /// every token would cross the network unencrypted. Refused before anything is sent.
    #[error("Iamport 주소는 https:// 여야 합니다 ({url}). http:// 는 이 PC(루프백 주소)에서만 쓸 수 있습니다. (the Iamport address must use https unless it is a loopback address)")]
    InsecureBaseUrl {
        /// The refused address.
        url: String,
    },

    /// The request was refused by the client before sending (e.g. a cancel with no target, a
    /// zero amount). Nothing was sent.
    #[error("invalid {operation} request: {reason}")]
    InvalidRequest {
        /// Operation name.
        operation: &'static str,
        /// What is wrong.
        reason: &'static str,
    },

    /// No answer, and repeating is safe: the request was never sent (connect failure, connect
    /// timeout), or it was an idempotent lookup. Retryable.
    #[error("{operation}: {reason} (safe to retry)")]
    Transport {
        /// Operation name.
        operation: &'static str,
        /// What happened ("could not connect", "timed out", …).
        reason: String,
        /// The transport failure, when there is one.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// A charge, cancel or schedule change may have taken effect but the client cannot tell:
    /// no complete answer came back, a 5xx came back (a gateway error does not prove nothing
    /// happened), or a 2xx reply could not be decoded. Not retryable as is: look the order up
    /// (e.g. [`crate::Client::find_payment`]) before sending it again.
    #[error("{operation}: outcome unknown, look it up before retrying: {reason}")]
    OutcomeUnknown {
        /// Operation name.
        operation: &'static str,
        /// HTTP status, if one arrived.
        http_status: Option<u16>,
        /// What happened (secrets redacted).
        reason: String,
        /// The transport failure, when there is one.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// Iamport refused the credentials or the token (even after one refresh).
    #[error("{operation}: authentication refused (HTTP {http_status}): {message}")]
    Auth {
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        http_status: u16,
        /// Iamport's message, or a description when the body had none.
        message: String,
    },

    /// The thing looked up does not exist (HTTP 404).
    #[error("{operation}: not found: {message}")]
    NotFound {
        /// Operation name.
        operation: &'static str,
        /// Iamport's `code`, if the body was an envelope.
        code: Option<i64>,
        /// Iamport's message, or a description when the body had none.
        message: String,
    },

    /// Iamport answered with an envelope whose `code` is not 0 (often with HTTP 200), or a 4xx
    /// other than 401/404. Permanent for the same input (except HTTP 429).
    #[error("{operation}: Iamport error (HTTP {http_status}, code {code}): {message}")]
    Api {
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        http_status: u16,
        /// Iamport's `code`.
        code: i64,
        /// Iamport's message (free Korean text; show it, do not parse it).
        message: String,
    },

    /// Iamport answered 5xx to a lookup. Retryable. (For a charge, cancel or schedule change a
    /// 5xx is [`Error::OutcomeUnknown`] instead.)
    #[error("{operation}: Iamport server error (HTTP {http_status}): {message}")]
    Server {
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        http_status: u16,
        /// Iamport's `code`, if the body was an envelope.
        code: Option<i64>,
        /// Iamport's message, or a description when the body had none.
        message: String,
    },

    /// The answer to a lookup could not be understood (not JSON, wrong shape, fractional won,
    /// too large). (For a charge, cancel or schedule change a 2xx that cannot be decoded is
    /// [`Error::OutcomeUnknown`] instead.)
    #[error("{operation}: cannot decode Iamport reply (HTTP {http_status}): {reason}")]
    Decode {
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        http_status: u16,
        /// What was wrong.
        reason: String,
        /// The start of the body (lossy UTF-8, secrets redacted), for the log.
        raw_body_excerpt: String,
    },
}

impl Error {
    /// Whether repeating the same call later is safe and may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Server { .. } => true,
            Error::Api { http_status, .. } => *http_status == 429,
            Error::Config { .. }
            | Error::InsecureBaseUrl { .. }
            | Error::InvalidRequest { .. }
            | Error::OutcomeUnknown { .. }
            | Error::Auth { .. }
            | Error::NotFound { .. }
            | Error::Decode { .. } => false,
        }
    }

    /// Whether the server said "too many requests" (HTTP 429: Iamport, or a relay's per-store
    /// rate limit). Nothing was done; it is retryable, and the client already slows down.
    pub fn is_too_many_requests(&self) -> bool {
        matches!(
            self,
            Error::Api {
                http_status: 429,
                ..
            }
        )
    }

    /// Whether a non-idempotent request may or may not have taken effect.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// Whether the looked-up object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// Whether the credentials or token were refused.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth { .. })
    }

    /// A short stable name of the variant, for logs and the CLI.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Config { .. } => "config",
            Error::InsecureBaseUrl { .. } => "insecure_base_url",
            Error::InvalidRequest { .. } => "invalid_request",
            Error::Transport { .. } => "transport",
            Error::OutcomeUnknown { .. } => "outcome_unknown",
            Error::Auth { .. } => "auth",
            Error::NotFound { .. } => "not_found",
            Error::Api { .. } => "api",
            Error::Server { .. } => "server",
            Error::Decode { .. } => "decode",
        }
    }
}

/// Longest body excerpt kept in a [`Error::Decode`].
pub(crate) const EXCERPT_BYTES: usize = 2048;

/// The start of `body` as text with every secret replaced by `[redacted]`.
///
/// The window read is longer than the excerpt by the longest secret, so a secret straddling
/// the cut is still found whole and redacted before the text is shortened.
pub(crate) fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let longest = secrets.iter().map(|s| s.len()).max().unwrap_or(0);
    let window = body.len().min(EXCERPT_BYTES.saturating_add(longest));
    let mut text = redact(
        String::from_utf8_lossy(&body[..window]).into_owned(),
        secrets,
    );
    if text.len() > EXCERPT_BYTES {
        let mut cut = EXCERPT_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    if body.len() > EXCERPT_BYTES {
        text.push_str(&format!("… [{} bytes in all]", body.len()));
    }
    text
}

/// Replaces every occurrence of each non-empty secret by `[redacted]`.
pub(crate) fn redact(mut text: String, secrets: &[&str]) -> String {
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret) {
            text = text.replace(secret, "[redacted]");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_redacts_secrets_and_caps_length() {
        let mut body = b"{\"message\":\"bad key my-secret\"}".to_vec();
        body.extend(std::iter::repeat_n(b'x', 10_000));
        let text = excerpt(&body, &["my-secret", ""]);
        assert!(!text.contains("my-secret"), "secret leaked: {text}");
        assert!(text.contains("[redacted]"), "the redaction is visible");
        assert!(
            text.len() < EXCERPT_BYTES + 64,
            "excerpt must be capped, got {} bytes",
            text.len()
        );
    }

    #[test]
    fn secret_straddling_the_excerpt_cut_is_not_partly_shown() {
        let secret = "STRADDLING-SECRET-0123456789";
        let mut body = vec![b'x'; EXCERPT_BYTES - 5];
        body.extend_from_slice(secret.as_bytes());
        body.extend(std::iter::repeat_n(b'y', 100));
        let text = excerpt(&body, &[secret]);
        assert!(
            !text.contains("STRAD"),
            "a prefix of the secret leaked: …{}",
            &text[text.len() - 60..]
        );
    }

    #[test]
    fn excerpt_of_multibyte_text_cuts_on_a_char_boundary() {
        let body = "가".repeat(EXCERPT_BYTES);
        let text = excerpt(body.as_bytes(), &[]);
        assert!(text.starts_with("가가"), "text kept: {}", &text[..12]);
    }

    #[test]
    fn excerpt_of_invalid_utf8_does_not_panic() {
        let text = excerpt(&[0xff, 0xfe, b'a', 0xc3], &[]);
        assert!(text.contains('a'), "valid bytes survive: {text}");
    }

    #[test]
    fn only_transport_server_and_429_are_retryable() {
        let api = |http_status| Error::Api {
            operation: "t",
            http_status,
            code: 1,
            message: String::new(),
        };
        assert!(!api(200).is_retryable(), "a business error is permanent");
        assert!(api(429).is_retryable(), "rate limiting is transient");
        assert!(api(429).is_too_many_requests(), "429 is too many requests");
        assert!(!api(200).is_too_many_requests(), "a business error is not");
        let server = Error::Server {
            operation: "t",
            http_status: 503,
            code: None,
            message: String::new(),
        };
        assert!(server.is_retryable(), "5xx is transient");
        let nf = Error::NotFound {
            operation: "t",
            code: None,
            message: String::new(),
        };
        assert!(
            !nf.is_retryable() && nf.is_not_found(),
            "not found is permanent"
        );
    }
}
