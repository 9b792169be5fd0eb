//! The processes behind a session: waiting until an app and its WebKit processes are gone (and
//! the bus has let go of its single-instance name) before the next app starts, and describing
//! what runs when a session cannot open.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::driver::STOP_TIMEOUT;

/// Waits (at most [`STOP_TIMEOUT`]) until the app started on `data_dir` (the only process with
/// this fresh temp dir on its command line) and the WebKit processes it spawned (web, network:
/// their command lines do not name the dir, so they are found by parent while the app lives)
/// have exited; whatever still runs then is killed. Returns only once they are gone and the bus
/// has dropped the app's single-instance name. A next app started while a dying one still owns
/// that name hands its arguments over and exits ("failed to forward arguments to the running
/// instance: NoReply"); the old WebKit processes may still be writing the app's WebKit storage,
/// which a restart on the same data dir opens again.
pub(super) fn wait_until_app_exited(data_dir: &Path, mut family: Vec<String>) {
    let needle = data_dir.as_os_str().as_encoded_bytes();
    let deadline = Instant::now() + STOP_TIMEOUT;
    let mut killed = false;
    loop {
        for pid in live_pids_where(|pid, cmdline, ppid| {
            cmdline.windows(needle.len()).any(|w| w == needle)
                || family.iter().any(|p| p == ppid)
                || family.iter().any(|p| p == pid)
        }) {
            if !family.contains(&pid) {
                family.push(pid);
            }
        }
        let alive: Vec<String> = family.iter().filter(|pid| is_alive(pid)).cloned().collect();
        if alive.is_empty() {
            break;
        }
        if !killed && Instant::now() > deadline {
            eprintln!(
                "e2e: the app on {} still runs {STOP_TIMEOUT:?} after its session closed; killing {alive:?}",
                data_dir.display()
            );
            if let Err(error) = Command::new("kill").arg("-KILL").args(&alive).status() {
                eprintln!("e2e: kill failed: {error}");
            }
            killed = true;
        }
        if killed && Instant::now() > deadline + STOP_TIMEOUT {
            eprintln!("e2e: the app on {} outlived SIGKILL", data_dir.display());
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    wait_until_single_instance_name_is_free();
}

/// The app on `data_dir` and the processes it started (WebKit's web and network processes).
pub(crate) fn app_family(data_dir: &Path) -> Vec<String> {
    let needle = data_dir.as_os_str().as_encoded_bytes();
    let apps = live_pids_where(|_, cmdline, _| cmdline.windows(needle.len()).any(|w| w == needle));
    let children = live_pids_where(|_, _, ppid| apps.contains(ppid));
    apps.into_iter().chain(children).collect()
}

/// Pids of live (not zombie) processes for which `keep(pid, cmdline, parent pid)` holds.
pub(super) fn live_pids_where(keep: impl Fn(&String, &[u8], &String) -> bool) -> Vec<String> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_string_lossy().into_owned();
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let (state, ppid) = stat_of(&pid)?;
            if state == 'Z' {
                return None;
            }
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            keep(&pid, &cmdline, &ppid).then_some(pid)
        })
        .collect()
}

/// A process's state letter and parent pid from `/proc/<pid>/stat` (`None`: gone).
pub(super) fn stat_of(pid: &str) -> Option<(char, String)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name in parentheses may hold spaces: the fields start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.to_owned();
    Some((state, ppid))
}

/// Whether `pid` still runs (a zombie has exited and holds nothing).
pub(super) fn is_alive(pid: &str) -> bool {
    stat_of(pid).is_some_and(|(state, _)| state != 'Z')
}

/// `ps` lines of tauri-driver, WebKitWebDriver and app processes, for a failure message.
pub(super) fn running_drivers_and_apps() -> String {
    let listing = Command::new("ps")
        .args(["-eo", "pid,ppid,stat,etimes,comm"])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    listing
        .lines()
        .filter(|line| {
            ["tauri-driver", "WebKit", "panmusic"]
                .iter()
                .any(|n| line.contains(n))
        })
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The D-Bus name tauri-plugin-single-instance holds for the app (`<identifier>.SingleInstance`).
const SINGLE_INSTANCE_NAME: &str = "kr.panmusic.pos.SingleInstance";

/// Waits (at most [`STOP_TIMEOUT`]) until the session bus says nobody owns the app's
/// single-instance name. The bus drops the name of a process that died a moment after it died;
/// without a session bus (no `DBUS_SESSION_BUS_ADDRESS`) the plugin does nothing and neither does this.
pub(super) fn wait_until_single_instance_name_is_free() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return;
    }
    let deadline = Instant::now() + STOP_TIMEOUT;
    loop {
        let answer = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{SINGLE_INSTANCE_NAME}"),
            ])
            .output();
        match answer {
            Ok(out) if String::from_utf8_lossy(&out.stdout).contains("boolean false") => return,
            Ok(_) => {}
            Err(error) => {
                eprintln!("e2e: cannot ask the session bus about {SINGLE_INSTANCE_NAME}: {error}");
                return;
            }
        }
        if Instant::now() > deadline {
            eprintln!(
                "e2e: {SINGLE_INSTANCE_NAME} is still owned {STOP_TIMEOUT:?} after the app exited"
            );
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
