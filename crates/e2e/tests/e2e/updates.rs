//! Signed updates in the real app: a local update host (a key pair made for the test, a signed
//! stand-in bundle, the manifest) is offered in 설정 > 업데이트 with its version, notes and KST date,
//! downloaded with a progress bar and verified; a bundle changed after signing is refused with the
//! Korean message, and nothing is left to install. These stop at "verified, ready to install on
//! restart": installing for real needs a packaged install and root (`update_install.rs`).

use std::time::Duration;

use e2e::update_host::{Release, UpdateHost};
use serde_json::json;

use crate::harness::{ensure, fail, scenario_with, App, Result, Start};
use crate::store_pc::invoke;

/// The app takes the test host from these (a debug build in sandbox mode only).
fn pointed_at(host: &UpdateHost) -> Vec<(String, String)> {
    vec![
        ("PANMUSIC_TEST_UPDATE_ENDPOINT".into(), host.manifest_url()),
        ("PANMUSIC_TEST_UPDATE_PUBKEY".into(), host.pubkey().into()),
    ]
}

/// 1.5 MB in 64 KiB chunks, 120 ms apart: about 3 s, long enough to see the progress bar.
fn slow_release(tampered: bool) -> Release {
    Release {
        tampered,
        chunk_pause: Duration::from_millis(120),
        ..Release::of("0.2.0", 1_500_000)
    }
}

async fn check_and_see_the_offer(app: &App) -> Result {
    app.click("nav-settings").await?;
    app.click("update-check").await?;
    if let Err(error) = app.wait_for_text("update-version", "0.2.0").await {
        let said = if app.exists("update-error").await? {
            app.text("update-error").await?
        } else {
            "no error shown".to_owned()
        };
        return Err(fail(format!("no update offered ({error}): {said}")));
    }
    app.wait_for_text("update-notes", "정산 화면 개선").await?;
    // 03:00 UTC is noon in Korea.
    app.wait_for_text("update-date", "12:00 KST").await?;
    app.wait_for_text("update-current", "0.1.0").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_is_offered_downloaded_with_progress_and_verified() {
    let host = UpdateHost::start(slow_release(false))
        .await
        .expect("update host starts");
    let start = Start {
        env: pointed_at(&host),
        ..Start::default()
    };
    scenario_with("update_offered", start, async |app: &mut App| -> Result {
        check_and_see_the_offer(app).await?;
        ensure(host.bundle_requests() == 0, "checking downloads nothing")?;

        app.click("update-download").await?;
        app.wait_for("update-progress").await?;
        let ready = app
            .wait_for_text("update-ready", "서명을 확인했습니다")
            .await?;
        ensure(
            ready.contains("다시 시작하면 0.2.0"),
            format!("says it installs on restart: {ready}"),
        )?;
        ensure(
            host.bundle_requests() == 1,
            format!("downloaded once: {}", host.bundle_requests()),
        )?;
        ensure(
            !app.exists("update-progress").await?,
            "the progress bar goes when the download is done",
        )?;
        app.wait_for("update-install").await?;
        Ok(())
    })
    .await;
    host.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_changed_after_signing_is_refused_and_nothing_is_installed() {
    let host = UpdateHost::start(slow_release(true))
        .await
        .expect("update host starts");
    let start = Start {
        env: pointed_at(&host),
        ..Start::default()
    };
    scenario_with("update_tampered", start, async |app: &mut App| -> Result {
        check_and_see_the_offer(app).await?;
        app.click("update-download").await?;
        app.wait_for_text("update-error", "손상되었거나 변조되어 설치하지 않았습니다")
            .await?;
        ensure(
            host.bundle_requests() == 1,
            "the altered bundle was fetched in full",
        )?;
        ensure(
            !app.exists("update-ready").await? && !app.exists("update-install").await?,
            "nothing is offered for installing",
        )?;
        // Asking Rust directly to install it: nothing verified is kept, so nothing can be.
        match invoke(
            app,
            "install_update",
            json!({ "version": "0.2.0", "pin": null }),
        )
        .await
        {
            Ok(reply) => Err(fail(format!("the altered update was accepted: {reply}"))),
            Err(refused) => ensure(
                refused
                    .to_string()
                    .contains("준비가 된 업데이트가 없습니다"),
                format!("refused, nothing kept to install: {refused}"),
            ),
        }
    })
    .await;
    host.stop().await;
}
