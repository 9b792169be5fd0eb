//! The running server: routes, background tick (due schedules by real time, state saves) and
//! the [`Sandbox`] handle that owns both tasks.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use parking_lot::Mutex;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::envelope::ApiError;
use crate::faults::{self, FaultPlan, Stats};
use crate::form::BODY_LIMIT;
use crate::state::{Shared, Store};
use crate::{
    cancel, control, guard, onetime, payments, persist, prepare, receipts, schedule, schedule_list,
    sdk, subscribe, token, vbanks, SandboxConfig,
};

/// Why a sandbox could not start or save its state.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The bound socket has no local address.
    #[error("cannot read the bound address")]
    LocalAddr(#[source] std::io::Error),
    /// The state file exists but cannot be read.
    #[error("cannot read state file {path}")]
    StateRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The state file is not valid sandbox state.
    #[error("state file {path} is not valid sandbox state")]
    StateParse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// The state file cannot be written.
    #[error("cannot write state file {path}")]
    StateWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// How often due schedules run by real time and dirty state is saved.
const TICK: Duration = Duration::from_secs(1);
/// How long a graceful shutdown waits for in-flight replies.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running sandbox. Dropping it without [`Sandbox::shutdown`] aborts the server.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    ticker: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Loads state (if configured), binds, and spawns the server on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let store = match &config.state_file {
            Some(path) => persist::load(path)?,
            None => Store::default(),
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(SandboxError::LocalAddr)?;
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            config,
            bound: addr,
            store: Mutex::new(store),
            stats: Mutex::new(Stats::default()),
            faults: Mutex::new(FaultPlan::default()),
            dirty: AtomicBool::new(false),
            shutdown: stopped.clone(),
        });
        let app = router(shared.clone());
        let mut until_stop = stopped.clone();
        let server = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // An Err means the handle is gone: stop as well.
                    let _stopped = until_stop.wait_for(|down| *down).await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "iamport-sandbox server stopped with an error");
            }
        });
        let ticker = tokio::spawn(tick(shared.clone()));
        Ok(Sandbox {
            addr,
            shared,
            stop,
            server: Some(server),
            ticker: Some(ticker),
        })
    }

    /// The bound address (with the real port when port 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The browser SDK's URL: `base_url() + "/sdk/iamport.js"`.
    pub fn sdk_url(&self) -> String {
        format!("{}/sdk/iamport.js", self.base_url())
    }

    /// Stops accepting, lets in-flight replies finish (held fault replies give up), then
    /// flushes the state file.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
        }
        if let Some(mut server) = self.server.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut server)
                .await
                .is_err()
            {
                server.abort();
            }
        }
        if let Err(e) = save_now(&self.shared).await {
            tracing::error!(error = %e, "iamport-sandbox could not save its state on shutdown");
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop.send_replace(true);
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
        }
    }
}

/// Writes the store to the state file, if one is configured.
async fn save_now(shared: &Arc<Shared>) -> Result<(), SandboxError> {
    let Some(path) = shared.config.state_file.clone() else {
        return Ok(());
    };
    shared.dirty.store(false, Ordering::Release);
    let bytes = persist::encode(&path, &shared.store.lock())?;
    let written = tokio::task::spawn_blocking(move || persist::write_atomic(&path, &bytes)).await;
    match written {
        Ok(result) => result,
        Err(join) => Err(SandboxError::StateWrite {
            path: shared.config.state_file.clone().unwrap_or_default(),
            source: std::io::Error::other(join),
        }),
    }
}

/// Runs due schedules as real time passes and saves changed state.
async fn tick(shared: Arc<Shared>) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        let executed = {
            let mut store = shared.store.lock();
            store.run_due_schedules() + store.run_due_test_cancels()
        };
        if executed > 0 {
            shared.mark_dirty();
        }
        if shared.dirty.load(Ordering::Acquire) {
            if let Err(e) = save_now(&shared).await {
                shared.mark_dirty();
                tracing::error!(error = %e, "iamport-sandbox could not save its state");
            }
        }
    }
}

/// Unknown paths: a 404 envelope (counted in the stats when outside the control API).
async fn unknown_path(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    if !req.uri().path().starts_with("/__") {
        faults::count(&shared, format!("{} (unknown)", req.method()));
    }
    ApiError::UnknownPath.into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::MethodNotAllowed.into_response()
}

fn router(shared: Arc<Shared>) -> Router {
    let authed: Router<Arc<Shared>> = Router::new()
        .route("/payments", get(payments::batch))
        .route("/payments/{imp_uid}", get(payments::get_payment))
        .route("/payments/find/{merchant_uid}", get(payments::find))
        .route(
            "/payments/find/{merchant_uid}/{payment_status}",
            get(payments::find_with_status),
        )
        .route("/payments/findAll/{merchant_uid}", get(payments::find_all))
        .route(
            "/payments/findAll/{merchant_uid}/{payment_status}",
            get(payments::find_all_with_status),
        )
        .route(
            "/payments/status/{payment_status}",
            get(payments::by_status),
        )
        .route(
            "/payments/prepare",
            post(prepare::prepare).put(prepare::prepare_update),
        )
        .route(
            "/payments/prepare/{merchant_uid}",
            get(prepare::prepare_get),
        )
        .route("/payments/cancel", post(cancel::cancel))
        .route("/vbanks/{imp_uid}", delete(vbanks::revoke))
        .route("/banks", get(crate::banks::list))
        .route("/banks/{bank_standard_code}", get(crate::banks::one))
        .route(
            "/receipts/{imp_uid}",
            get(receipts::get_receipt)
                .post(receipts::issue)
                .delete(receipts::cancel),
        )
        .route("/subscribe/customers", get(subscribe::customers_batch))
        .route(
            "/subscribe/customers/{customer_uid}",
            get(subscribe::get_customer)
                .post(subscribe::issue_customer)
                .delete(subscribe::delete_customer),
        )
        .route(
            "/subscribe/customers/{customer_uid}/payments",
            get(subscribe::customer_payments),
        )
        .route(
            "/subscribe/customers/{customer_uid}/schedules",
            get(schedule_list::list_by_customer),
        )
        .route("/subscribe/payments/again", post(subscribe::again))
        .route("/subscribe/payments/onetime", post(onetime::onetime))
        .route(
            "/subscribe/payments/schedule",
            post(schedule::schedule).get(schedule_list::list_by_window),
        )
        .route("/subscribe/payments/unschedule", post(schedule::unschedule))
        .route(
            "/subscribe/payments/schedule/{merchant_uid}",
            get(schedule::get_schedule).put(schedule::update_schedule),
        )
        .route(
            "/subscribe/payments/schedule/{merchant_uid}/retry",
            post(schedule::retry),
        )
        .route(
            "/subscribe/payments/schedule/{merchant_uid}/reschedule",
            post(schedule::reschedule),
        )
        .route(
            "/subscribe/payments/schedule/customers/{customer_uid}",
            get(schedule_list::list_by_customer),
        )
        .route_layer(from_fn_with_state(shared.clone(), token::require_token));
    let get_token = Router::new()
        .route("/users/getToken", post(token::get_token))
        .route_layer(from_fn_with_state(shared.clone(), guard::require_json));
    let rest = get_token
        .merge(authed)
        .route_layer(from_fn_with_state(shared.clone(), faults::count_and_fault));
    let control = Router::new()
        .route("/__sandbox/payments", post(control::create_payment))
        .route(
            "/__sandbox/payments/{imp_uid}/deposit",
            post(control::deposit),
        )
        .route(
            "/__sandbox/payments/{imp_uid}/cancel",
            post(control::console_cancel),
        )
        .route(
            "/__sandbox/customers/{customer_uid}",
            post(control::customer),
        )
        .route("/__sandbox/clock", post(control::clock))
        .route("/__sandbox/faults", post(control::faults))
        .route("/__sandbox/stats", get(control::stats))
        .route("/__sandbox/reset", post(control::reset))
        .route_layer(from_fn_with_state(
            shared.clone(),
            guard::require_control_token,
        ))
        .route_layer(from_fn_with_state(shared.clone(), guard::require_json));
    let sdk = Router::new()
        .route("/sdk/iamport.js", get(sdk::script))
        .route("/__sdk/open", post(sdk::open))
        .route("/__sdk/complete", post(sdk::complete))
        .route_layer(from_fn_with_state(shared.clone(), guard::require_json))
        .layer(cors(&shared));
    // The 405 envelope is set before the SDK routes join, so their CORS preflights still work.
    rest.merge(control)
        .method_not_allowed_fallback(method_not_allowed)
        .merge(sdk)
        .fallback(unknown_path)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn_with_state(shared.clone(), guard::enforce))
        .with_state(shared)
}

/// CORS of the SDK routes: any origin when the guard allows any, else the sandbox's own and the
/// allowed ones (the guard refuses the rest before CORS is asked).
fn cors(shared: &Arc<Shared>) -> CorsLayer {
    if shared.config.guard.allowed_origins.is_none() {
        return CorsLayer::permissive();
    }
    let judge = shared.clone();
    CorsLayer::permissive().allow_origin(AllowOrigin::predicate(move |origin, _| {
        origin
            .to_str()
            .is_ok_and(|origin| judge.origin_allowed(origin))
    }))
}
