//! Saving settings and credentials: validation, the live-mode gate (a merchant code and REST
//! credentials that Iamport accepts), the write, then the book, sandbox and engine of the mode
//! saved ([`crate::books::follow_mode`]).

use pos_core::secrets::Credentials;
use pos_core::settings::{Connection, Mode, Settings};
use tauri::{AppHandle, Runtime};

use crate::error::ShellError;
use crate::models::{CredentialsStatus, SettingsView};
use crate::settings_file;
use crate::state::{PosState, PosStateExt};

/// The settings screen's data.
/// While every mode is held (a broken file in a store with live data), the form offers live mode:
/// saving it as it stands asks for the merchant code again instead of quietly choosing sandbox.
pub fn view(state: &PosState) -> Result<SettingsView, ShellError> {
    let mut current = state.settings();
    if state.held() {
        current.settings.mode = Mode::Live;
    }
    Ok(SettingsView {
        settings: current.settings,
        credentials_set: state.credentials.is_set(),
        relay_credentials_set: Some(state.relay_credentials().is_set()),
        problem: current.problem,
    })
}

/// Validates, gates live mode, writes the file, then switches the running app over.
/// `input` is the settings as the webview sent them: parsed here, so a malformed field (a merchant
/// code of the wrong shape) is a Korean validation error instead of Tauri's English one.
pub async fn save<R: Runtime>(
    app: &AppHandle<R>,
    input: serde_json::Value,
) -> Result<SettingsView, ShellError> {
    let state = app.pos();
    // Without a usable data dir there is nowhere safe to write (the UI shows the start-up error).
    // A held mode is fine: saving is how the owner decides.
    state.usable_data_dir()?;
    let settings: Settings = serde_json::from_value(input).map_err(ShellError::SettingsInput)?;
    settings.validate()?;
    check_relay_switch(state, &settings).await?;
    if settings.mode == Mode::Live {
        check_live_ready(state, &settings).await?;
    }
    let was_broken = state.settings().problem.is_some();
    let handle = app.clone();
    let data_dir = state.data_dir.clone();
    let to_write = settings.clone();
    run_blocking(move || settings_file::save(&handle, &data_dir, &to_write, was_broken)).await?;
    state.replace_settings(settings);
    crate::books::follow_mode(app).await?;
    let state_app = app.clone();
    run_blocking(move || view(state_app.pos())).await
}

/// Stores the REST key and secret, or (`relay`) the relay's store key and secret, in the
/// secrets store (pos-core trims and checks them). Replies only whether they are set.
pub fn set_credentials(
    state: &PosState,
    credentials: Credentials,
    relay: bool,
) -> Result<CredentialsStatus, ShellError> {
    state.usable_data_dir()?;
    let store = if relay {
        state.relay_credentials()
    } else {
        state.credentials.clone()
    };
    store.set(&credentials)?;
    Ok(CredentialsStatus {
        set: store.is_set(),
    })
}

/// A switch to the relay (or to another prefix) is refused while the live book holds work
/// whose uids lack the new prefix; nothing is written then.
async fn check_relay_switch(state: &PosState, to: &Settings) -> Result<(), ShellError> {
    if to.connection() != Connection::Relay {
        return Ok(());
    }
    let data_dir = state.data_dir.clone();
    let from = state.settings().settings;
    let to = to.clone();
    run_blocking(move || {
        if !pos_core::store::live_book_exists(&data_dir)? {
            return Ok(());
        }
        let live = pos_core::Store::open_book(&data_dir, Mode::Live)?;
        pos_core::connection::check_switch(&live, &from, &to)?;
        Ok(())
    })
    .await
}

/// Live mode needs a merchant code and credentials that get a token from the live API (through
/// the relay in relay mode, with the relay store key).
async fn check_live_ready(state: &PosState, settings: &Settings) -> Result<(), ShellError> {
    if settings.merchant_code.is_none() {
        return Err(pos_core::settings::SettingsError::LiveNeedsMerchantCode.into());
    }
    let (base, store) = state.live_target(settings)?;
    let credentials = run_blocking(move || Ok(store.get()?))
        .await?
        .ok_or(ShellError::LiveNeedsCredentials)?;
    let config = iamport::Config::new(base, credentials.imp_key, credentials.imp_secret);
    let client = iamport::Client::new(config).map_err(|error| {
        tracing::error!(kind = error.kind(), "cannot build the Iamport client");
        ShellError::IamportCheckFailed
    })?;
    match client.check_credentials().await {
        Ok(()) => {
            state.set_online(true);
            Ok(())
        }
        Err(error) => {
            tracing::warn!(kind = error.kind(), "live credential check failed");
            Err(classify_check_failure(state, &error))
        }
    }
}

fn classify_check_failure(state: &PosState, error: &iamport::Error) -> ShellError {
    match error {
        _ if error.is_auth() => {
            state.set_online(true);
            ShellError::CredentialsRefused
        }
        // Reached, but a 5xx or a broken answer: Iamport itself is in trouble.
        iamport::Error::Server { .. } | iamport::Error::OutcomeUnknown { .. } => {
            state.set_online(true);
            ShellError::IamportDown
        }
        // No answer at all (no connection, or none in time): the internet, as the owner sees it.
        iamport::Error::Transport { .. } => {
            state.set_online(false);
            ShellError::IamportUnreachable
        }
        _ => ShellError::IamportCheckFailed,
    }
}

/// Runs blocking work (SQLite, keyring, files) off the async workers.
pub async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ShellError> + Send + 'static,
) -> Result<T, ShellError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|error| {
            tracing::error!(error = ?error, "blocking task failed");
            ShellError::TaskFailed
        })?
}
