//! Who may talk to a sandbox: the [`Guard`] an embedding app turns on, and the middleware that
//! applies it to every request.
//!
//! A sandbox on loopback is reachable from every web page the person opens in a browser on the
//! same PC. Such a page can send "simple" requests without asking (a form post, a `text/plain`
//! or bodiless `fetch` in `no-cors` mode) and, after re-pointing its own domain name at
//! 127.0.0.1 (DNS rebinding), can even read the replies as if it were same-origin. Everything
//! else (a JSON body, a custom header such as `Authorization`) needs a CORS preflight that only
//! the SDK routes answer, and only for the origins allowed. So, with the guard on:
//!
//! - **Host**: a request whose `Host` is not exactly the bound loopback address and port is
//!   refused (a rebound domain name always sends its own name).
//! - **Origin**: a request that carries an `Origin` other than the sandbox's own or an allowed one
//!   is refused, and only the allowed origins get CORS answers on the SDK routes.
//! - **JSON only**: a state-changing request that carries a body or a content type must be
//!   `application/json`; the routes that need no access token (`/users/getToken`, the SDK's
//!   `/__sdk/*`, the control API) must be JSON even without a body. A web page can send neither
//!   without a preflight.
//! - **Control token**: `/__sandbox/*` needs the header [`CONTROL_TOKEN_HEADER`] with the token
//!   only the embedding app knows.
//!
//! [`Guard::default`] is open: the standalone test tool keeps its open control API.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use std::sync::Arc;

use crate::envelope::ApiError;
use crate::state::Shared;

/// The header that carries the control token on `/__sandbox/*`.
pub const CONTROL_TOKEN_HEADER: &str = "x-sandbox-token";

/// The protection of a sandbox. `Default` is open (the standalone test tool); an app that runs
/// a sandbox on the shop's PC uses [`Guard::strict`].
#[derive(Clone, Default)]
pub struct Guard {
    /// When set, `/__sandbox/*` answers only requests that carry this token in
    /// [`CONTROL_TOKEN_HEADER`].
    pub control_token: Option<String>,
    /// Refuse requests whose `Host` header is not the bound address (`127.0.0.1:PORT`).
    pub bound_host_only: bool,
    /// Origins (besides the sandbox's own) that web pages may call from (`tauri://localhost`);
    /// `None` allows every origin (CORS answers any).
    pub allowed_origins: Option<Vec<String>>,
    /// State-changing requests must be `application/json` (see the module notes).
    pub json_only: bool,
}

impl std::fmt::Debug for Guard {
    // The token never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field(
                "control_token",
                &self.control_token.as_ref().map(|_| "[set]"),
            )
            .field("bound_host_only", &self.bound_host_only)
            .field("allowed_origins", &self.allowed_origins)
            .field("json_only", &self.json_only)
            .finish()
    }
}

impl Guard {
    /// Everything on: a fresh random control token, the bound host only, JSON only, and web
    /// pages only from `origins`.
    pub fn strict(origins: &[&str]) -> Guard {
        Guard {
            control_token: Some(random_token()),
            bound_host_only: true,
            allowed_origins: Some(origins.iter().map(|o| (*o).to_owned()).collect()),
            json_only: true,
        }
    }
}

/// 32 random bytes as 64 hex digits.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Why the guard refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `Host` is not the bound address.
    Host,
    /// `Origin` is neither the sandbox's own nor allowed.
    Origin,
    /// A state-changing request that is not JSON.
    NotJson,
    /// The control API without the right token.
    ControlToken,
}

fn header_str<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn is_json(headers: &HeaderMap) -> bool {
    header_str(headers, &header::CONTENT_TYPE).is_some_and(|ct| {
        let essence = ct.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/json")
    })
}

fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || header_str(headers, &header::CONTENT_LENGTH)
            .is_some_and(|n| n.trim().parse::<u64>() != Ok(0))
}

impl Shared {
    /// `http://127.0.0.1:PORT`: the sandbox's own origin.
    fn own_origin(&self) -> String {
        format!("http://{}", self.bound)
    }

    /// Whether a page from `origin` may call the sandbox.
    pub(crate) fn origin_allowed(&self, origin: &str) -> bool {
        match &self.config.guard.allowed_origins {
            None => true,
            Some(list) => origin == self.own_origin() || list.iter().any(|o| o == origin),
        }
    }

    /// The guard's verdict on any request: its host, its origin, and (when it changes state and
    /// carries a body or a content type) that it is JSON.
    pub(crate) fn check(&self, method: &Method, headers: &HeaderMap) -> Result<(), Refused> {
        let guard = &self.config.guard;
        if guard.bound_host_only {
            let host = header_str(headers, &header::HOST).unwrap_or("");
            if host != self.bound.to_string() {
                return Err(Refused::Host);
            }
        }
        if let Some(origin) = header_str(headers, &header::ORIGIN) {
            if !self.origin_allowed(origin) {
                return Err(Refused::Origin);
            }
        }
        if guard.json_only
            && changes_state(method)
            && !is_json(headers)
            && (has_body(headers) || headers.contains_key(header::CONTENT_TYPE))
        {
            return Err(Refused::NotJson);
        }
        Ok(())
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn refuse(refused: Refused, req: &Request) -> Response {
    tracing::warn!(?refused, path = %req.uri().path(), "iamport-sandbox refused a request");
    ApiError::Refused(refused).into_response()
}

/// Every request: refuses what [`Shared::check`] refuses, with an envelope, before routing.
pub async fn enforce(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    match shared.check(req.method(), req.headers()) {
        Ok(()) => next.run(req).await,
        Err(refused) => refuse(refused, &req),
    }
}

/// The routes a web page reaches without an access token (`getToken`, the SDK's, the control
/// API): with the guard on, a state-changing request must be JSON even without a body.
pub async fn require_json(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    if shared.config.guard.json_only && changes_state(req.method()) && !is_json(req.headers()) {
        return refuse(Refused::NotJson, &req);
    }
    next.run(req).await
}

/// The control API: the token in [`CONTROL_TOKEN_HEADER`], when one is configured.
pub async fn require_control_token(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(expected) = &shared.config.guard.control_token {
        let given = req
            .headers()
            .get(CONTROL_TOKEN_HEADER)
            .map(HeaderValue::as_bytes)
            .unwrap_or_default();
        if !same_secret(given, expected.as_bytes()) {
            return refuse(Refused::ControlToken, &req);
        }
    }
    next.run(req).await
}
