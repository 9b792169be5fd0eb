//! Request counters and injected faults for REST calls (never for `/__sandbox/*` or the SDK).
//!
//! A fault plan draws from a seeded RNG, so a run with the same seed and the same request
//! sequence sees the same faults. Kinds: `error` (503 with an envelope), `timeout` (the reply is
//! held until the client gives up, or the server shuts down), `drop` (the connection is closed
//! after part of the reply was sent), plus a fixed `latency_ms` before every reply.

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::envelope::ApiError;
use crate::state::Shared;

/// How long a `timeout` fault holds a reply at most (clients give up well before).
pub const HOLD_MAX: Duration = Duration::from_secs(300);

/// `GET /__sandbox/stats`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Stats {
    /// Every REST call, whatever its outcome.
    pub total: u64,
    /// New access tokens minted (reuses and extensions are not counted).
    pub tokens_issued: u64,
    /// REST calls by `"METHOD /route/{template}"`.
    pub by_route: BTreeMap<String, u64>,
}

/// The body of `POST /__sandbox/faults`; every field optional, `{}` turns faults off.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Share of calls answered with a 5xx envelope.
    pub error_rate: Option<f64>,
    /// Share of calls never answered (until the client gives up).
    pub timeout_rate: Option<f64>,
    /// Share of calls whose connection is closed mid-reply.
    pub drop_rate: Option<f64>,
    /// Delay before every reply, in milliseconds.
    pub latency_ms: Option<u64>,
    /// RNG seed (default 0).
    pub seed: Option<u64>,
}

/// The active fault plan.
#[derive(Debug)]
pub struct FaultPlan {
    error_rate: f64,
    timeout_rate: f64,
    drop_rate: f64,
    latency: Duration,
    rng: StdRng,
}

impl Default for FaultPlan {
    fn default() -> Self {
        FaultPlan {
            error_rate: 0.0,
            timeout_rate: 0.0,
            drop_rate: 0.0,
            latency: Duration::ZERO,
            rng: StdRng::seed_from_u64(0),
        }
    }
}

/// What happens to one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Error,
    Timeout,
    Drop,
}

impl FaultPlan {
    /// Builds a plan; rates must be within 0..=1 and latency at most 60 s.
    pub fn from_spec(spec: &FaultSpec) -> Result<Self, ApiError> {
        let rate = |r: Option<f64>, name: &'static str| {
            let r = r.unwrap_or(0.0);
            if (0.0..=1.0).contains(&r) {
                Ok(r)
            } else {
                Err(ApiError::InvalidParam(name))
            }
        };
        let latency_ms = spec.latency_ms.unwrap_or(0);
        if latency_ms > 60_000 {
            return Err(ApiError::InvalidParam("latency_ms (at most 60000)"));
        }
        Ok(FaultPlan {
            error_rate: rate(spec.error_rate, "error_rate (0..1)")?,
            timeout_rate: rate(spec.timeout_rate, "timeout_rate (0..1)")?,
            drop_rate: rate(spec.drop_rate, "drop_rate (0..1)")?,
            latency: Duration::from_millis(latency_ms),
            rng: StdRng::seed_from_u64(spec.seed.unwrap_or(0)),
        })
    }

    fn draw(&mut self) -> (Fault, Duration) {
        let fault = if self.error_rate > 0.0 && self.rng.random_bool(self.error_rate) {
            Fault::Error
        } else if self.timeout_rate > 0.0 && self.rng.random_bool(self.timeout_rate) {
            Fault::Timeout
        } else if self.drop_rate > 0.0 && self.rng.random_bool(self.drop_rate) {
            Fault::Drop
        } else {
            Fault::None
        };
        (fault, self.latency)
    }
}

/// Counts a REST call under its route template.
pub fn count(shared: &Shared, key: String) {
    let mut stats = shared.stats.lock();
    stats.total += 1;
    *stats.by_route.entry(key).or_insert(0) += 1;
}

/// Middleware on every REST route: count it, then apply the fault plan.
pub async fn count_and_fault(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let template = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| req.uri().path().to_owned());
    count(&shared, format!("{} {}", req.method(), template));
    let (fault, latency) = shared.faults.lock().draw();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Fault::None => next.run(req).await,
        Fault::Error => ApiError::InjectedFault.into_response(),
        Fault::Timeout => {
            let mut shutdown = shared.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(HOLD_MAX) => {}
                _ = shutdown.wait_for(|down| *down) => {}
            }
            (StatusCode::GATEWAY_TIMEOUT, ApiError::InjectedFault).into_response()
        }
        Fault::Drop => dropped_reply(),
    }
}

/// A reply that promises more bytes than it sends, then fails its body: hyper closes the
/// connection, and the client sees a reply cut in the middle.
fn dropped_reply() -> Response {
    let chunks: Vec<Result<&'static [u8], std::io::Error>> = vec![
        Ok(b"{\"code\":0,\"message\":null,\"response\":{"),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "sandbox fault: connection dropped",
        )),
    ];
    let mut resp = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    resp.headers_mut().insert(
        header::CONTENT_LENGTH,
        header::HeaderValue::from_static("4096"),
    );
    resp
}
