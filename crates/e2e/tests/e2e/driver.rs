//! tauri-driver and the WebKitWebDriver it starts, owned by one test.
//!
//! tauri-driver binds its own port at once and starts WebKitWebDriver beside it; until WebKitWebDriver
//! listens on the native port, every request tauri-driver forwards fails with "Connection refused"
//! (tens of milliseconds on an idle machine, seconds on a loaded one). So the driver counts as ready
//! only when this tauri-driver holds a listening socket on its port, ITS WebKitWebDriver holds one on
//! the native port, and WebKitWebDriver's own `GET /status` answers `ready`.
//!
//! That `/status` goes straight to WebKitWebDriver, never through tauri-driver: tauri-driver keeps
//! the connection of a forwarded request in its pool, and WebKitWebDriver closes a connection whose
//! request said `Connection: close` without saying so in its answer. The new-session request was
//! then sent on that closed pooled connection and failed at once ("client error (SendRequest)",
//! no app started), now and then on an idle machine and often on a loaded one. Nothing goes through
//! tauri-driver before the new-session request, so it opens a fresh connection.
//!
//! Both ports come from [`ports::reserve`], so no other process is handed them between picking
//! and binding: a driver that cannot bind its port is a failure, never tried again. WebKitWebDriver
//! is stopped with tauri-driver and checked gone.
//!
//! The parts: [`ready`] (when the pair counts as ready), [`stop`] (stopping them, checked gone),
//! [`procfs`] (what `/proc` says of a process and its sockets), [`ports`] (reserved ports).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::harness::{fail, Result};

pub(crate) mod ports;
mod procfs;
mod ready;
mod stop;

pub(crate) use procfs::{listens, process_state};
use ready::wait_until_ready;
use stop::{make_sure_gone, stop_tauri_driver, StopOnDrop};

/// Longest wait for tauri-driver and WebKitWebDriver to listen and answer (generous: a loaded CI
/// machine).
pub const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long tauri-driver, WebKitWebDriver or the app gets to exit when stopped.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// A tauri-driver process, listening, with its WebKitWebDriver listening and ready; stopped with
/// SIGTERM on drop (which makes tauri-driver kill WebKitWebDriver), then both are checked gone.
pub struct Driver {
    child: Child,
    /// The port tauri-driver listens on: the WebDriver URL of the test.
    pub port: u16,
    native_pid: u32,
    /// The two ports, reserved until both processes are gone (fields drop after `Drop::drop`).
    _ports: [ports::Reserved; 2],
    /// The slow-start wrapper around WebKitWebDriver, when one was asked for.
    _wrapper: Option<TempDir>,
}

impl Driver {
    /// Starts tauri-driver on reserved ports and waits until both listen and WebKitWebDriver says
    /// it is ready. With `native_delay`, WebKitWebDriver starts that much later than tauri-driver
    /// (a loaded machine, made certain). With `target`, WebKitWebDriver drives the app already
    /// running with its inspector on that port instead of starting one (see [`crate::harness`]).
    pub fn start(native_delay: Option<Duration>, target: Option<u16>) -> Result<Driver> {
        let wrapper = if native_delay.is_some() || target.is_some() {
            Some(native_driver_wrapper(native_delay, target)?)
        } else {
            None
        };
        let native = wrapper
            .as_ref()
            .map(|dir| dir.path().join("WebKitWebDriver"));
        let binary = tauri_driver_binary()?;
        let ports = [ports::reserve()?, ports::reserve()?];
        let (port, native_port) = (ports[0].port, ports[1].port);
        let mut command = Command::new(&binary);
        // The app inherits this through WebKitWebDriver: tests never touch the machine's keyring
        // (and skip its D-Bus probe, slow on a loaded machine).
        if std::env::var_os("PANMUSIC_SECRETS").is_none() {
            command.env("PANMUSIC_SECRETS", "file");
        }
        command.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ]);
        if let Some(native) = &native {
            command.arg("--native-driver").arg(native);
        }
        let child = command
            .stdin(Stdio::null())
            .spawn()
            .map_err(|error| fail(format!("cannot start {}: {error}", binary.display())))?;
        let mut started = StopOnDrop {
            child: Some(child),
            native_pid: None,
        };
        let child = started.child.as_mut().expect("just set");
        wait_until_ready(child, &mut started.native_pid, port, native_port)?;
        let native_pid = started.native_pid.expect("ready means found");
        let child = started.child.take().expect("just set");
        Ok(Driver {
            child,
            port,
            native_pid,
            _ports: ports,
            _wrapper: wrapper,
        })
    }
}

/// Points the app's per-user folders into `home`, so apps of different tests (and of other test
/// runs on the machine) share no WebKit storage, local storage or autostart entry. Mesa's shader
/// cache stays shared: it only makes start-up faster.
pub(crate) fn isolate_user_dirs(command: &mut Command, home: &Path) -> Result {
    if std::env::var_os("MESA_SHADER_CACHE_DIR").is_none() {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
        if let Some(cache) = cache {
            command.env("MESA_SHADER_CACHE_DIR", cache.join("mesa_shader_cache"));
        }
    }
    for (variable, dir) in [
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
    ] {
        let dir = home.join(dir);
        std::fs::create_dir_all(&dir)?;
        command.env(variable, dir);
    }
    Ok(())
}

impl Driver {
    /// The pid of the WebKitWebDriver this tauri-driver started.
    pub fn native_pid(&self) -> u32 {
        self.native_pid
    }

    /// How tauri-driver and WebKitWebDriver stand (for a failure message).
    pub fn describe(&mut self) -> String {
        let driver = match self.child.try_wait() {
            Ok(None) => "running".to_string(),
            Ok(Some(status)) => format!("exited ({status})"),
            Err(error) => format!("unknown ({error})"),
        };
        format!(
            "tauri-driver {}: {driver}; WebKitWebDriver {}: {}",
            self.child.id(),
            self.native_pid,
            process_state(self.native_pid)
        )
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        stop_tauri_driver(&mut self.child);
        make_sure_gone(self.native_pid);
    }
}

/// A WebKitWebDriver that starts `delay` late and, with `target`, drives the app whose inspector
/// listens on that port: a script in a temp dir that sleeps, then execs the real one (same pid,
/// tauri-driver's arguments plus `--target`).
fn native_driver_wrapper(delay: Option<Duration>, target: Option<u16>) -> Result<TempDir> {
    let real = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("WebKitWebDriver"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| fail("WebKitWebDriver not found on PATH"))?;
    let dir = tempfile::Builder::new()
        .prefix("panmusic-e2e-driver-")
        .tempdir()?;
    let script = dir.path().join("WebKitWebDriver");
    let sleep = delay.map_or(String::new(), |delay| {
        format!("sleep {:.3}\n", delay.as_secs_f64())
    });
    let target = target.map_or(String::new(), |port| format!(" --target=127.0.0.1:{port}"));
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n{sleep}exec '{}' \"$@\"{target}\n",
            real.display()
        ),
    )?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    Ok(dir)
}

/// tauri-driver from PATH, else `~/.cargo/bin`.
fn tauri_driver_binary() -> Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("tauri-driver"));
    let in_cargo_home =
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin/tauri-driver"));
    on_path
        .chain(in_cargo_home)
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| fail("tauri-driver not found on PATH or in ~/.cargo/bin: cargo install tauri-driver --locked"))
}
