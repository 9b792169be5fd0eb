//! The in-process Iamport sandbox: started on `127.0.0.1:<random port>` in sandbox mode and
//! stopped when the app leaves sandbox mode (its server tasks run on Tauri's async runtime). Its
//! payments persist in the sandbox book's folder (`sandbox/sandbox-state.json` in the data dir),
//! so test orders can still be verified after a restart.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use iamport_sandbox::{Sandbox, SandboxConfig};

use crate::error::ShellError;
use crate::models::SandboxInfo;

/// Holds the running sandbox, if any.
#[derive(Default)]
pub struct SandboxSlot {
    running: tokio::sync::Mutex<Option<Sandbox>>,
    info: Mutex<Option<SandboxInfo>>,
}

impl SandboxSlot {
    /// Starts the sandbox unless it runs already; returns where it listens. Its state is kept in
    /// the sandbox book's folder of `data_dir`; if that file cannot be used, the sandbox starts
    /// empty, in memory only.
    pub async fn ensure_started(&self, data_dir: &Path) -> Result<SandboxInfo, ShellError> {
        let mut running = self.running.lock().await;
        if let Some(sandbox) = running.as_ref() {
            return Ok(info_of(sandbox));
        }
        let state_file = pos_core::store::sandbox_state_path(data_dir);
        if let Some(dir) = state_file.parent() {
            // Best effort: without the folder the sandbox starts in memory (below).
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            if let Err(error) = builder.create(dir) {
                tracing::warn!(error = ?error, "sandbox book folder unusable");
            }
        }
        let persistent = SandboxConfig {
            state_file: Some(state_file),
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

    /// Stops the sandbox (it saves its state first); nothing listens on its port afterwards.
    pub async fn stop(&self) {
        let mut running = self.running.lock().await;
        *self.info.lock().unwrap_or_else(PoisonError::into_inner) = None;
        if let Some(sandbox) = running.take() {
            sandbox.shutdown().await;
            tracing::info!("sandbox stopped");
        }
    }

    /// Where the sandbox listens, if it runs.
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
