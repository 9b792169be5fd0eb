//! Stopping tauri-driver and its WebKitWebDriver, whether the start failed half-way or the test
//! is over, and checking both gone.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::procfs::is_running;
use super::STOP_TIMEOUT;

/// Stops a half-started tauri-driver and its WebKitWebDriver when the start fails.
pub(super) struct StopOnDrop {
    pub(super) child: Option<Child>,
    pub(super) native_pid: Option<u32>,
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

/// SIGTERM (tauri-driver then kills WebKitWebDriver; SIGKILL would orphan it on its port), and wait.
pub(super) fn stop_tauri_driver(child: &mut Child) {
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
pub(super) fn make_sure_gone(pid: u32) {
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
