//! Signed updates (tauri-plugin-updater): 업데이트 확인, download with progress, and install on
//! restart once the owner agrees.
//!
//! Three steps, each a command:
//! 1. [`check`] reads the manifest on Panmusic's update host and keeps the newer release offered.
//! 2. [`download`] fetches the offered bundle and checks its minisign signature against the public
//!    key in `tauri.conf.json` (`plugins.updater.pubkey`) and that it was signed for the version
//!    announced (`requireSignedVersion`). Only verified bytes are kept, in memory; a bundle that
//!    fails the check is dropped and nothing is installed.
//! 3. [`install_and_restart`] (the owner's PIN first) hands the verified bytes to the platform's
//!    installer (`pkexec dpkg -i` for the .deb, the NSIS installer on Windows) and restarts.
//!
//! The webview can call only these commands: the plugin's own `plugin:updater|*` commands are in
//! no capability, so a page cannot download or install anything by itself.

mod errors;
pub mod models;
pub mod test_host;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::error::ShellError;
use crate::settings_flow::run_blocking;
use crate::state::PosStateExt;
use models::{UpdateCheck, UpdateOffer, UpdateProgress, PROGRESS_EVENT};
use test_host::TestHost;

/// Longest wait for the manifest, and for each read of the bundle.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the update flow stands; managed by Tauri.
pub struct UpdateSlot {
    test_host: Option<TestHost>,
    stage: Mutex<Stage>,
}

enum Stage {
    /// Nothing checked yet, or nothing newer.
    Idle,
    /// A newer release was found; not downloaded.
    Offered(Box<Update>),
    /// Its bundle is downloading.
    Downloading,
    /// Downloaded and verified: installs on restart.
    Ready(Box<Update>, Arc<Vec<u8>>),
}

impl UpdateSlot {
    /// The slot, with a test's update host if one applies ([`test_host`]).
    pub fn new(test_host: Option<TestHost>) -> Self {
        Self {
            test_host,
            stage: Mutex::new(Stage::Idle),
        }
    }

    fn stage(&self) -> MutexGuard<'_, Stage> {
        // Every critical section is a plain assignment or clone.
        self.stage.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether an update is being downloaded or waits, downloaded, to install on restart (the app
/// must not restart on its own then: [`crate::handover`]).
pub fn in_progress<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<UpdateSlot>()
        .is_some_and(|slot| matches!(*slot.stage(), Stage::Downloading | Stage::Ready(..)))
}

fn slot<R: Runtime>(app: &AppHandle<R>) -> &UpdateSlot {
    app.state::<UpdateSlot>().inner()
}

/// Asks the update host whether a newer version exists; a newer one is kept as the offer (a
/// verified download of the same version stays ready).
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<UpdateCheck, ShellError> {
    let mut builder = app.updater_builder().timeout(REQUEST_TIMEOUT);
    if let Some(host) = &slot(app).test_host {
        if host.applies(app.pos().book_mode()) {
            builder = builder
                .endpoints(vec![host.endpoint.clone()])
                .map_err(ShellError::UpdateHost)?
                .pubkey(host.pubkey.clone());
        }
    }
    let updater = builder.build().map_err(ShellError::UpdateHost)?;
    let found = updater.check().await.map_err(errors::classify)?;
    let current_version = app.package_info().version.to_string();
    let mut stage = slot(app).stage();
    let offer = match found {
        None => {
            if !matches!(*stage, Stage::Downloading) {
                *stage = Stage::Idle;
            }
            None
        }
        Some(update) => {
            let ready = match &*stage {
                Stage::Ready(kept, _) => kept.version == update.version,
                _ => false,
            };
            let offer = offer_of(&update, ready);
            if !ready && !matches!(*stage, Stage::Downloading) {
                *stage = Stage::Offered(Box::new(update));
            }
            Some(offer)
        }
    };
    Ok(UpdateCheck {
        current_version,
        offer,
    })
}

/// Downloads the offered `version` (progress as [`PROGRESS_EVENT`]), checks its signature, and
/// keeps the verified bytes for [`install_and_restart`]. A failed check keeps nothing.
pub async fn download<R: Runtime>(
    app: &AppHandle<R>,
    version: &str,
) -> Result<UpdateOffer, ShellError> {
    let update = {
        let mut stage = slot(app).stage();
        let update = match &*stage {
            Stage::Offered(update) if update.version == version => update.clone(),
            Stage::Ready(update, _) if update.version == version => {
                return Ok(offer_of(update, true));
            }
            Stage::Downloading => return Err(ShellError::UpdateBusy),
            Stage::Offered(_) | Stage::Ready(..) | Stage::Idle => {
                return Err(ShellError::NoUpdateOffered)
            }
        };
        *stage = Stage::Downloading;
        update
    };
    let mut progress = Progress::new(app.clone());
    let downloaded = update
        .download(|chunk, total| progress.add(chunk, total), || {})
        .await;
    let mut stage = slot(app).stage();
    match downloaded {
        Ok(bytes) => {
            tracing::info!(
                version,
                size = bytes.len(),
                "update downloaded and verified"
            );
            let offer = offer_of(&update, true);
            *stage = Stage::Ready(update, Arc::new(bytes));
            Ok(offer)
        }
        Err(error) => {
            // The bytes are gone with the error; the release may be tried again.
            *stage = Stage::Offered(update);
            Err(errors::classify(error))
        }
    }
}

/// Installs the verified update and restarts the app. Only a copy installed from a package (.deb,
/// .rpm, the Windows installer) can be updated; a development build refuses, touching nothing.
pub async fn install_and_restart<R: Runtime>(
    app: &AppHandle<R>,
    version: &str,
) -> Result<(), ShellError> {
    let (update, bytes) = match &*slot(app).stage() {
        Stage::Ready(update, bytes) if update.version == version => (update.clone(), bytes.clone()),
        _ => return Err(ShellError::NoUpdateReady),
    };
    if tauri::utils::platform::bundle_type().is_none() {
        return Err(ShellError::UpdateNotInstallable);
    }
    tracing::info!(version, "installing the update, then restarting");
    run_blocking(move || update.install(&*bytes).map_err(errors::classify_install)).await?;
    app.restart()
}

fn offer_of(update: &Update, ready: bool) -> UpdateOffer {
    UpdateOffer {
        version: update.version.clone(),
        notes: update.body.clone().filter(|notes| !notes.trim().is_empty()),
        published_at: update.date.and_then(|date| {
            chrono::DateTime::from_timestamp(date.unix_timestamp(), date.nanosecond())
                .map(|utc| utc.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        }),
        ready,
    }
}

/// Emits [`PROGRESS_EVENT`] at most once per percent (or per 256 KiB without a size).
struct Progress<R: Runtime> {
    app: AppHandle<R>,
    downloaded: u64,
    last_step: Option<u64>,
}

impl<R: Runtime> Progress<R> {
    fn new(app: AppHandle<R>) -> Self {
        Self {
            app,
            downloaded: 0,
            last_step: None,
        }
    }

    fn add(&mut self, chunk: usize, total: Option<u64>) {
        self.downloaded += chunk as u64;
        let step = match total {
            Some(total) if total > 0 => self.downloaded * 100 / total,
            _ => self.downloaded / (256 * 1024),
        };
        if self.last_step == Some(step) {
            return;
        }
        self.last_step = Some(step);
        let event = UpdateProgress {
            downloaded: self.downloaded,
            total,
        };
        if let Err(error) = self.app.emit_to("main", PROGRESS_EVENT, event) {
            tracing::warn!(%error, "update progress not shown");
        }
    }
}
