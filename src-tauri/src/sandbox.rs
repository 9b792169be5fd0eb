//! The in-process Iamport sandbox: started on `127.0.0.1:<random port>` in sandbox mode and
//! stopped when the app leaves sandbox mode (its server tasks run on Tauri's async runtime). Its
//! payments persist in the sandbox book's folder (`sandbox/sandbox-state.json` in the data dir),
//! so test orders can still be verified after a restart.
//!
//! The sandbox listens on loopback, where every web page the shop opens in a browser can reach
//! it, so it runs guarded ([`guard`]): its control API needs a token only the app knows
//! (written to [`CONTROL_TOKEN_FILE`] beside its state, owner-only, for test tools run by the
//! same OS account), requests for any other `Host` than its own address are refused (DNS
//! rebinding), pages from other origins than the app's own are refused, and state-changing
//! requests must be JSON.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use iamport_sandbox::{Guard, Sandbox, SandboxConfig};

use crate::error::ShellError;
use crate::models::SandboxInfo;

/// The file, beside the sandbox's state, where the control token of the running sandbox is
/// written.
pub const CONTROL_TOKEN_FILE: &str = "sandbox-control-token";

/// The origins of the app's own pages (Linux and macOS, then Windows without and with https):
/// the only web pages that may call the sandbox besides its own.
pub const APP_ORIGINS: [&str; 3] = [
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
];

/// The protection the app's sandbox runs with: a fresh random control token each start.
pub fn guard() -> Guard {
    Guard::strict(&APP_ORIGINS)
}

/// Holds the running sandbox, if any.
#[derive(Default)]
pub struct SandboxSlot {
    running: tokio::sync::Mutex<Option<Sandbox>>,
    info: Mutex<Option<SandboxInfo>>,
    control_token: Mutex<Option<String>>,
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
        let token_file = state_file.with_file_name(CONTROL_TOKEN_FILE);
        let guard = guard();
        let persistent = SandboxConfig {
            state_file: Some(state_file),
            guard: guard.clone(),
            ..SandboxConfig::default()
        };
        let sandbox = match Sandbox::start(persistent).await {
            Ok(sandbox) => sandbox,
            Err(error) => {
                tracing::warn!(error = ?error, "sandbox state unusable; starting it in memory");
                Sandbox::start(SandboxConfig {
                    guard: guard.clone(),
                    ..SandboxConfig::default()
                })
                .await
                .map_err(|error| {
                    tracing::error!(error = ?error, "the sandbox did not start");
                    ShellError::SandboxStart
                })?
            }
        };
        if let Some(token) = &guard.control_token {
            pos_core::logfile::keep_out_of_logs(token);
            write_control_token(&token_file, token);
        }
        let info = info_of(&sandbox);
        tracing::info!(base_url = %info.base_url, "sandbox started");
        *self.info.lock().unwrap_or_else(PoisonError::into_inner) = Some(info.clone());
        *self
            .control_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = guard.control_token;
        *running = Some(sandbox);
        Ok(info)
    }

    /// Stops the sandbox (it saves its state first); nothing listens on its port afterwards.
    pub async fn stop(&self) {
        let mut running = self.running.lock().await;
        *self.info.lock().unwrap_or_else(PoisonError::into_inner) = None;
        *self
            .control_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        if let Some(sandbox) = running.take() {
            sandbox.shutdown().await;
            tracing::info!("sandbox stopped");
        }
    }

    /// The running sandbox's control token, for Rust code of the app and its tests; never sent
    /// to the webview.
    pub fn control_token(&self) -> Option<String> {
        self.control_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Where the sandbox listens, if it runs.
    pub fn info(&self) -> Option<SandboxInfo> {
        self.info
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Writes the control token for test tools run by the owner's OS account (owner-only on Unix).
/// A failure only costs those tools their access, so it is logged, not fatal.
fn write_control_token(path: &Path, token: &str) {
    let written = (|| -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            options.mode(0o600);
            let file = options.open(path)?;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            std::io::Write::write_all(&mut &file, token.as_bytes())
        }
        #[cfg(not(unix))]
        {
            let file = options.open(path)?;
            std::io::Write::write_all(&mut &file, token.as_bytes())
        }
    })();
    if let Err(error) = written {
        tracing::warn!(error = %error, path = %path.display(), "the sandbox control token file was not written");
    }
}

fn info_of(sandbox: &Sandbox) -> SandboxInfo {
    SandboxInfo {
        base_url: sandbox.base_url(),
        sdk_url: sandbox.sdk_url(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// One HTTP/1.1 request as written; returns the status code.
    fn status_of(base_url: &str, request_line: &str, headers: &[(&str, &str)]) -> u16 {
        let addr = base_url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).expect("connect to the sandbox");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .expect("timeout");
        let mut request = format!("{request_line} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(n, _)| *n == "Host") {
            request.push_str(&format!("Host: {addr}\r\n"));
        }
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("Content-Length: 0\r\n\r\n");
        stream.write_all(request.as_bytes()).expect("write");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("read");
        reply
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0)
    }

    #[test]
    fn the_app_sandbox_runs_guarded_and_only_its_token_opens_the_control_api() {
        let dir = tempfile::tempdir().expect("a temp data dir");
        let slot = SandboxSlot::default();
        let info = tauri::async_runtime::block_on(slot.ensure_started(dir.path()))
            .expect("the sandbox starts");
        let path =
            pos_core::store::sandbox_state_path(dir.path()).with_file_name(CONTROL_TOKEN_FILE);
        let token = std::fs::read_to_string(&path).expect("the control token is written");
        assert_eq!(token.len(), 64, "a 256-bit random token");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner reads the token");
        }
        let base = info.base_url.as_str();
        assert_eq!(
            status_of(base, "GET /__sandbox/stats", &[]),
            403,
            "no token, no control API"
        );
        assert_eq!(
            status_of(base, "GET /__sandbox/stats", &[("X-Sandbox-Token", &token)]),
            200,
            "the app's token opens it"
        );
        let rebound = format!(
            "evil.example:{}",
            base.rsplit(':').next().unwrap_or_default()
        );
        assert_eq!(
            status_of(base, "GET /sdk/iamport.js", &[("Host", &rebound)]),
            403,
            "a rebound host name is refused"
        );
        assert_eq!(
            status_of(
                base,
                "POST /__sdk/open",
                &[
                    ("Origin", "https://evil.example"),
                    ("Content-Type", "application/json")
                ]
            ),
            403,
            "a foreign page is refused"
        );
        assert_eq!(
            status_of(base, "GET /sdk/iamport.js", &[("Origin", APP_ORIGINS[0])]),
            200,
            "the app's own page loads the SDK"
        );
    }
}
