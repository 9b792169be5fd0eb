//! Every screen as the owner sees it: axe-core finds no serious or critical accessibility problem
//! on it, and its picture is saved for the README (`ui/screenshots/<screen>.png`, or
//! `$PANMUSIC_SCREENSHOT_DIR`). One app start walks them all, so the run stays short.

use std::path::{Path, PathBuf};

use crate::checkout::open_window;
use crate::harness::{fail, scenario, App, Result};

/// Where the README's screenshots live.
fn screenshot_dir() -> PathBuf {
    std::env::var_os("PANMUSIC_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/screenshots"))
}

/// axe-core over the screen as it is now, then its picture.
async fn check(app: &App, dir: &Path, screen: &str) -> Result {
    app.expect_accessible(screen).await?;
    app.screenshot_to(&dir.join(format!("{screen}.png"))).await
}

/// The check can fail: an image with no text (a critical violation) put on the page is reported,
/// and once it is gone the page passes again.
async fn axe_catches_a_real_problem(app: &App) -> Result {
    const ADD: &str = "const img = document.createElement('img'); img.id = 'axe-probe'; \
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; document.body.appendChild(img); \
        arguments[arguments.length - 1](true);";
    const REMOVE: &str =
        "document.getElementById('axe-probe').remove(); arguments[arguments.length - 1](true);";
    app.run_js(ADD, vec![]).await?;
    let caught = app.expect_accessible("probe").await;
    app.run_js(REMOVE, vec![]).await?;
    match caught {
        Err(error) if error.to_string().contains("image-alt") => Ok(()),
        other => Err(fail(format!(
            "axe-core did not report an image with no alt text: {other:?}"
        ))),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_has_no_serious_accessibility_problem_and_is_pictured_for_the_readme() {
    scenario("screens", async |app: &mut App| -> Result {
        let dir = screenshot_dir();
        app.wait_for_text("plan-pass_1m", "9,900원").await?;
        axe_catches_a_real_problem(app).await?;
        check(app, &dir, "plans").await?;

        app.click("plan-pass_1m").await?;
        app.wait_for_text("checkout-submit", "결제하기").await?;
        check(app, &dir, "checkout").await?;
        app.click("nav-plans").await?;

        open_window(app, "pass_1m", "card").await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_state("result-status", "paid").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        check(app, &dir, "payment-result").await?;

        app.click("nav-orders").await?;
        app.wait_for_text(&format!("order-row-{uid}"), "결제 완료")
            .await?;
        check(app, &dir, "orders").await?;

        app.click(&format!("order-open-{uid}")).await?;
        app.wait_for_state("order-status", "paid").await?;
        check(app, &dir, "order").await?;

        app.click("refund-partial").await?;
        app.fill("refund-amount", "3000").await?;
        app.wait_for_text("refund-remaining", "6,900원").await?;
        check(app, &dir, "refund").await?;
        app.click("refund-cancel").await?;

        app.click("nav-subscriptions").await?;
        app.wait_for("subscriptions-empty").await?;
        check(app, &dir, "subscriptions").await?;

        app.click("nav-settings").await?;
        app.wait_for("settings-store-name").await?;
        check(app, &dir, "settings").await?;
        eprintln!("e2e: screenshots saved in {}", dir.display());
        Ok(())
    })
    .await;
}
