//! The app under test, started by the harness itself, its WebKit inspector on a reserved port.
//!
//! When WebKitWebDriver starts the app, it picks the inspector port by binding port 0 and closing
//! it, and the app binds it again a second or more later: on a loaded machine another socket took
//! that port in between now and then ("Failed to start remote inspector server on 127.0.0.1:N:
//! Address already in use"), and the session never opened. So the harness starts the app with its
//! inspector on a port from [`ports::reserve`], waits until the app listens there, and
//! WebKitWebDriver attaches to it (`--target`); the harness also stops it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::driver::{self, ports, READY_TIMEOUT, STOP_TIMEOUT};
use crate::harness::{fail, Result};

/// The app process, stopped (SIGKILL, as WebKitWebDriver stopped it) on drop.
pub(crate) struct AppProcess {
    child: Child,
    /// The port the app's inspector listens on.
    pub(crate) inspector_port: u16,
    _inspector: ports::Reserved,
}

impl AppProcess {
    /// Starts `app_bin` on `data_dir` with its per-user folders in `home` and the variables `env`,
    /// and waits until its inspector listens.
    pub(crate) fn start(
        app_bin: &Path,
        data_dir: &Path,
        home: &Path,
        env: &[(String, String)],
    ) -> Result<AppProcess> {
        let inspector = ports::reserve()?;
        let port = inspector.port;
        let mut command = Command::new(app_bin);
        command
            .arg("--data-dir")
            .arg(data_dir)
            // What tauri-driver and WebKitWebDriver set for an app they start.
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("WEBKIT_INSPECTOR_SERVER", format!("127.0.0.1:{port}"))
            .env("GTK_OVERLAY_SCROLLING", "1")
            .stdin(Stdio::null());
        // Tests never touch the machine's keyring (and skip its D-Bus probe, slow when loaded).
        if std::env::var_os("PANMUSIC_SECRETS").is_none() {
            command.env("PANMUSIC_SECRETS", "file");
        }
        driver::isolate_user_dirs(&mut command, home)?;
        command.envs(env.iter().map(|(name, value)| (name, value)));
        let child = command
            .spawn()
            .map_err(|error| fail(format!("cannot start {}: {error}", app_bin.display())))?;
        let mut app = AppProcess {
            child,
            inspector_port: port,
            _inspector: inspector,
        };
        app.wait_for_inspector()?;
        Ok(app)
    }

    fn wait_for_inspector(&mut self) -> Result {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(fail(format!("the app exited at start ({status})")));
            }
            if driver::listens(self.child.id(), self.inspector_port) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "the app's inspector did not listen on its reserved port {} within {READY_TIMEOUT:?}",
                    self.inspector_port
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The app's pid.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `running`, or how it ended (for a failure message).
    pub(crate) fn describe(&mut self) -> String {
        match self.child.try_wait() {
            Ok(None) => "running".to_string(),
            Ok(Some(status)) => format!("exited ({status})"),
            Err(error) => format!("unknown ({error})"),
        }
    }

    /// Kills the app and reaps it.
    pub(crate) fn stop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let _ = self.child.kill();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!(
            "e2e: the app {} ({}) outlived SIGKILL",
            self.child.id(),
            driver::process_state(self.child.id())
        );
    }
}

impl Drop for AppProcess {
    fn drop(&mut self) {
        self.stop();
    }
}
