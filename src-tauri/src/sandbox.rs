//! The in-process Iamport sandbox: started on `127.0.0.1:<random port>` in sandbox mode and kept
//! for the app's life (its server tasks run on Tauri's async runtime).

use std::sync::{Mutex, PoisonError};

use iamport_sandbox::{Sandbox, SandboxConfig};

use crate::error::ShellError;
use crate::models::SandboxInfo;

/// Holds the running sandbox, if any. Started at most once.
#[derive(Default)]
pub struct SandboxSlot {
    running: tokio::sync::Mutex<Option<Sandbox>>,
    info: Mutex<Option<SandboxInfo>>,
}

impl SandboxSlot {
    /// Starts the sandbox unless it runs already; returns where it listens.
    pub async fn ensure_started(&self) -> Result<SandboxInfo, ShellError> {
        let mut running = self.running.lock().await;
        if let Some(sandbox) = running.as_ref() {
            return Ok(info_of(sandbox));
        }
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .map_err(|error| {
                tracing::error!(error = ?error, "the sandbox did not start");
                ShellError::SandboxStart
            })?;
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
