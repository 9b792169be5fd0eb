//! Handing the tray over to a fresh copy of the app (Linux), so the app idle in the tray holds
//! no WebKit memory.
//!
//! Closing the window to the tray destroys it and its WebKit page process, but a process that
//! once showed a webview keeps what WebKit, GTK and Mesa loaded and touched (libLLVM alone is
//! about 44 MB of it), and WebKit's network process (about 60 MB) runs until the app exits. An
//! app started hidden, which never built a webview, holds none of that. So once the window has
//! been closed to the tray for [`delay`] and nothing is under way (no window, no update being
//! fetched or waiting to install), the app hands over to a fresh copy of itself: the sync engine
//! finishes its step and releases its lease (none starts again until the exec), the sandbox
//! saves its state, the notification follower reads what the engine wrote last, the
//! single-instance D-Bus name is released, and the process `exec`s its own binary with its own
//! arguments plus `--hidden --handed-over` and the screen the window showed (same pid, same
//! environment); the copy reaps the WebKit processes it inherits. The copy starts as autostart
//! starts the app; 열기, a click on the tray icon or a second launch build the window as before,
//! on that screen.
//!
//! Linux only: Windows has no `exec` (and WebView2 runs in processes of its own, which should end
//! with the webview: not measured here); macOS keeps the app as it is.

use std::ffi::OsString;
use std::time::Duration;

use tauri::{AppHandle, Runtime};

use crate::args::{HANDED_OVER_FLAG, HIDDEN_FLAG, SCREEN_FLAG, SYNC_NOW_FLAG};

/// Seconds in the tray before the handover (`off`: never), for tests and benches.
pub const DELAY_ENV: &str = "PANMUSIC_TRAY_HANDOVER_SECS";
/// How long the window stays closed before the app hands over, unless [`DELAY_ENV`] says.
pub const DEFAULT_DELAY: Duration = Duration::from_secs(60);

/// The delay [`DELAY_ENV`]'s value asks for: `None` (never) for `off`, the default when unset
/// or unreadable.
pub fn delay_from(value: Option<&str>) -> Option<Duration> {
    match value.map(str::trim) {
        Some("off") => None,
        Some(secs) => Some(secs.parse().map_or(DEFAULT_DELAY, Duration::from_secs)),
        None => Some(DEFAULT_DELAY),
    }
}

/// The delay of this run ([`delay_from`] on [`DELAY_ENV`]).
pub fn delay() -> Option<Duration> {
    delay_from(std::env::var(DELAY_ENV).ok().as_deref())
}

/// The fresh copy's arguments: this run's (without the flags the handover sets, and without
/// `--sync-now`), then `--hidden --handed-over` and the screen the window showed.
pub fn next_args(args: impl IntoIterator<Item = OsString>, screen: Option<&str>) -> Vec<OsString> {
    let mut next = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == SCREEN_FLAG {
            args.next();
        } else if arg != HIDDEN_FLAG && arg != HANDED_OVER_FLAG && arg != SYNC_NOW_FLAG {
            next.push(arg);
        }
    }
    next.extend([HIDDEN_FLAG, HANDED_OVER_FLAG].map(OsString::from));
    if let Some(screen) = screen {
        next.extend([OsString::from(SCREEN_FLAG), OsString::from(screen)]);
    }
    next
}

/// In a copy started by the handover (`handed_over`), waits in the background for the WebKit
/// processes its predecessor started (WebKit's network process ends once the `exec` closed its
/// connection) and reaps them: they are this process's children now, and nothing else would, so
/// each would stay behind as a zombie. One still running after 30 s is ended (SIGTERM).
pub fn reap_inherited_webkit(handed_over: bool) {
    #[cfg(target_os = "linux")]
    if handed_over {
        linux::reap_inherited_webkit();
    }
    #[cfg(not(target_os = "linux"))]
    let _ = handed_over;
}

/// Counts the windows closed to the tray: a handover waits for the last one, and a window built
/// again in the meantime cancels it.
#[derive(Default)]
pub struct Handover {
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    closed: std::sync::atomic::AtomicU64,
}

/// Called when the main window is destroyed (closed to the tray): hands over after [`delay`]
/// unless a window is built again first.
pub fn schedule<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(target_os = "linux")]
    linux::schedule(app);
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::process::CommandExt;
    use std::path::PathBuf;
    use std::sync::atomic::Ordering;

    use pos_core::settings::Mode;
    use tauri::{AppHandle, Manager, Runtime};

    use super::{delay, next_args, Handover};
    use crate::navigation::LastScreen;
    use crate::payments::engine;
    use crate::state::PosStateExt;
    use crate::{notify, updates};

    pub(super) fn schedule<R: Runtime>(app: &AppHandle<R>) {
        let (Some(delay), Some(handover)) = (delay(), app.try_state::<Handover>()) else {
            return;
        };
        let closed = handover.closed.fetch_add(1, Ordering::SeqCst) + 1;
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            loop {
                tokio::time::sleep(delay).await;
                if app.state::<Handover>().closed.load(Ordering::SeqCst) != closed {
                    return; // closed again later: that close's handover counts
                }
                match busy(&app) {
                    None => break,
                    Some(why) => tracing::info!(why, "handing the tray over later"),
                }
            }
            hand_over(app).await;
        });
    }

    /// Why the app cannot hand over now (`None`: idle).
    fn busy<R: Runtime>(app: &AppHandle<R>) -> Option<&'static str> {
        if !app.webview_windows().is_empty() {
            Some("a window is open")
        } else if updates::in_progress(app) {
            Some("an update is being fetched or waits to install")
        } else {
            None
        }
    }

    async fn hand_over<R: Runtime>(app: AppHandle<R>) {
        let binary = match tauri::process::current_binary(&app.env()) {
            Ok(binary) => binary,
            Err(error) => {
                tracing::warn!(error = %error, "no binary to hand the tray over to; staying");
                return;
            }
        };
        tracing::info!("idle in the tray: handing over to a fresh copy without WebKit");
        // Held until the exec (or the resume): no engine starts again in between (지금 동기화
        // asked meanwhile waits), no mode switch or restore runs under the exec.
        let switching = app.pos().switching.lock().await;
        engine::stop_locked(&app).await;
        app.pos().sandbox.stop().await;
        notify::after_a_full_look(&app).await;
        let screen = app.state::<LastScreen>().current();
        let args = next_args(std::env::args_os().skip(1), screen.as_deref());
        let (told, answer) = tokio::sync::oneshot::channel();
        let on_main = app.clone();
        // On the main thread, where the tray's menu runs: nothing builds a window in between.
        let queued = app.run_on_main_thread(move || {
            let _ = told.send(exec_if_idle(&on_main, binary, args));
        });
        let why = match queued {
            Ok(()) => answer.await.unwrap_or("the main thread did not answer"),
            Err(_) => "the main thread is gone",
        };
        tracing::info!(why, "the tray was not handed over; resuming");
        drop(switching);
        resume(&app).await;
    }

    /// Execs the fresh copy unless the app became busy; returns only when it did not exec.
    fn exec_if_idle<R: Runtime>(
        app: &AppHandle<R>,
        binary: PathBuf,
        args: Vec<std::ffi::OsString>,
    ) -> &'static str {
        if let Some(why) = busy(app) {
            return why;
        }
        tauri_plugin_single_instance::destroy(app);
        tracing::info!(binary = %binary.display(), "handing the tray over now");
        let error = std::process::Command::new(&binary).args(args).exec();
        tracing::error!(error = %error, "the fresh copy did not start; this copy stays (a second launch now starts another window)");
        "exec failed"
    }

    pub(super) fn reap_inherited_webkit() {
        use nix::sys::signal::{kill, Signal};
        use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
        use nix::unistd::Pid;
        let inherited = webkit_children(std::process::id());
        if inherited.is_empty() {
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("reap-webkit".into())
            .spawn(move || {
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
                for pid in inherited.into_iter().map(Pid::from_raw) {
                    while let Ok(WaitStatus::StillAlive) = waitpid(pid, Some(WaitPidFlag::WNOHANG))
                    {
                        if std::time::Instant::now() > deadline {
                            tracing::warn!(%pid, "an old WebKit process still runs; ending it");
                            let _ = kill(pid, Signal::SIGTERM);
                            let _ = waitpid(pid, None);
                            break;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(100));
                    }
                    tracing::info!(%pid, "the predecessor's WebKit process has ended");
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(error = %error, "the old WebKit processes are not reaped");
        }
    }

    /// The children of `parent` whose name starts with `WebKit`, from `/proc`.
    fn webkit_children(parent: u32) -> Vec<i32> {
        let parent = parent.to_string();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| {
                let pid: i32 = entry.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
                // "pid (name) state ppid ...": the name may hold spaces and parentheses.
                let (head, rest) = stat.split_at(stat.rfind(')')?);
                let name = head.split_once('(')?.1;
                let ppid = rest.split_whitespace().nth(2)?;
                (ppid == parent && name.starts_with("WebKit")).then_some(pid)
            })
            .collect()
    }

    /// Starts again what the handover stopped (the sandbox in sandbox mode, the engine).
    async fn resume<R: Runtime>(app: &AppHandle<R>) {
        let state = app.pos();
        if state.book_mode() == Some(Mode::Sandbox) {
            if let Err(error) = state.sandbox.ensure_started(&state.data_dir).await {
                tracing::error!(%error, "the sandbox did not start again");
            }
        }
        engine::ensure_started(app).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn the_delay_is_a_minute_unless_the_variable_says_otherwise() {
        assert_eq!(delay_from(None), Some(DEFAULT_DELAY), "unset: the default");
        assert_eq!(
            delay_from(Some("5")),
            Some(Duration::from_secs(5)),
            "seconds"
        );
        assert_eq!(delay_from(Some("off")), None, "off: never");
        assert_eq!(
            delay_from(Some("soon")),
            Some(DEFAULT_DELAY),
            "unreadable: the default"
        );
    }

    #[test]
    fn the_fresh_copy_starts_hidden_on_the_same_data_dir_and_screen() {
        let args = ["--data-dir", "/d", "--sandbox"].map(OsString::from);
        assert_eq!(
            strings(&next_args(args, Some("/orders/o-1"))),
            [
                "--data-dir",
                "/d",
                "--sandbox",
                "--hidden",
                "--handed-over",
                "--screen",
                "/orders/o-1"
            ],
            "same folder and mode, hidden, on the screen the window showed"
        );
    }

    #[test]
    fn a_second_handover_does_not_repeat_its_flags() {
        let first = next_args(["--data-dir", "/d"].map(OsString::from), Some("/a"));
        let second = next_args(first, None);
        assert_eq!(
            strings(&second),
            ["--data-dir", "/d", "--hidden", "--handed-over"],
            "the flags once, the old screen dropped when none is known"
        );
        let synced = next_args(["--sync-now", "--hidden"].map(OsString::from), None);
        assert_eq!(
            strings(&synced),
            ["--hidden", "--handed-over"],
            "--sync-now is not asked for again"
        );
    }
}
