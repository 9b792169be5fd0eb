//! A minimal Iamport on loopback with knobs for precise fault injection: token lifetime and
//! clock skew, token rotation (a 401 mid-run), slow replies, canned replies, and counters.
//! Payments are generated from the 2024 card fixture; ids starting with `missing` do not exist.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod routes;
use routes::{again, batch, by_status, cancel, find, get_token, payment};

pub const KEY: &str = "fake-key";
pub const SECRET: &str = "fake-secret-do-not-leak";
const CARD_2024: &str = include_str!("../../../fixtures/payment_card_2024.json");
const AGAIN_FAILED: &str = include_str!("../../../fixtures/again_failed.json");

/// Knobs and records, all behind one mutex (tests are small).
#[derive(Default)]
pub struct Knobs {
    /// Token lifetime reported in `expired_at - now` (default 1800 s).
    pub lifetime: Option<u64>,
    /// Added to the server's `now` (clock skew), seconds.
    pub skew: i64,
    /// Delay inside getToken (makes concurrent callers overlap).
    pub token_delay: Duration,
    /// Delay before answering `again`.
    pub again_delay: Duration,
    /// Delay before answering a payment lookup.
    pub lookup_delay: Duration,
    /// Refuse every business call with 401, whatever the token.
    pub reject_all: bool,
    /// A canned `(status, body)` for `POST /subscribe/payments/again`.
    pub canned_again: Option<(u16, String)>,
    /// A canned `(status, body)` for `POST /users/getToken`.
    pub canned_token: Option<(u16, String)>,
    /// A canned `(status, body)` for `GET /payments/find/*`.
    pub canned_find: Option<(u16, String)>,
    /// Number of ids in each `GET /payments` call.
    pub batch_sizes: Vec<usize>,
    /// `/payments/status/*` always claims a next page (a confused server).
    pub lying_next: bool,
    /// Total payments behind `/payments/status/*`.
    pub status_total: u64,
    /// Raw (still percent-encoded) paths received by `/payments/find/*`.
    pub find_paths: Vec<String>,
}

struct TokenState {
    value: String,
    /// Real-clock second at which it expires.
    expires: u64,
}

pub struct Shared {
    pub knobs: Mutex<Knobs>,
    token: Mutex<Option<TokenState>>,
    pub token_calls: AtomicU64,
    pub rejected_401: AtomicU64,
    pub business_calls: AtomicU64,
    /// Serial of the last token minted (never reused, even after a revoke).
    serial: AtomicU64,
}

pub struct Fake {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn envelope(status: u16, code: i64, message: Option<&str>, response: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        Json(json!({"code": code, "message": message, "response": response})),
    )
        .into_response()
}

/// The fixture card payment with the given ids.
pub fn payment_json(imp_uid: &str, merchant_uid: &str) -> Value {
    let mut v: Value = serde_json::from_str(CARD_2024).unwrap_or(Value::Null);
    let mut p = v["response"].take();
    p["imp_uid"] = json!(imp_uid);
    p["merchant_uid"] = json!(merchant_uid);
    p
}

impl Fake {
    pub async fn start() -> Fake {
        Self::start_with(Knobs::default()).await
    }

    pub async fn start_with(knobs: Knobs) -> Fake {
        let shared = Arc::new(Shared {
            knobs: Mutex::new(knobs),
            token: Mutex::new(None),
            token_calls: AtomicU64::new(0),
            rejected_401: AtomicU64::new(0),
            business_calls: AtomicU64::new(0),
            serial: AtomicU64::new(0),
        });
        let app = Router::new()
            .route("/users/getToken", post(get_token))
            .route("/payments", get(batch))
            .route("/payments/{imp_uid}", get(payment))
            .route("/payments/find/{*rest}", get(find))
            .route("/payments/status/{status}", get(by_status))
            .route("/payments/cancel", post(cancel))
            .route("/subscribe/payments/again", post(again))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Fake {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn config(&self) -> iamport::Config {
        iamport::Config::new(self.base_url(), KEY, SECRET)
    }

    pub fn client(&self) -> iamport::Client {
        iamport::Client::new(self.config()).expect("client")
    }

    pub fn knobs(&self) -> MutexGuard<'_, Knobs> {
        lock(&self.shared.knobs)
    }

    /// Invalidates the current token server-side (the next getToken issues a new one).
    pub fn revoke_token(&self) {
        *lock(&self.shared.token) = None;
    }

    pub fn token_calls(&self) -> u64 {
        self.shared.token_calls.load(Ordering::SeqCst)
    }

    pub fn rejected_401(&self) -> u64 {
        self.shared.rejected_401.load(Ordering::SeqCst)
    }

    pub fn business_calls(&self) -> u64 {
        self.shared.business_calls.load(Ordering::SeqCst)
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
