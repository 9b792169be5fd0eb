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

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::harness::{fail, Result};

pub(crate) mod ports;

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

/// Why WebKitWebDriver's `GET /status` did not say ready (yet).
#[derive(Debug)]
enum NotReady {
    /// tauri-driver did not accept the connection.
    Connect(std::io::Error),
    /// The request could not be sent.
    Send(std::io::Error),
    /// An answer other than `200` with `"ready":true`.
    Answer(String),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Connect(error) => write!(f, "connect: {error}"),
            NotReady::Send(error) => write!(f, "send: {error}"),
            NotReady::Answer(first_line) => write!(f, "/status answered {first_line:?}"),
        }
    }
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

/// Stops a half-started tauri-driver and its WebKitWebDriver when the start fails.
struct StopOnDrop {
    child: Option<Child>,
    native_pid: Option<u32>,
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        stop_tauri_driver(&mut child);
        if let Some(pid) = self.native_pid {
            // A tauri-driver that could not bind exits without stopping its WebKitWebDriver.
            if is_running(pid) {
                signal(pid, "TERM");
            }
            make_sure_gone(pid);
        }
    }
}

/// Waits until `child` (tauri-driver) listens on `port`, its WebKitWebDriver (whose pid is put in
/// `native_pid` once seen) listens on `native_port`, and WebKitWebDriver's `/status` says ready.
fn wait_until_ready(
    child: &mut Child,
    native_pid: &mut Option<u32>,
    port: u16,
    native_port: u16,
) -> Result {
    let deadline = Instant::now() + READY_TIMEOUT;
    let mut last = String::from("nothing tried yet");
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            // tauri-driver exits with success when it cannot bind its port.
            return Err(fail(format!(
                "tauri-driver exited at start ({status}; could it not listen on its reserved port {port}?)"
            )));
        }
        if native_pid.is_none() {
            *native_pid = native_child(child.id());
        }
        if let Some(pid) = *native_pid {
            if !is_running(pid) {
                return Err(fail(format!(
                    "WebKitWebDriver {pid} exited at start ({}; could it not listen on its reserved port {native_port}?)",
                    process_state(pid)
                )));
            }
            if listens(child.id(), port) && listens(pid, native_port) {
                match native_status(native_port) {
                    Ok(()) => return Ok(()),
                    Err(why) => last = why.to_string(),
                }
            } else {
                last = "not listening yet".into();
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(fail(format!(
        "tauri-driver on {port} / WebKitWebDriver on {native_port} not ready within {READY_TIMEOUT:?} ({last})"
    )))
}

/// `GET /status` of WebKitWebDriver on `port` (never through tauri-driver: see the module note):
/// Ok when it answers `"ready":true`.
fn native_status(port: u16) -> std::result::Result<(), NotReady> {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream =
        TcpStream::connect_timeout(&address, Duration::from_secs(2)).map_err(NotReady::Connect)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(NotReady::Send)?;
    write!(
        stream,
        "GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .map_err(NotReady::Send)?;
    let mut answer = String::new();
    // An error here leaves the answer short, which says what came.
    let _ = stream.read_to_string(&mut answer);
    let compact: String = answer.split_whitespace().collect();
    if answer.starts_with("HTTP/1.1 200") && compact.contains("\"ready\":true") {
        Ok(())
    } else {
        Err(NotReady::Answer(
            answer.lines().next().unwrap_or("nothing").to_string(),
        ))
    }
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

/// `running`, `gone`, or how a zombie ended (exit code or signal, from `/proc/<pid>/stat`).
pub(crate) fn process_state(pid: u32) -> String {
    match stat_fields(pid) {
        None => "gone".to_string(),
        Some(fields) if fields.first().is_some_and(|state| state == "Z") => {
            // Field 52 of stat (index 49 after the name): the exit status as waitpid gives it.
            match fields.get(49).and_then(|code| code.parse::<i32>().ok()) {
                Some(code) if code & 0x7f != 0 => format!("died of signal {}", code & 0x7f),
                Some(code) => format!("exited with code {}", (code >> 8) & 0xff),
                None => "exited".to_string(),
            }
        }
        Some(_) => "running".to_string(),
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        stop_tauri_driver(&mut self.child);
        make_sure_gone(self.native_pid);
    }
}

/// SIGTERM (tauri-driver then kills WebKitWebDriver; SIGKILL would orphan it on its port), and wait.
fn stop_tauri_driver(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let pid = child.id();
    signal(pid, "TERM");
    let deadline = Instant::now() + STOP_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("e2e: tauri-driver {pid} still running {STOP_TIMEOUT:?} after SIGTERM; killing it");
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits until WebKitWebDriver `pid` is gone; kills it if it outlived tauri-driver.
fn make_sure_gone(pid: u32) {
    let deadline = Instant::now() + STOP_TIMEOUT;
    while is_running(pid) {
        if Instant::now() > deadline {
            eprintln!("e2e: WebKitWebDriver {pid} outlived tauri-driver; killing it");
            signal(pid, "KILL");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(pid: u32, name: &str) {
    match Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
    {
        Ok(status) if status.success() => {}
        other => eprintln!("e2e: could not send SIG{name} to {pid}: {other:?}"),
    }
}

/// The fields of `/proc/<pid>/stat` after the command name: state, ppid, ...
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

/// Whether `pid` exists and is not a zombie.
pub(crate) fn is_running(pid: u32) -> bool {
    stat_fields(pid).is_some_and(|fields| fields.first().is_some_and(|state| state != "Z"))
}

/// The one child process of `parent` (tauri-driver's WebKitWebDriver), zombie or not.
fn native_child(parent: u32) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let fields = stat_fields(pid)?;
            (fields.get(1)? == &parent.to_string()).then_some(pid)
        })
}

/// Whether process `pid` holds a socket listening on 127.0.0.1:`port` (from `/proc/net/tcp` and the
/// process's open files): the port is bound by that process, not by someone else.
pub(crate) fn listens(pid: u32, port: u16) -> bool {
    let local = format!("0100007F:{port:04X}");
    // fields: sl, local, remote, state (0A = LISTEN), ..., inode at 9
    let inodes =
        tcp_inodes(|fields| fields.get(1) == Some(&local.as_str()) && fields.get(3) == Some(&"0A"));
    owned_sockets(pid, &inodes) > 0
}

/// The socket inodes (as `socket:[N]`) of the IPv4 TCP sockets whose `/proc/net/tcp` fields match.
fn tcp_inodes(matches: impl Fn(&[&str]) -> bool) -> Vec<String> {
    let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
        return Vec::new();
    };
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            matches(&fields)
                .then(|| fields.get(9).map(|inode| format!("socket:[{inode}]")))
                .flatten()
        })
        .collect()
}

/// How many of `inodes` process `pid` has open.
fn owned_sockets(pid: u32, inodes: &[String]) -> usize {
    if inodes.is_empty() {
        return 0;
    }
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return 0;
    };
    fds.flatten()
        .filter(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|target| {
                inodes
                    .iter()
                    .any(|inode| target.as_os_str() == inode.as_str())
            })
        })
        .count()
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
