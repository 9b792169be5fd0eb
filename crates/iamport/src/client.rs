//! The client handle and the one path every call takes: token, send, 401 heal, envelope.
//!
//! Transport failures are classified by whether the request can have reached Iamport:
//! a connect failure never did (retryable); anything later is retryable only for idempotent
//! lookups and becomes [`Error::OutcomeUnknown`] for charges, cancels and schedule changes.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::config::{Config, Secret};
use crate::envelope::Reply;
use crate::error::{excerpt, Error, Result};
use crate::server_clock::{local_unix_ms, ServerClock};
use crate::slow_down::SlowDown;
use crate::token::CachedToken;

/// The header a relay (panmusic-relay) sets on a 503 when it could not reach Iamport at all
/// (its own connection to Iamport failed, or its change feed reader finds Iamport unreachable).
/// Such a reply is [`Error::Transport`], as a dead Iamport is to a client talking to it directly:
/// the request did not reach Iamport, so it is safe to repeat, and the caller is offline.
pub const UNREACHABLE_HEADER: &str = "x-panmusic-upstream";
/// The value of [`UNREACHABLE_HEADER`] that says Iamport is unreachable.
pub const UNREACHABLE_VALUE: &str = "unreachable";

/// Replies larger than this are refused (a 1000-payment page is about 2 MB).
pub(crate) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A V1 REST client. Cheap to clone: clones share one connection pool, one token cache and one
/// slow-down gate (after an HTTP 429 no clone sends anything until the pause has passed).
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) imp_key: String,
    pub(crate) imp_secret: Secret,
    /// Held across the token request on purpose: this is what makes refreshes single-flight.
    /// It is a tokio mutex, so waiting callers yield, and a cancelled refresher releases it.
    pub(crate) token: tokio::sync::Mutex<Option<CachedToken>>,
    pub(crate) token_requests: AtomicU64,
    /// Iamport's clock, learned from token replies.
    pub(crate) server_clock: ServerClock,
    /// Closed for a while by an HTTP 429 ("too many requests"); every request waits at it.
    pub(crate) slow_down: SlowDown,
    /// The longest a request waits at `slow_down` before failing unsent.
    pub(crate) slow_down_wait: std::time::Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("token_requests", &self.token_requests())
            .field("too_many_requests", &self.too_many_requests())
            .finish_non_exhaustive()
    }
}

/// Whether `url` names this machine: `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether repeating a request can change anything at Iamport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// A lookup: repeating is harmless.
    Idempotent,
    /// A charge, cancel or schedule change: a lost answer leaves the outcome unknown.
    Mutating,
}

/// One prepared HTTP request.
pub(crate) struct Call {
    pub operation: &'static str,
    pub method: Method,
    pub url: Url,
    pub body: Option<Vec<u8>>,
    pub effect: Effect,
}

impl Client {
    /// Builds a client: one `reqwest` client (rustls, connection reuse) with the configured
    /// timeouts. Fails on a base URL that cannot carry paths, and on a plain `http://` URL
    /// whose host is not a loopback address ([`Error::InsecureBaseUrl`]): every path to
    /// Iamport goes through here, so none can send the secret unencrypted over a network.
    pub fn new(config: Config) -> Result<Client> {
        let base =
            Url::parse(config.base_url.trim_end_matches('/')).map_err(|e| Error::Config {
                reason: format!("base URL {:?}: {e}", config.base_url),
                source: None,
            })?;
        if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Config {
                reason: format!(
                    "base URL {:?} must be http(s)://host[/path]",
                    config.base_url
                ),
                source: None,
            });
        }
        if base.scheme() == "http" && !is_loopback(&base) {
            return Err(Error::InsecureBaseUrl {
                url: config.base_url.clone(),
            });
        }
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            // Iamport does not redirect; following one could re-send a charge as a GET or
            // carry the token elsewhere. A 3xx surfaces as an error instead.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("panmusic-iamport/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config {
                reason: "cannot build the HTTP client".into(),
                source: Some(e),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                imp_key: config.imp_key,
                imp_secret: config.imp_secret,
                token: tokio::sync::Mutex::new(None),
                token_requests: AtomicU64::new(0),
                server_clock: ServerClock::default(),
                slow_down: SlowDown::default(),
                slow_down_wait: config.slow_down_wait,
            }),
        })
    }

    /// How many `POST /users/getToken` requests this client (and its clones) has sent.
    pub fn token_requests(&self) -> u64 {
        self.inner.token_requests.load(Ordering::Relaxed)
    }

    /// How many HTTP 429 ("too many requests") replies this client (and its clones) has
    /// received. Each one paused every request of the client for its `Retry-After`.
    pub fn too_many_requests(&self) -> u64 {
        self.inner.slow_down.told_count()
    }

    /// How much longer an HTTP 429 asks this client to send nothing (`None`: requests go at
    /// once). A relay passes it on to its callers as their `Retry-After`.
    pub fn slow_down_left(&self) -> Option<std::time::Duration> {
        self.inner.slow_down.left()
    }

    /// `iamport_now - local_now` in milliseconds, as measured when the last token reply arrived
    /// (`None` before any token reply: offline, or nothing asked yet).
    pub fn clock_offset_ms(&self) -> Option<i64> {
        self.inner.server_clock.offset_ms()
    }

    /// Iamport's now in Unix milliseconds (`local_now + offset`), if a token reply has told the
    /// offset. Sends nothing.
    pub fn iamport_now_ms(&self) -> Option<i64> {
        self.clock_offset_ms()
            .map(|offset| local_unix_ms().saturating_add(offset))
    }

    /// Iamport's now in Unix milliseconds, asking for a token first (one request, or none if
    /// the cached token is fresh) when no offset is known yet. An error means Iamport did not
    /// answer (or refused the key): the caller falls back to its own clock and says so.
    pub async fn learn_iamport_now_ms(&self) -> Result<i64> {
        if let Some(now) = self.iamport_now_ms() {
            return Ok(now);
        }
        self.token().await?;
        self.iamport_now_ms().ok_or_else(|| Error::Config {
            reason: "the token reply did not tell Iamport's time".into(),
            source: None,
        })
    }

    /// `base/seg1/seg2…`, each segment percent-encoded (an id containing `/` stays one segment).
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            // `new` refused cannot-be-a-base URLs, so this branch always runs.
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Serialises a request body.
    pub(crate) fn json_body(operation: &'static str, body: &impl Serialize) -> Result<Vec<u8>> {
        serde_json::to_vec(body).map_err(|_| Error::InvalidRequest {
            operation,
            reason: "the request body cannot be encoded as JSON",
        })
    }

    /// Strings that must never appear in an error.
    pub(crate) fn secrets<'a>(&'a self, token: Option<&'a CachedToken>) -> [&'a str; 3] {
        [
            self.inner.imp_key.as_str(),
            self.inner.imp_secret.expose(),
            token.map(|t| t.value.expose()).unwrap_or(""),
        ]
    }

    /// Runs an authenticated call: cached token, one heal on 401, envelope rules. For a
    /// mutating call, replies that do not prove the outcome become [`Error::OutcomeUnknown`]
    /// (token failures do not: the business request was not sent).
    pub(crate) async fn call<T: DeserializeOwned>(&self, call: &Call) -> Result<T> {
        let view = |e: Error| match call.effect {
            Effect::Idempotent => e,
            Effect::Mutating => mutating_view(e),
        };
        let mut used = self.token().await?;
        let (mut status, mut body) = self.send(call, Some(&used.header)).await.map_err(view)?;
        if status == 401 {
            // A 401 means the request was refused unseen, so repeating it is safe.
            tracing::debug!(operation = call.operation, "401: refreshing the token once");
            used = self.refresh_after_rejection(&used).await?;
            (status, body) = self.send(call, Some(&used.header)).await.map_err(view)?;
        }
        let secrets = self.secrets(Some(&used));
        Reply {
            operation: call.operation,
            status,
            body: &body,
            secrets: &secrets,
        }
        .decode()
        .map_err(view)
    }

    /// Sends one request and reads the whole body (capped at [`MAX_BODY_BYTES`]). Waits first
    /// while an earlier 429 of this client (or a clone) asks it to slow down; a 429 reply closes
    /// that gate for its `Retry-After` (see [`crate::slow_down`]).
    pub(crate) async fn send(
        &self,
        call: &Call,
        auth: Option<&HeaderValue>,
    ) -> Result<(u16, Vec<u8>)> {
        if let Err(left) = self.inner.slow_down.wait(self.inner.slow_down_wait).await {
            // Not sent: answered as the server would, a retryable "too many requests".
            return Err(Error::Api {
                operation: call.operation,
                http_status: 429,
                code: -1,
                message: format!(
                    "not sent: told to slow down, {} ms left (too many requests)",
                    left.as_millis()
                ),
            });
        }
        let started = Instant::now();
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), call.url.clone());
        if let Some(auth) = auth {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let mut response = request.send().await.map_err(|e| classify(call, None, e))?;
        let status = response.status().as_u16();
        if status == 429 {
            let pause = self
                .inner
                .slow_down
                .told(response.headers().get(RETRY_AFTER));
            tracing::debug!(
                operation = call.operation,
                pause_ms = pause.as_millis() as u64,
                "429: every request of this client waits"
            );
        }
        if status == 503
            && response
                .headers()
                .get(UNREACHABLE_HEADER)
                .is_some_and(|v| v.as_bytes() == UNREACHABLE_VALUE.as_bytes())
        {
            // A relay in front of Iamport could not reach it: nothing reached Iamport, exactly
            // as when this client cannot connect to Iamport itself.
            tracing::debug!(
                operation = call.operation,
                "the relay reports Iamport unreachable"
            );
            return Err(Error::Transport {
                operation: call.operation,
                reason: "Iamport unreachable behind the relay".to_owned(),
                source: None,
            });
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len().saturating_add(chunk.len()) > MAX_BODY_BYTES {
                        return Err(Error::Decode {
                            operation: call.operation,
                            http_status: status,
                            reason: format!("reply larger than {MAX_BODY_BYTES} bytes"),
                            raw_body_excerpt: excerpt(&body, &self.secrets(None)),
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(call, Some(status), e)),
            }
        }
        tracing::debug!(
            operation = call.operation,
            method = %call.method,
            path = call.url.path(),
            status,
            bytes = body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "iamport call"
        );
        Ok((status, body))
    }
}

/// Sorts a transport failure into "not sent / safe" and "may have happened".
fn classify(call: &Call, http_status: Option<u16>, source: reqwest::Error) -> Error {
    let never_sent = http_status.is_none() && (source.is_connect() || source.is_builder());
    let reason = if source.is_connect() {
        "could not connect"
    } else if source.is_timeout() {
        "timed out"
    } else if http_status.is_some() {
        "connection lost while reading the reply"
    } else {
        "connection lost before a reply"
    };
    tracing::debug!(
        operation = call.operation,
        never_sent,
        reason,
        "iamport transport failure"
    );
    if never_sent || call.effect == Effect::Idempotent {
        Error::Transport {
            operation: call.operation,
            reason: reason.to_owned(),
            source: Some(source),
        }
    } else {
        Error::OutcomeUnknown {
            operation: call.operation,
            http_status,
            reason: reason.to_owned(),
            source: Some(source),
        }
    }
}

/// For a mutating call, replies that do not prove what happened become
/// [`Error::OutcomeUnknown`]: any 5xx, and a 2xx whose body cannot be decoded.
fn mutating_view(err: Error) -> Error {
    match err {
        Error::Server {
            operation,
            http_status,
            code,
            message,
        } => Error::OutcomeUnknown {
            operation,
            http_status: Some(http_status),
            reason: match code {
                Some(code) => format!("HTTP {http_status}, code {code}: {message}"),
                None => format!("HTTP {http_status}: {message}"),
            },
            source: None,
        },
        Error::Decode {
            operation,
            http_status: http_status @ 200..=299,
            reason,
            raw_body_excerpt,
        } => Error::OutcomeUnknown {
            operation,
            http_status: Some(http_status),
            reason: format!("undecodable reply ({reason}); body starts: {raw_body_excerpt}"),
            source: None,
        },
        other => other,
    }
}
