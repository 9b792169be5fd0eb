//! The shell's state: one [`PosState`] managed by Tauri, reached through [`PosStateExt`]
//! (`app.pos()`), so commands never spell out `State<..>` types.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use pos_core::owner_pin::OwnerPin;
use pos_core::secrets::CredentialStore;
use pos_core::settings::{Mode, Settings, SettingsLoad};
use pos_core::Store;
use tauri::{Manager, Runtime};

use crate::error::{ShellError, StartupProblem};
use crate::sandbox::SandboxSlot;

/// The settings in effect and the problem met when loading them.
#[derive(Debug, Clone)]
pub struct CurrentSettings {
    /// What is in effect (defaults if the file was missing or broken).
    pub settings: Settings,
    /// Korean message when the file was broken; cleared by the first successful save.
    pub problem: Option<String>,
}

impl From<SettingsLoad> for CurrentSettings {
    fn from(load: SettingsLoad) -> Self {
        Self {
            settings: load.settings,
            problem: load.problem,
        }
    }
}

/// The order book of the mode in effect: its mode and a handle on it.
#[derive(Debug, Clone)]
pub struct Book {
    /// Which book this is; the Iamport client and engine of a flow follow it, never the settings.
    pub mode: Mode,
    /// The book's database.
    pub store: Store,
}

/// What the app holds instead of a book while none can be used.
enum BookSlot {
    /// The book of the mode in effect.
    Open(Book),
    /// The book (or the data dir) did not open; the Korean reason.
    Failed(String),
    /// The settings file is broken in a store with a live book: no mode is in effect (neither
    /// live nor a silent switch to sandbox) until the owner saves the settings.
    Held,
}

/// Everything the commands work on. Built once at start-up by [`crate::startup`].
pub struct PosState {
    /// The data directory in use.
    pub data_dir: PathBuf,
    /// The book in effect (swapped when the mode changes).
    book: Mutex<BookSlot>,
    /// The REST key and secret (keyring, or the owner-only file).
    pub credentials: CredentialStore,
    /// The owner's PIN (`owner-pin.json` in the data dir root, shared by both modes).
    pub owner_pin: OwnerPin,
    settings: Mutex<CurrentSettings>,
    /// `--sandbox` was given: sandbox mode whatever the settings say.
    pub force_sandbox: bool,
    /// The in-process Iamport sandbox (runs in sandbox mode only).
    pub sandbox: SandboxSlot,
    /// Iamport's API root for live mode (`https://api.iamport.kr`; a sandbox in tests).
    pub live_api_base: String,
    online: AtomicBool,
    /// Held while the book, the sandbox or the engine is being started, stopped or swapped, so a
    /// status poll never starts an engine on a book that is being replaced.
    pub switching: tokio::sync::Mutex<()>,
}

/// What start-up found for the book.
pub enum BookStart {
    /// The book of the mode wanted is open.
    Open(Book),
    /// No book could be opened.
    Failed(StartupProblem),
    /// Every mode is kept off (see [`PosState::held`]).
    Held,
}

impl PosState {
    /// Assembles the state around what start-up found for the book.
    pub fn new(
        data_dir: PathBuf,
        book: BookStart,
        credentials: CredentialStore,
        settings: CurrentSettings,
        force_sandbox: bool,
        live_api_base: String,
    ) -> Self {
        let slot = match book {
            BookStart::Open(book) => {
                apply_receipt_rule(&book.store, &settings.settings);
                BookSlot::Open(book)
            }
            BookStart::Failed(problem) => BookSlot::Failed(problem.to_string()),
            BookStart::Held => BookSlot::Held,
        };
        Self {
            owner_pin: OwnerPin::new(&data_dir),
            data_dir,
            book: Mutex::new(slot),
            credentials,
            settings: Mutex::new(settings),
            force_sandbox,
            sandbox: SandboxSlot::default(),
            live_api_base,
            online: AtomicBool::new(true),
            switching: tokio::sync::Mutex::new(()),
        }
    }

    /// The book of the mode in effect, or why there is none.
    pub fn book(&self) -> Result<Book, ShellError> {
        match &*lock(&self.book) {
            BookSlot::Open(book) => Ok(book.clone()),
            BookSlot::Failed(problem) => Err(ShellError::StoreUnavailable {
                problem: problem.clone(),
            }),
            BookSlot::Held => Err(ShellError::ModeHeld),
        }
    }

    /// The secrets store of the relay's store key and secret (중계 서버), on the same backend
    /// as the REST credentials.
    pub fn relay_credentials(&self) -> CredentialStore {
        CredentialStore::relay_with_backend(
            &self.data_dir,
            self.credentials.backend(),
            pos_core::secrets::RELAY_KEYRING_USER,
        )
    }

    /// Where live mode reaches Iamport under `settings` and which secrets store holds the key
    /// for it: the relay (its URL, the relay store key) or Iamport itself (the REST key).
    pub fn live_target(
        &self,
        settings: &pos_core::settings::Settings,
    ) -> Result<(String, CredentialStore), ShellError> {
        match &settings.relay {
            Some(relay) => Ok((relay.base_url()?, self.relay_credentials())),
            None => Ok((self.live_api_base.clone(), self.credentials.clone())),
        }
    }

    /// The order book of the mode in effect, or [`ShellError::StoreUnavailable`] /
    /// [`ShellError::ModeHeld`].
    pub fn store(&self) -> Result<Store, ShellError> {
        self.book().map(|book| book.store)
    }

    /// `Ok` unless start-up found no usable data dir or book ([`ShellError::StoreUnavailable`]);
    /// a held mode is usable (the owner saves settings to decide).
    pub fn usable_data_dir(&self) -> Result<(), ShellError> {
        match self.store_problem() {
            Some(problem) => Err(ShellError::StoreUnavailable { problem }),
            None => Ok(()),
        }
    }

    /// The mode of the open book (`None`: no book is open).
    pub fn book_mode(&self) -> Option<Mode> {
        match &*lock(&self.book) {
            BookSlot::Open(book) => Some(book.mode),
            BookSlot::Failed(_) | BookSlot::Held => None,
        }
    }

    /// The Korean problem of the order book, if it failed to open.
    pub fn store_problem(&self) -> Option<String> {
        match &*lock(&self.book) {
            BookSlot::Failed(problem) => Some(problem.clone()),
            BookSlot::Open(_) | BookSlot::Held => None,
        }
    }

    /// True while a broken settings file keeps every mode off in a store with live data.
    pub fn held(&self) -> bool {
        matches!(&*lock(&self.book), BookSlot::Held)
    }

    /// Puts `book` (or its problem) in effect.
    pub fn set_book(&self, book: Result<Book, StartupProblem>) {
        *lock(&self.book) = match book {
            Ok(book) => {
                apply_receipt_rule(&book.store, &self.settings().settings);
                BookSlot::Open(book)
            }
            Err(problem) => BookSlot::Failed(problem.to_string()),
        };
    }

    /// Closes the book in effect (for a moment, while it is replaced): commands meanwhile say why.
    pub fn close_book(&self, why: &str) {
        *lock(&self.book) = BookSlot::Failed(why.to_owned());
    }

    /// A copy of the settings in effect.
    pub fn settings(&self) -> CurrentSettings {
        self.lock_settings().clone()
    }

    /// Replaces the settings after a successful save (the load problem is gone).
    pub fn replace_settings(&self, settings: Settings) {
        if let BookSlot::Open(book) = &*lock(&self.book) {
            apply_receipt_rule(&book.store, &settings);
        }
        *self.lock_settings() = CurrentSettings {
            settings,
            problem: None,
        };
    }

    /// The mode wanted: `--sandbox` wins over the saved mode. The book in effect follows it
    /// ([`crate::books::follow_mode`]); flows use [`PosState::book`]'s mode, never this.
    pub fn mode(&self) -> Mode {
        if self.force_sandbox {
            Mode::Sandbox
        } else {
            self.lock_settings().settings.mode
        }
    }

    /// Whether the last contact with Iamport worked.
    pub fn online(&self) -> bool {
        self.online.load(Ordering::Relaxed)
    }

    /// Records the outcome of a contact with Iamport.
    pub fn set_online(&self, online: bool) {
        self.online.store(online, Ordering::Relaxed);
    }

    fn lock_settings(&self) -> MutexGuard<'_, CurrentSettings> {
        lock(&self.settings)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section here is a plain assignment or clone: a panic cannot leave it torn.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `app.pos()` on anything that can reach the managed state (App, AppHandle, windows).
pub trait PosStateExt<R: Runtime> {
    /// The shell's state. Managed before any window exists, so it is always there.
    fn pos(&self) -> &PosState;
}

impl<R: Runtime, M: Manager<R>> PosStateExt<R> for M {
    fn pos(&self) -> &PosState {
        self.state::<PosState>().inner()
    }
}

/// Writes the owner's automatic cash-receipt rule into the book (transitions apply it in their own
/// transaction): the business number's digits when `auto_cash_receipt` is on and the number is
/// valid, otherwise off. A failure is logged; receipts can still be issued from the order page.
fn apply_receipt_rule(store: &Store, settings: &Settings) {
    let number = settings
        .auto_cash_receipt
        .then(|| {
            settings
                .business_number
                .as_deref()
                .and_then(|n| pos_core::tax::business_number_digits(n).ok())
        })
        .flatten();
    if let Err(e) = store.set_auto_cash_receipt(number.as_deref()) {
        tracing::error!(error = %e, "could not record the automatic cash receipt rule");
    }
}
