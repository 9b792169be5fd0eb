//! When tauri-driver and its WebKitWebDriver count as ready: both listen on their reserved ports
//! and WebKitWebDriver's own `GET /status` (never through tauri-driver: see [`super`]) says so.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

use super::procfs::{is_running, listens, native_child, process_state};
use super::READY_TIMEOUT;
use crate::harness::{fail, Result};

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

/// Waits until `child` (tauri-driver) listens on `port`, its WebKitWebDriver (whose pid is put in
/// `native_pid` once seen) listens on `native_port`, and WebKitWebDriver's `/status` says ready.
pub(super) fn wait_until_ready(
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

/// `GET /status` of WebKitWebDriver on `port` (never through tauri-driver: see [`super`]):
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
