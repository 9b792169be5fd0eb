//! The shell's state: one [`PosState`] managed by Tauri, reached through [`PosStateExt`]
//! (`app.pos()`), so commands never spell out `State<..>` types.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

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

/// Everything the commands work on. Built once at start-up by [`crate::startup`].
pub struct PosState {
    /// The data directory in use.
    pub data_dir: PathBuf,
    /// The order book, or the Korean reason it could not be opened.
    store: Result<Store, StartupProblem>,
    /// The REST key and secret (keyring, or the owner-only file).
    pub credentials: CredentialStore,
    settings: Mutex<CurrentSettings>,
    /// `--sandbox` was given: sandbox mode whatever the settings say.
    pub force_sandbox: bool,
    /// The in-process Iamport sandbox (started in sandbox mode).
    pub sandbox: SandboxSlot,
    /// Iamport's API root for live mode (`https://api.iamport.kr`; a sandbox in tests).
    pub live_api_base: String,
    online: AtomicBool,
}

impl PosState {
    /// Assembles the state; `store` carries the Korean start-up problem when the order book failed.
    pub fn new(
        data_dir: PathBuf,
        store: Result<Store, StartupProblem>,
        credentials: CredentialStore,
        settings: CurrentSettings,
        force_sandbox: bool,
        live_api_base: String,
    ) -> Self {
        Self {
            data_dir,
            store,
            credentials,
            settings: Mutex::new(settings),
            force_sandbox,
            sandbox: SandboxSlot::default(),
            live_api_base,
            online: AtomicBool::new(true),
        }
    }

    /// The order book, or [`ShellError::StoreUnavailable`].
    pub fn store(&self) -> Result<&Store, ShellError> {
        self.store
            .as_ref()
            .map_err(|problem| ShellError::StoreUnavailable {
                problem: problem.to_string(),
            })
    }

    /// The Korean start-up problem of the order book, if any.
    pub fn store_problem(&self) -> Option<&StartupProblem> {
        self.store.as_ref().err()
    }

    /// A copy of the settings in effect.
    pub fn settings(&self) -> CurrentSettings {
        self.lock_settings().clone()
    }

    /// Replaces the settings after a successful save (the load problem is gone).
    pub fn replace_settings(&self, settings: Settings) {
        *self.lock_settings() = CurrentSettings {
            settings,
            problem: None,
        };
    }

    /// The mode in effect: `--sandbox` wins over the saved mode.
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
        // A panic while holding this lock cannot leave the settings half-written (plain assignment).
        self.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }
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
