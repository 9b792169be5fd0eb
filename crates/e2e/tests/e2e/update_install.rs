//! Installing a signed update for real, on a copy of the app installed from its .deb: the owner
//! checks, downloads and installs a newer signed package through 설정 > 업데이트, dpkg then lists
//! the newer version, and the app restarts as a new process on the installed files and works. A
//! package changed after signing never reaches dpkg.
//!
//! These tests need the app installed by dpkg (`PANMUSIC_APP_BIN=/usr/bin/panmusic-pos`), the
//! .deb it was installed from (`PANMUSIC_UPDATE_DEB`, else the debug bundle in
//! `$CARGO_TARGET_DIR/debug/bundle/deb/`) and a way for the updater to run `dpkg -i` (root with
//! `pkexec` or `sudo`). On the plain debug binary they say why and return: that binary cannot
//! install updates at all (`install_and_restart` in `src-tauri/src/updates/mod.rs` refuses).
//!
//! ```text
//! tauri build --debug --bundles deb   # then, as root:
//! dpkg -i "$CARGO_TARGET_DIR/debug/bundle/deb/Panmusic POS_0.1.0_amd64.deb" && apt-get install -y sudo
//! PANMUSIC_APP_BIN=/usr/bin/panmusic-pos xvfb-run -a dbus-run-session -- \
//!     cargo test -p e2e -- --test-threads=1 update_install --nocapture
//! ```
//!
//! The installed package is left at the test's version: `dpkg -r panmusic-pos` afterwards.

mod package;
mod restarted;

use std::time::{Duration, Instant};

use e2e::update_host::{Release, UpdateHost};

use crate::harness::{app_binary, ensure, fail, scenario_with, App, Result, Start};
use package::{Installed, NEW_VERSION};

/// How long dpkg and the restart may take (a loaded machine installing a debug build).
const RESTART_TIMEOUT: Duration = Duration::from_secs(120);

/// The app takes the test host from these (a debug build in sandbox mode only).
fn pointed_at(host: &UpdateHost) -> Vec<(String, String)> {
    vec![
        ("PANMUSIC_TEST_UPDATE_ENDPOINT".into(), host.manifest_url()),
        ("PANMUSIC_TEST_UPDATE_PUBKEY".into(), host.pubkey().into()),
    ]
}

/// The installed app and the newer package made from its .deb, or `None` (reason printed) when
/// the app under test is not a packaged install.
fn packaged() -> Option<(Installed, Vec<u8>)> {
    let bin = match app_binary() {
        Ok(bin) => bin,
        Err(error) => panic!("no app binary: {error}"),
    };
    let installed = match Installed::owning(&bin) {
        Ok(installed) => installed,
        Err(reason) => {
            eprintln!(
                "update_install: skipped: {} is not a packaged install ({reason}); \
                 dpkg -i the .deb and set PANMUSIC_APP_BIN=/usr/bin/panmusic-pos to run it",
                bin.display()
            );
            return None;
        }
    };
    let newer = match package::newer_deb(&installed) {
        Ok(bytes) => bytes,
        Err(error) => panic!("the newer package could not be made: {error}"),
    };
    Some((installed, newer))
}

async fn download_the_offer(app: &App) -> Result {
    app.click("nav-settings").await?;
    app.click("update-check").await?;
    if let Err(error) = app.wait_for_text("update-version", NEW_VERSION).await {
        let said = if app.exists("update-error").await? {
            app.text("update-error").await?
        } else {
            "no error shown".to_owned()
        };
        return Err(fail(format!("no update offered ({error}): {said}")));
    }
    app.click("update-download").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_changed_after_signing_never_reaches_dpkg() {
    let Some((installed, newer)) = packaged() else {
        return;
    };
    let host = UpdateHost::start(Release {
        tampered: true,
        bundle: newer,
        ..Release::of(NEW_VERSION, 0)
    })
    .await
    .expect("update host starts");
    let start = Start {
        env: pointed_at(&host),
        ..Start::default()
    };
    let dpkg_log_before = package::dpkg_log_lines();
    scenario_with(
        "update_install_tampered",
        start,
        async |app: &mut App| -> Result {
            download_the_offer(app).await?;
            app.wait_for_text("update-error", "손상되었거나 변조되어 설치하지 않았습니다")
                .await?;
            ensure(
                !app.exists("update-install").await?,
                "nothing is offered for installing",
            )?;
            let now = installed.current()?;
            ensure(
                now.version == installed.version && now.inode == installed.inode,
                format!(
                    "the package stays as installed: {} (inode {}) before, {} (inode {}) now",
                    installed.version, installed.inode, now.version, now.inode
                ),
            )?;
            let dpkg_log = package::dpkg_log_lines();
            ensure(
                dpkg_log[dpkg_log_before.len().min(dpkg_log.len())..]
                    .iter()
                    .all(|line| !line.contains(&installed.package)),
                format!(
                    "dpkg did nothing to {}: {:?}",
                    installed.package,
                    &dpkg_log[dpkg_log_before.len().min(dpkg_log.len())..]
                ),
            )
        },
    )
    .await;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_installs_a_signed_package_and_the_app_restarts_on_it() {
    let Some((installed, newer)) = packaged() else {
        return;
    };
    let host = UpdateHost::start(Release {
        bundle: newer,
        ..Release::of(NEW_VERSION, 0)
    })
    .await
    .expect("update host starts");
    let start = Start {
        env: pointed_at(&host),
        ..Start::default()
    };
    eprintln!(
        "update_install: {} {} installed (binary inode {})",
        installed.package, installed.version, installed.inode
    );
    scenario_with("update_install", start, async |app: &mut App| -> Result {
        let before = restarted::app_pids(app.data_dir());
        ensure(
            before.len() == 1,
            format!("one app process at start: {before:?}"),
        )?;
        ensure(
            restarted::starts_logged(app.data_dir()) == 1,
            "one start in the app's log",
        )?;
        download_the_offer(app).await?;
        app.wait_for_text("update-ready", "서명을 확인했습니다")
            .await?;
        app.click("update-install").await?;
        app.click("update-install-confirm-confirm").await?;

        // dpkg runs, then the app exits and starts again from /usr/bin: a new process on the
        // same data dir, its inspector on the port it inherited.
        let deadline = Instant::now() + RESTART_TIMEOUT;
        let new_app = loop {
            if let Some(new_app) = restarted::restarted(app.data_dir(), before[0])? {
                break new_app;
            }
            // A failed install is in the app's log (its page is not asked while the app may be
            // restarting: a WebDriver command then is no part of what the owner does).
            if let Some(failed) = restarted::install_failure(app.data_dir()) {
                let said = app.text("update-error").await.unwrap_or_default();
                return Err(fail(format!(
                    "the install failed: {failed} (the app says: {said})"
                )));
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "no restarted app within {RESTART_TIMEOUT:?}: app processes {:?} (old {})",
                    restarted::app_pids(app.data_dir()),
                    before[0]
                )));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let now = installed.current()?;
        eprintln!(
            "update_install: after the install: {} {} (binary inode {}), app pid {} -> {}",
            installed.package, now.version, now.inode, before[0], new_app.pid
        );
        ensure(
            now.version == NEW_VERSION,
            format!("dpkg lists {NEW_VERSION}, not {}", now.version),
        )?;
        ensure(
            now.inode != installed.inode,
            "dpkg replaced the binary (a new inode)",
        )?;
        ensure(
            package::marker_installed(),
            "the newer package's own file is on disk",
        )?;
        let upgrade = package::dpkg_log_lines()
            .into_iter()
            .rfind(|line| line.contains(" upgrade ") && line.contains(&installed.package));
        eprintln!("update_install: dpkg.log: {upgrade:?}");
        ensure(
            upgrade.is_some_and(|line| line.ends_with(NEW_VERSION)),
            "dpkg.log records the upgrade to the new version",
        )?;
        ensure(
            new_app.exe_inode() == Some(now.inode),
            "the restarted app runs the installed (new) binary",
        )?;
        let starts = restarted::starts_logged(app.data_dir());
        ensure(
            starts == 2,
            format!("the log shows a fresh start: {starts} starts"),
        )?;
        new_app.works().await
    })
    .await;
    host.stop().await;
}
