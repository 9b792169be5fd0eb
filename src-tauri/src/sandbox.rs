//! The in-process Iamport sandbox: started on `127.0.0.1:<random port>` in sandbox mode and kept
//! for the app's life (its server tasks run on Tauri's async runtime). Its payments persist in
//! [`STATE_FILE`] in the data dir, so test orders can still be verified after a restart.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use iamport_sandbox::{Sandbox, SandboxConfig};

use crate::error::ShellError;
use crate::models::SandboxInfo;

/// The sandbox's state file, relative to the data dir.
pub const STATE_FILE: &str = "sandbox-state.json";

/// Holds the running sandbox, if any. Started at most once.
#[derive(Default)]
pub struct SandboxSlot {
    running: tokio::sync::Mutex<Option<Sandbox>>,
    info: Mutex<Option<SandboxInfo>>,
}

impl SandboxSlot {
    /// Starts the sandbox unless it runs already; returns where it listens. Its state is kept in
    /// `data_dir`; if that file cannot be used, the sandbox starts empty, in memory only.
    pub async fn ensure_started(&self, data_dir: &Path) -> Result<SandboxInfo, ShellError> {
        let mut running = self.running.lock().await;
        if let Some(sandbox) = running.as_ref() {
            return Ok(info_of(sandbox));
        }
        let persistent = SandboxConfig {
            state_file: Some(data_dir.join(STATE_FILE)),
            ..SandboxConfig::default()
        };
        let sandbox = match Sandbox::start(persistent).await {
            Ok(sandbox) => sandbox,
            Err(error) => {
                tracing::warn!(error = ?error, "sandbox state unusable; starting it in memory");
                Sandbox::start(SandboxConfig::default())
                    .await
                    .map_err(|error| {
                        tracing::error!(error = ?error, "the sandbox did not start");
                        ShellError::SandboxStart
                    })?
            }
        };
        let info = info_of(&sandbox);
        tracing::info!(base_url = %info.base_url, "sandbox started");
        *self.info.lock().unwrap_or_else(PoisonError::into_inner) = Some(info.clone());
        *running = Some(sandbox);
        Ok(info)
    }

    /// Where the sandbox listens, if it was started.
    pub fn info(&self) -> Option<SandboxInfo> {
        self.info
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn info_of(sandbox: &Sandbox) -> SandboxInfo {
    SandboxInfo {
        base_url: sandbox.base_url(),
        sdk_url: sandbox.sdk_url(),
    }
}
