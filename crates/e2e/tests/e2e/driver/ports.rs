//! Ports for tauri-driver and WebKitWebDriver that nobody else takes between picking and binding.
//!
//! A port that `bind(127.0.0.1:0)` called free is in the kernel's ephemeral range, so the kernel
//! itself may hand it to any other socket (an outgoing connection, the app's own sandbox server,
//! WebKitWebDriver's inspector port, another helper's test) before tauri-driver binds it. So
//! ports are taken from below that range, where the kernel never hands out a port by itself, and
//! each is reserved among test runs on this machine by a lock file holding the reserving pid
//! (`O_EXCL`, so two runs never hold the same port; a lock whose pid is gone is stale). A reserved
//! port is also checked free by binding it once, which skips a port some unrelated program holds.

use std::fs::OpenOptions;
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;

use crate::harness::{fail, Result};

/// The lowest port handed out.
const LOWEST: u16 = 20_000;

/// A port reserved for this process until dropped.
#[derive(Debug)]
pub struct Reserved {
    /// The reserved port.
    pub port: u16,
    lock: PathBuf,
}

impl Drop for Reserved {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.lock);
    }
}

/// Reserves a free port below the kernel's ephemeral range.
pub fn reserve() -> Result<Reserved> {
    let dir = std::env::temp_dir().join("panmusic-e2e-ports");
    std::fs::create_dir_all(&dir)?;
    let highest = ephemeral_low().saturating_sub(1);
    if highest <= LOWEST {
        return Err(fail(format!(
            "no ports below the ephemeral range (it starts at {})",
            highest + 1
        )));
    }
    let span = u32::from(highest - LOWEST) + 1;
    // Start somewhere different in each process and each call, so runs rarely meet at all.
    let start = start_offset() % span;
    for step in 0..span {
        let port = LOWEST + ((start + step) % span) as u16;
        let lock = dir.join(port.to_string());
        if !take_lock(&lock)? {
            continue;
        }
        let reserved = Reserved { port, lock };
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(reserved);
        }
    }
    Err(fail(format!(
        "every port from {LOWEST} to {highest} is reserved or in use"
    )))
}

/// Creates `lock` with this pid in it; a lock left by a process that is gone is taken over.
fn take_lock(lock: &PathBuf) -> Result<bool> {
    for _ in 0..2 {
        match OpenOptions::new().write(true).create_new(true).open(lock) {
            Ok(mut file) => {
                write!(file, "{}", std::process::id())?;
                return Ok(true);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = std::fs::read_to_string(lock).unwrap_or_default();
                let alive = holder
                    .trim()
                    .parse::<u32>()
                    .is_ok_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
                // An empty file is a lock being written right now.
                if alive || holder.is_empty() {
                    return Ok(false);
                }
                let _ = std::fs::remove_file(lock);
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(false)
}

/// The first port of the kernel's ephemeral range (32768 when it cannot be read).
fn ephemeral_low() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32_768)
}

fn start_offset() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    std::process::id().wrapping_mul(7_919).wrapping_add(nanos)
}
