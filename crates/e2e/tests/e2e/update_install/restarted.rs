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

/// How long dpkg and the restart may take (a loaded machine installing a debug build).
const RESTART_TIMEOUT: Duration = Duration::from_secs(120);

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

/// The restarted app, killed with its children on drop.
pub struct NewApp {
    /// Its pid.
    pub pid: u32,
    port: u16,
}

/// Waits until the app `old` has exited and another has started on `data_dir` with its
/// inspector listening.
pub async fn wait_for_new_process(data_dir: &Path, old: u32) -> Result<NewApp> {
    let deadline = Instant::now() + RESTART_TIMEOUT;
    let mut new_app = None;
    loop {
        let pids = app_pids(data_dir);
        if new_app.is_none() {
            if let Some(&pid) = pids.iter().find(|&&pid| pid != old) {
                let port = inspector_port(pid)?;
                new_app = Some(NewApp { pid, port });
            }
        }
        if let Some(app) = &new_app {
            if !pids.contains(&old) && listens(app.pid, app.port) {
                break;
            }
            if is_zombie(app.pid) {
                return Err(fail(format!("the restarted app {} exited", app.pid)));
            }
        }
        if Instant::now() > deadline {
            return Err(fail(format!(
                "no restarted app within {RESTART_TIMEOUT:?}: app processes {pids:?} (old {old}), \
                 new one {:?}",
                new_app.as_ref().map(|app| app.pid)
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(new_app.expect("found before the loop ends"))
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
            let current = text(&client, "update-current").await?;
            eprintln!("update_install: the restarted app says: {current}");
            if current.contains("0.1.0") {
                Ok(())
            } else {
                Err(fail(format!("설정 shows no version: {current}")))
            }
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

async fn text(client: &Client, testid: &str) -> Result<String> {
    let element = find(client, testid).await?;
    element
        .text()
        .await
        .map_err(|error| fail(format!("reading {testid}: {error}")))
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
