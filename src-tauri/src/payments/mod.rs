//! The payment side of the shell: the Iamport client for the mode in effect, the sync engine
//! that runs with the app, and the flows the commands call (checkout, orders, refunds,
//! subscriptions). Everything that decides money lives in pos-core; this module only wires it.
//!
//! [`Payments`] is Tauri-managed state reached through [`PaymentsExt`] (`app.payments()`).

pub mod engine;
pub mod error;
pub mod flows;
pub mod ledger;
pub mod models;
pub mod subscription_models;
pub mod subscriptions;

use std::sync::{Mutex, PoisonError};

use pos_core::checkout::CheckoutEnv;
use pos_core::settings::Mode;
use pos_core::sync::SyncHandle;
use pos_core::Store;
use tauri::{Manager, Runtime};

pub use error::PaymentsError;

use crate::settings_flow::run_blocking;
use crate::state::{Book, PosState};

/// The client last built, with what it was built for (rebuilt when the mode or key changes).
struct CachedClient {
    base_url: String,
    imp_key: String,
    imp_secret: String,
    client: iamport::Client,
}

/// The Iamport client cache and the running sync engine.
#[derive(Default)]
pub struct Payments {
    client: Mutex<Option<CachedClient>>,
    /// The running engine; taken out to stop it.
    engine: Mutex<Option<SyncHandle>>,
    /// Why no engine runs (Korean), when it failed to start.
    engine_problem: Mutex<Option<String>>,
    /// The book (mode) and Iamport API root the running engine works on (a change restarts it).
    engine_book: Mutex<Option<(Mode, String)>>,
}

/// What a payment flow needs: the order book, an Iamport client and the checkout settings, all
/// of one mode (taken together from the book in effect, so a mode switch midway cannot mix them).
#[derive(Clone)]
pub struct Connection {
    /// Whose book and client these are.
    pub mode: Mode,
    /// The order book of `mode`.
    pub store: Store,
    /// Iamport (the sandbox in sandbox mode).
    pub client: iamport::Client,
    /// Settings and API root for the payment window's parameters.
    pub env: CheckoutEnv,
}

/// `app.payments()`: the payment state, managed on first use.
pub trait PaymentsExt<R: Runtime> {
    /// The payment state.
    fn payments(&self) -> &Payments;
}

impl<R: Runtime, M: Manager<R>> PaymentsExt<R> for M {
    fn payments(&self) -> &Payments {
        if self.try_state::<Payments>().is_none() {
            // A second `manage` of the same type is a no-op, so a race here is harmless.
            self.manage(Payments::default());
        }
        self.state::<Payments>().inner()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section here is a plain assignment or take: a panic cannot leave it torn.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Payments {
    /// The book in effect, a client of that book's mode and the checkout settings. Reads the
    /// credentials (keyring) off the async workers in live mode.
    pub async fn connect(&self, state: &PosState) -> Result<Connection, PaymentsError> {
        let Book { mode, store } = state.book()?;
        let settings = state.settings().settings;
        let (base_url, imp_key, imp_secret) = match mode {
            Mode::Sandbox => {
                let info = state.sandbox.info().ok_or(PaymentsError::NoSandbox)?;
                pos_core::logfile::keep_out_of_logs(iamport_sandbox::DEFAULT_IMP_SECRET);
                (
                    info.base_url,
                    iamport_sandbox::DEFAULT_IMP_KEY.to_owned(),
                    iamport_sandbox::DEFAULT_IMP_SECRET.to_owned(),
                )
            }
            Mode::Live => {
                let (base, credentials) = state.live_target(&settings)?;
                let found = run_blocking(move || Ok(credentials.get()?)).await?;
                let found = found.ok_or(PaymentsError::NoCredentials)?;
                (base, found.imp_key, found.imp_secret)
            }
        };
        // Every order made from now on names the shop's account as the settings say now (the
        // handle is shared with the sync engine's, so its renewals follow too).
        store.set_account(settings.account());
        // Through the relay every id this book mints carries the store's prefix.
        let store = match mode {
            Mode::Live => store.with_uid_prefix(settings.uid_prefix()),
            Mode::Sandbox => store,
        };
        let client = self.client_for(&base_url, &imp_key, imp_secret)?;
        let mut env_settings = settings;
        env_settings.mode = mode;
        Ok(Connection {
            mode,
            store,
            client,
            env: CheckoutEnv {
                settings: env_settings,
                api_base: base_url,
            },
        })
    }

    /// Forgets the cached client (the mode changed: the next flow builds one for the new book).
    pub fn forget_client(&self) {
        *lock(&self.client) = None;
    }

    fn client_for(
        &self,
        base_url: &str,
        imp_key: &str,
        imp_secret: String,
    ) -> Result<iamport::Client, PaymentsError> {
        let mut cached = lock(&self.client);
        if let Some(c) = cached.as_ref() {
            if c.base_url == base_url && c.imp_key == imp_key && c.imp_secret == imp_secret {
                return Ok(c.client.clone());
            }
        }
        let config = iamport::Config::new(base_url, imp_key, imp_secret.clone());
        let client = iamport::Client::new(config).map_err(PaymentsError::Client)?;
        *cached = Some(CachedClient {
            base_url: base_url.to_owned(),
            imp_key: imp_key.to_owned(),
            imp_secret,
            client: client.clone(),
        });
        Ok(client)
    }
}
