//! Start-up: find the data dir, open the order book, load the settings, start the sandbox.
//!
//! Nothing here may stop the window from opening: every failure becomes a Korean problem that
//! `app_status` reports and the UI shows (the start-up error screen, or a settings warning).

use std::path::{Path, PathBuf};

use pos_core::secrets::{CredentialStore, SecretBackend, KEYRING_USER};
use pos_core::settings::Mode;
use pos_core::Store;
use tauri::{AppHandle, Manager, Runtime};

use crate::args::LaunchArgs;
use crate::error::StartupProblem;
use crate::settings_file;
use crate::state::{PosState, PosStateExt};

/// Iamport's live REST API root.
pub const LIVE_API_BASE: &str = iamport::LIVE_BASE_URL;

/// The data dir: `--data-dir` if given, else Tauri's app data dir for `kr.panmusic.pos`.
pub fn resolve_data_dir<R: Runtime>(app: &AppHandle<R>, args: &LaunchArgs) -> Option<PathBuf> {
    args.data_dir
        .clone()
        .or_else(|| app.path().app_data_dir().ok())
}

/// Builds the state for `data_dir`. Never fails: a broken store or settings file is recorded.
/// `secrets`: where credentials go (`None`: the keyring if one answers, else the owner-only file).
pub fn build_state(
    data_dir: Option<PathBuf>,
    force_sandbox: bool,
    live_api_base: &str,
    secrets: Option<SecretBackend>,
) -> PosState {
    let credentials = |dir: &Path| match secrets {
        Some(backend) => CredentialStore::with_backend(dir, backend, KEYRING_USER),
        None => CredentialStore::new(dir),
    };
    let Some(data_dir) = data_dir else {
        let dir = PathBuf::new();
        return PosState::new(
            dir.clone(),
            Err(StartupProblem::NoDataDir),
            credentials(&dir),
            settings_file::load(&dir).into(),
            force_sandbox,
            live_api_base.to_owned(),
        );
    };
    let store = open_store(&data_dir);
    let settings = settings_file::load(&data_dir);
    if let Some(problem) = &settings.problem {
        tracing::warn!(%problem, "settings file unusable, defaults in use");
    }
    PosState::new(
        data_dir.clone(),
        store,
        credentials(&data_dir),
        settings.into(),
        force_sandbox,
        live_api_base.to_owned(),
    )
}

/// Prepares the data dir (created, owner-only) and opens the order book in it.
fn open_store(data_dir: &Path) -> Result<Store, StartupProblem> {
    pos_core::paths::prepare_data_dir(data_dir).map_err(|error| {
        tracing::error!(error = ?error, dir = %data_dir.display(), "data dir unusable");
        StartupProblem::from(error)
    })?;
    Store::open(data_dir).map_err(|error| {
        tracing::error!(error = ?error, dir = %data_dir.display(), "order book did not open");
        StartupProblem::from(error)
    })
}

/// Runs once, before the window opens: manages the state and, in sandbox mode, starts the sandbox.
pub fn setup<R: Runtime>(app: &AppHandle<R>, args: &LaunchArgs) {
    let data_dir = resolve_data_dir(app, args);
    app.manage(build_state(data_dir, args.sandbox, LIVE_API_BASE, None));
    let state = app.pos();
    tracing::info!(dir = %state.data_dir.display(), mode = ?state.mode(), "starting");
    if state.mode() == Mode::Sandbox {
        // The window opens either way; the status then shows sandbox mode without a sandbox URL.
        let started = tauri::async_runtime::block_on(state.sandbox.ensure_started(&state.data_dir));
        if let Err(error) = started {
            tracing::error!(%error, "continuing without the sandbox");
        }
    }
}
