//! Start-up: find the data dir, load the settings, open the order book of the mode they name,
//! start the sandbox in sandbox mode.
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
use crate::state::{Book, BookStart, CurrentSettings, PosState, PosStateExt};

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
            BookStart::Failed(StartupProblem::NoDataDir),
            credentials(&dir),
            settings_file::load(&dir).into(),
            force_sandbox,
            live_api_base.to_owned(),
        );
    };
    let mut settings: CurrentSettings = settings_file::load(&data_dir).into();
    if let Some(problem) = &settings.problem {
        tracing::warn!(%problem, "settings file unusable, defaults in use");
    }
    let wanted = if force_sandbox {
        Mode::Sandbox
    } else {
        settings.settings.mode
    };
    let book = match open_book(&data_dir, wanted, &settings, force_sandbox) {
        Ok(Some(book)) => BookStart::Open(book),
        Ok(None) => {
            tracing::warn!(
                "broken settings in a store with a live book: no mode until the owner saves"
            );
            settings.problem = settings.problem.map(|p| format!("{p} {HELD_NOTICE}"));
            BookStart::Held
        }
        Err(problem) => BookStart::Failed(problem),
    };
    PosState::new(
        data_dir.clone(),
        book,
        credentials(&data_dir),
        settings,
        force_sandbox,
        live_api_base.to_owned(),
    )
}

/// Added to the settings problem while every mode is kept off.
pub const HELD_NOTICE: &str = "이 매장에는 실제 결제 기록이 있어 테스트 모드로 바꾸지 않았고, 실제 결제도 멈췄습니다. 설정 화면에서 모드를 확인하고 저장하면 다시 시작합니다. (live data exists: no mode runs until the settings are saved)";

/// Prepares the data dir (created, owner-only) and opens the book of `mode` in it (moving an old
/// single book into place first). `Ok(None)`: the settings file is broken (its mode fell back to
/// sandbox) and the store has a live book, so no book is opened until the owner decides.
fn open_book(
    data_dir: &Path,
    mode: Mode,
    settings: &CurrentSettings,
    force_sandbox: bool,
) -> Result<Option<Book>, StartupProblem> {
    pos_core::paths::prepare_data_dir(data_dir).map_err(|error| {
        tracing::error!(error = ?error, dir = %data_dir.display(), "data dir unusable");
        StartupProblem::from(error)
    })?;
    let log = |error: pos_core::StoreError| {
        tracing::error!(error = ?error, dir = %data_dir.display(), "order book did not open");
        StartupProblem::from(error)
    };
    let fell_back = settings.problem.is_some() && mode == Mode::Sandbox && !force_sandbox;
    if fell_back && pos_core::store::live_book_exists(data_dir).map_err(log)? {
        return Ok(None);
    }
    let store = Store::open_book(data_dir, mode).map_err(log)?;
    Ok(Some(Book { mode, store }))
}

/// Opens the book of `mode` (blocking), for a mode switch or after a sandbox reset.
pub fn reopen_book(data_dir: &Path, mode: Mode) -> Result<Book, StartupProblem> {
    Store::open_book(data_dir, mode)
        .map(|store| Book { mode, store })
        .map_err(|error| {
            tracing::error!(error = ?error, mode = mode.as_str(), "order book did not open");
            StartupProblem::from(error)
        })
}

/// Runs once, before the window opens: manages the state and, in sandbox mode, starts the sandbox.
pub fn setup<R: Runtime>(app: &AppHandle<R>, args: &LaunchArgs) {
    let data_dir = resolve_data_dir(app, args);
    app.manage(build_state(data_dir, args.sandbox, LIVE_API_BASE, None));
    let state = app.pos();
    tracing::info!(dir = %state.data_dir.display(), mode = ?state.mode(), "starting");
    if state.book_mode() == Some(Mode::Sandbox) {
        // The window opens either way; the status then shows sandbox mode without a sandbox URL.
        let started = tauri::async_runtime::block_on(state.sandbox.ensure_started(&state.data_dir));
        if let Err(error) = started {
            tracing::error!(%error, "continuing without the sandbox");
        }
    }
}

/// A marker in the data dir: autostart was set up once (on by default after install); from
/// then on the owner's choice in 설정 stands.
pub const AUTOSTART_MARKER: &str = "autostart-set";

/// Turns starting at login on the first time the app runs on its default data dir. A run with
/// `--data-dir` (tests, a second shop folder) registers nothing: the login item starts the app
/// on the default folder, and a test run must not leave a login item on the machine.
pub fn autostart_on_first_run<R: Runtime>(app: &AppHandle<R>, args: &LaunchArgs) {
    use tauri_plugin_autostart::ManagerExt;
    if args.data_dir.is_some() {
        return;
    }
    let marker = app.pos().data_dir.join(AUTOSTART_MARKER);
    if marker.exists() {
        return;
    }
    match app.autolaunch().enable() {
        Ok(()) => {
            tracing::info!("autostart at login turned on (first run)");
            if let Err(error) = std::fs::write(&marker, b"") {
                tracing::warn!(error = %error, "autostart marker not written");
            }
        }
        Err(error) => tracing::warn!(error = %error, "autostart at login not turned on"),
    }
}
