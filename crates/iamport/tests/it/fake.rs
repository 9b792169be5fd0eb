//! A minimal Iamport on loopback with knobs for precise fault injection: token lifetime and
//! clock skew, token rotation (a 401 mid-run), slow replies, canned replies, and counters.
//! Payments are generated from the 2024 card fixture; ids starting with `missing` do not exist.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const KEY: &str = "fake-key";
pub const SECRET: &str = "fake-secret-do-not-leak";
const CARD_2024: &str = include_str!("../../fixtures/payment_card_2024.json");
const AGAIN_FAILED: &str = include_str!("../../fixtures/again_failed.json");

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

async fn get_token(State(s): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    s.token_calls.fetch_add(1, Ordering::SeqCst);
    let (delay, lifetime, skew, canned) = {
        let k = lock(&s.knobs);
        (
            k.token_delay,
            k.lifetime.unwrap_or(1800),
            k.skew,
            k.canned_token.clone(),
        )
    };
    tokio::time::sleep(delay).await;
    if let Some(canned) = canned {
        return canned_reply(canned);
    }
    if body["imp_key"] != KEY || body["imp_secret"] != SECRET {
        return envelope(401, -1, Some("imp_key/imp_secret not matched"), Value::Null);
    }
    let now = unix_now();
    let mut slot = lock(&s.token);
    let reuse = slot.as_ref().is_some_and(|t| t.expires > now);
    if !reuse {
        let serial = s.serial.fetch_add(1, Ordering::SeqCst) + 1;
        *slot = Some(TokenState {
            value: format!("{serial:040x}"),
            expires: now + lifetime,
        });
    }
    let Some(t) = slot.as_ref() else {
        return envelope(500, -1, Some("no token"), Value::Null);
    };
    let server_now = now as i64 + skew;
    let expired_at = t.expires as i64 + skew;
    envelope(
        200,
        0,
        None,
        json!({"access_token": t.value, "now": server_now, "expired_at": expired_at}),
    )
}

/// `Some(401 reply)` unless the bearer token is the current, unexpired one.
fn refuse(s: &Shared, headers: &HeaderMap) -> Option<Response> {
    s.business_calls.fetch_add(1, Ordering::SeqCst);
    let sent = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start_matches("Bearer ").to_owned());
    let ok = !lock(&s.knobs).reject_all
        && lock(&s.token)
            .as_ref()
            .is_some_and(|t| Some(&t.value) == sent.as_ref() && t.expires > unix_now());
    if ok {
        None
    } else {
        s.rejected_401.fetch_add(1, Ordering::SeqCst);
        Some(envelope(401, -1, Some("Unauthorized"), Value::Null))
    }
}

async fn payment(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(imp_uid): Path<String>,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let delay = lock(&s.knobs).lookup_delay;
    tokio::time::sleep(delay).await;
    if imp_uid.starts_with("missing") {
        return envelope(404, -1, Some("존재하지 않는 결제정보입니다."), Value::Null);
    }
    envelope(200, 0, None, payment_json(&imp_uid, "order_1"))
}

async fn find(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Path(rest): Path<String>,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let canned = {
        let mut k = lock(&s.knobs);
        k.find_paths.push(uri.path().to_owned());
        k.canned_find.clone()
    };
    match canned {
        Some(canned) => canned_reply(canned),
        None => envelope(200, 0, None, payment_json("imp_000000000001", &rest)),
    }
}

fn canned_reply((status, body): (u16, String)) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut reply = (status, [("content-type", "application/json")], body).into_response();
    if status.is_redirection() {
        // Points at a route that answers 200: following it would hide the redirect.
        reply.headers_mut().insert(
            "location",
            axum::http::HeaderValue::from_static("/payments/imp_followed"),
        );
    }
    reply
}

async fn batch(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    lock(&s.knobs).batch_sizes.push(pairs.len());
    if pairs.len() > 100 {
        return envelope(400, -1, Some("최대 100건"), Value::Null);
    }
    let found: Vec<Value> = pairs
        .iter()
        .filter(|(_, id)| !id.starts_with("missing"))
        .map(|(k, id)| match k.as_str() {
            "imp_uid[]" => payment_json(id, "order_x"),
            _ => payment_json("imp_000000000009", id),
        })
        .collect();
    match (found.len(), pairs.len()) {
        (0, _) => envelope(404, 1, Some("결제정보가 없습니다."), Value::Null),
        (f, n) if f < n => envelope(207, 0, None, Value::Array(found)),
        _ => envelope(200, 0, None, Value::Array(found)),
    }
}

async fn by_status(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(status): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let q: HashMap<String, String> = url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let page: u64 = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let limit: u64 = q.get("limit").and_then(|p| p.parse().ok()).unwrap_or(20);
    let (total, lying_next) = {
        let k = lock(&s.knobs);
        (k.status_total, k.lying_next)
    };
    let start = (page - 1) * limit;
    let list: Vec<Value> = (start..total.min(start + limit))
        .map(|i| {
            let mut p = payment_json(&format!("imp_{i:012}"), &format!("order_{i}"));
            p["status"] = json!(status);
            p
        })
        .collect();
    let next = if lying_next || start + limit < total {
        page + 1
    } else {
        0
    };
    envelope(
        200,
        0,
        None,
        json!({"total": total, "previous": page - 1, "next": next, "list": list}),
    )
}

async fn cancel(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    // The fixture payment has 1 won paid and nothing cancelled: the balance is 1.
    if body.get("checksum").is_some_and(|c| c != 1) {
        return envelope(200, 1, Some("checksum이 일치하지 않습니다."), Value::Null);
    }
    let mut p = payment_json("imp_088022300265", "57008833-33010");
    p["status"] = json!("cancelled");
    p["cancel_amount"] = json!(1);
    envelope(200, 0, None, p)
}

async fn again(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(r) = refuse(&s, &headers) {
        return r;
    }
    let (delay, canned) = {
        let k = lock(&s.knobs);
        (k.again_delay, k.canned_again.clone())
    };
    tokio::time::sleep(delay).await;
    if let Some(canned) = canned {
        return canned_reply(canned);
    }
    let v: Value = serde_json::from_str(AGAIN_FAILED).unwrap_or(Value::Null);
    (StatusCode::OK, Json(v)).into_response()
}
