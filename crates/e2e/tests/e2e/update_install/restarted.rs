//! The app the updater restarted: not the harness's child, so the test finds it on its data dir,
//! attaches a WebDriver session to the inspector port it inherited, and kills it (and its WebKit
//! processes) when done, whatever happened.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::driver::{listens, Driver};
use crate::harness::{fail, Result, STEP_TIMEOUT};

/// Pids of the app processes started on `data_dir` (the only ones naming it on their command line).
pub fn app_pids(data_dir: &Path) -> Vec<u32> {
    let needle = data_dir.as_os_str().as_encoded_bytes();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| cmdline.windows(needle.len()).any(|w| w == needle))
                && !is_zombie(*pid)
        })
        .collect()
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let after_name = stat.rsplit_once(')')?.1;
            after_name
                .split_whitespace()
                .next()
                .map(|state| state == "Z")
        })
        .unwrap_or(true)
}

/// How many times the app's log (`<data dir>/logs`) records a start.
pub fn starts_logged(data_dir: &Path) -> usize {
    std::fs::read_dir(data_dir.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .map(|text| {
            text.lines()
                .filter(|line| line.contains("::startup: starting "))
                .count()
        })
        .sum()
}

/// The app's log line saying the install failed, if it does.
pub fn install_failure(data_dir: &Path) -> Option<String> {
    std::fs::read_dir(data_dir.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .find_map(|text| {
            text.lines()
                .find(|line| line.contains("update not installed"))
                .map(str::to_owned)
        })
}

/// The restarted app, killed with its children on drop.
pub struct NewApp {
    /// Its pid.
    pub pid: u32,
    port: u16,
}

/// The app restarted on `data_dir` once `old` has exited and the new one's inspector listens
/// (on the port it inherited), or `None` yet.
pub fn restarted(data_dir: &Path, old: u32) -> Result<Option<NewApp>> {
    let pids = app_pids(data_dir);
    if pids.contains(&old) {
        return Ok(None);
    }
    let Some(&pid) = pids.first() else {
        return Ok(None);
    };
    let port = inspector_port(pid)?;
    // Made only once it is ready: a `NewApp` kills the process when dropped.
    if listens(pid, port) {
        Ok(Some(NewApp { pid, port }))
    } else {
        Ok(None)
    }
}

/// The inspector port in `pid`'s environment (`WEBKIT_INSPECTOR_SERVER=127.0.0.1:PORT`).
fn inspector_port(pid: u32) -> Result<u16> {
    let environ = std::fs::read(format!("/proc/{pid}/environ"))?;
    environ
        .split(|&b| b == 0)
        .filter_map(|var| std::str::from_utf8(var).ok())
        .find_map(|var| var.strip_prefix("WEBKIT_INSPECTOR_SERVER="))
        .and_then(|server| server.rsplit_once(':')?.1.parse().ok())
        .ok_or_else(|| fail(format!("the restarted app {pid} has no inspector port")))
}

impl NewApp {
    /// The inode of the binary the process runs.
    pub fn exe_inode(&self) -> Option<u64> {
        std::fs::metadata(format!("/proc/{}/exe", self.pid))
            .ok()
            .map(|meta| meta.ino())
    }

    /// Attaches a session and checks the app works: the navigation shows, and 설정 says which
    /// version runs.
    pub async fn works(&self) -> Result {
        let port = self.port;
        let driver = tokio::task::spawn_blocking(move || Driver::start(None, Some(port))).await??;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let client = tokio::time::timeout(
            Duration::from_secs(60),
            builder.connect(&format!("http://127.0.0.1:{}", driver.port)),
        )
        .await
        .map_err(|_| fail("no session with the restarted app"))?
        .map_err(|error| fail(format!("no session with the restarted app: {error}")))?;
        let checked = async {
            click(&client, "nav-plans").await?;
            click(&client, "nav-settings").await?;
            // "지금 버전 —" until the app has answered.
            let current = text_with(&client, "update-current", "0.1.0").await?;
            eprintln!("update_install: the restarted app says: {current}");
            Ok(())
        }
        .await;
        let _ = tokio::time::timeout(STEP_TIMEOUT, client.close()).await;
        drop(driver);
        checked
    }
}

async fn click(client: &Client, testid: &str) -> Result {
    let element = find(client, testid).await?;
    element
        .click()
        .await
        .map_err(|error| fail(format!("clicking {testid}: {error}")))?;
    Ok(())
}

/// The text of `testid` once it contains `wanted` (waiting as long as [`find`]).
async fn text_with(client: &Client, testid: &str, wanted: &str) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = find(client, testid)
            .await?
            .text()
            .await
            .map_err(|error| fail(format!("reading {testid}: {error}")))?;
        if text.contains(wanted) {
            return Ok(text);
        }
        if Instant::now() > deadline {
            return Err(fail(format!("{testid} says {text:?}, not {wanted}")));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The element with `testid`, waiting (60 s: the restarted app loads its page first) until shown.
async fn find(client: &Client, testid: &str) -> Result<fantoccini::elements::Element> {
    let selector = format!("[data-testid=\"{testid}\"]");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(element) = client.find(Locator::Css(&selector)).await {
            if element.is_displayed().await.unwrap_or(false) {
                return Ok(element);
            }
        }
        if Instant::now() > deadline {
            return Err(fail(format!("the restarted app shows no {testid}")));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

impl Drop for NewApp {
    fn drop(&mut self) {
        // Its WebKit processes first (children), then the app itself.
        let children: Vec<u32> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| parent_of(*pid) == Some(self.pid))
            .collect();
        for pid in std::iter::once(self.pid).chain(children) {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while !is_zombie(self.pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
