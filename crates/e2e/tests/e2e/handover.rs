//! The tray's handover, from outside (Linux): an app whose window was closed to the tray hands
//! over, once idle, to a fresh copy of itself started hidden (same pid: the process `exec`s its
//! own binary), which holds no WebKit process. The helpers here find the copy and drive its
//! window with a WebDriver session of their own: the harness's session drove the process image
//! that is gone.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::driver::{self, Driver};
use crate::harness::{app_family, ensure, fail, Result, STEP_TIMEOUT};
use crate::store_pc::app_family_names;

/// The variable that sets the seconds before the handover (`off`: never).
pub(crate) const DELAY_ENV: &str = "PANMUSIC_TRAY_HANDOVER_SECS";
/// What the fresh copy logs as it starts.
pub(crate) const HANDED_OVER: &str = "started hidden by the tray's handover";

/// The app process (not its WebKit children) started on `data_dir`.
pub(crate) fn app_pid(data_dir: &Path) -> Result<String> {
    app_family(data_dir)
        .into_iter()
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|name| name.starts_with("panmusic"))
        })
        .ok_or_else(|| fail(format!("no app runs on {}", data_dir.display())))
}

/// Every log line of the run.
pub(crate) fn log_lines(data_dir: &Path) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(data_dir.join("logs"))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    files.sort();
    for file in files {
        lines.extend(std::fs::read_to_string(file)?.lines().map(str::to_owned));
    }
    Ok(lines)
}

/// Waits (up to `within`) until the app on `data_dir` has handed over `count` times and runs no
/// WebKit process at all (neither a page nor the network process).
pub(crate) async fn wait_for_handover(data_dir: &Path, count: usize, within: Duration) -> Result {
    let began = Instant::now();
    loop {
        let handed = log_lines(data_dir)?
            .iter()
            .filter(|l| l.contains(HANDED_OVER))
            .count();
        let names = app_family_names(data_dir);
        if handed >= count && names.iter().all(|n| !n.starts_with("WebKit")) {
            return Ok(());
        }
        ensure(
            began.elapsed() < within,
            format!("handed over {handed} of {count} times within {within:?}; running: {names:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The loopback ports process `pid` listens on.
pub(crate) fn listening_ports(pid: &str) -> Vec<u16> {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let sockets: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .map(|link| link.to_string_lossy().into_owned())
        .collect();
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            // fields: sl, local, remote, state (0A = LISTEN), ..., inode at 9
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
            let port = local.strip_prefix("0100007F:")?;
            let owned = sockets.contains(&format!("socket:[{inode}]"));
            (*state == "0A" && owned)
                .then(|| u16::from_str_radix(port, 16).ok())
                .flatten()
        })
        .collect()
}

/// The port the app's WebKit inspector listens on once it builds a window (from its
/// environment, which `exec` keeps).
fn inspector_port(pid: &str) -> Result<u16> {
    let environ = std::fs::read(format!("/proc/{pid}/environ"))?;
    environ
        .split(|b| *b == 0)
        .filter_map(|var| std::str::from_utf8(var).ok())
        .find_map(|var| var.strip_prefix("WEBKIT_INSPECTOR_SERVER=127.0.0.1:"))
        .and_then(|port| port.parse().ok())
        .ok_or_else(|| fail("the app has no inspector address"))
}

/// A WebDriver session of its own on the fresh copy's window.
pub(crate) struct Reattached {
    pub(crate) client: Client,
    _driver: Driver,
}

impl Reattached {
    /// Waits (up to `within`) for the window of the app `pid` (its inspector listening), attaches
    /// a new WebDriver session to it and waits until its UI shows `ready`.
    pub(crate) async fn open(pid: &str, ready: &str, within: Duration) -> Result<Reattached> {
        let port = inspector_port(pid)?;
        let number: u32 = pid.parse()?;
        let began = Instant::now();
        while !driver::listens(number, port) {
            ensure(
                began.elapsed() < within,
                format!("the window's inspector listens on {port} within {within:?}"),
            )?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let driver = tokio::task::spawn_blocking(move || Driver::start(None, Some(port))).await??;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let url = format!("http://127.0.0.1:{}", driver.port);
        let client = tokio::time::timeout(Duration::from_secs(60), builder.connect(&url))
            .await
            .map_err(|_| fail("no WebDriver session on the fresh copy's window in time"))??;
        let session = Reattached {
            client,
            _driver: driver,
        };
        session.wait_for(ready).await?;
        Ok(session)
    }

    /// Waits until an element with `data-testid=testid` exists.
    pub(crate) async fn wait_for(&self, testid: &str) -> Result {
        let selector = format!("[data-testid=\"{testid}\"]");
        self.client
            .wait()
            .at_most(STEP_TIMEOUT)
            .for_element(Locator::Css(&selector))
            .await
            .map_err(|e| fail(format!("{testid} shows in the reopened window: {e}")))?;
        Ok(())
    }

    /// An attribute of the element with `data-testid=testid`, once it exists.
    pub(crate) async fn attr(&self, testid: &str, name: &str) -> Result<String> {
        let selector = format!("[data-testid=\"{testid}\"]");
        let element = self
            .client
            .wait()
            .at_most(STEP_TIMEOUT)
            .for_element(Locator::Css(&selector))
            .await?;
        Ok(element.attr(name).await?.unwrap_or_default())
    }

    /// Calls a Tauri command from the window, as the UI would.
    pub(crate) async fn invoke(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let reply = tokio::time::timeout(
            STEP_TIMEOUT,
            self.client.execute_async(
                "const [command, args, done] = arguments;\
                 window.__TAURI_INTERNALS__.invoke(command, args)\
                   .then((value) => done({ ok: value }), (e) => done({ err: JSON.stringify(e) }));",
                vec![json!(command), args],
            ),
        )
        .await
        .map_err(|_| fail(format!("{command}: no answer in time")))??;
        reply
            .get("ok")
            .cloned()
            .ok_or_else(|| fail(format!("{command} failed: {reply}")))
    }

    /// Closes the main window as its title bar's close does (the script answers first and asks
    /// a moment later, as the page goes with its window).
    pub(crate) async fn close_main_window(&self) -> Result {
        tokio::time::timeout(
            STEP_TIMEOUT,
            self.client.execute_async(
                "const done = arguments[arguments.length - 1]; done(true);\
                 setTimeout(() => window.__TAURI_INTERNALS__.invoke('plugin:window|close', { label: 'main' }), 300);",
                vec![],
            ),
        )
        .await
        .map_err(|_| fail("closing the window: no answer in time"))??;
        Ok(())
    }

    /// Ends the session and stops its tauri-driver.
    pub(crate) async fn close(self) {
        if let Err(error) = self.client.close().await {
            eprintln!("e2e: closing the reattached session failed: {error}");
        }
    }
}

/// The children of `pid` that have exited and were not reaped (zombies), by name.
pub(crate) fn zombie_children(pid: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let (name, rest) = stat.split_at(stat.rfind(')')? + 1);
            let mut fields = rest.split_whitespace();
            let (state, ppid) = (fields.next()?, fields.next()?);
            let name = name.split_once('(')?.1.trim_end_matches(')');
            (state == "Z" && ppid == pid).then(|| name.to_owned())
        })
        .collect()
}
