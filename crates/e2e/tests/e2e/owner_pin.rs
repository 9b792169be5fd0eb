//! The owner's PIN (관리자 PIN) in the real app: set through the first-start offer; after a
//! restart, saving settings asks for it, a wrong PIN shows the tries left and saves nothing, and
//! the right one saves.

use crate::harness::{ensure, scenario, App, Result};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_set_at_first_start_guards_saving_settings_after_a_restart() {
    scenario(
        "owner_pin_guards_settings",
        async |app: &mut App| -> Result {
            app.click("pin-offer-open").await?;
            app.fill("pin-setup-new", "2580").await?;
            app.fill("pin-setup-again", "2580").await?;
            app.click("pin-setup-save").await?;
            app.wait_for_text("pin-offer-done", "설정했습니다").await?;

            app.restart().await?;
            app.click("nav-settings").await?;
            app.wait_for_text("settings-pin-status", "설정됨").await?;
            ensure(
                !app.exists("pin-offer").await?,
                "no first-start offer once a PIN is set",
            )?;
            app.fill("settings-store-name", "직원이 바꾼 이름").await?;
            app.click("settings-save").await?;
            app.wait_for_text("pin-dialog", "관리자 PIN을 입력하세요")
                .await?;
            app.fill("pin-input", "1111").await?;
            app.click("pin-submit").await?;
            app.wait_for_text("pin-error", "4번 더").await?;
            ensure(
                !app.exists("settings-saved").await?,
                "nothing is saved with a wrong PIN",
            )?;
            app.fill("pin-input", "2580").await?;
            app.click("pin-submit").await?;
            app.wait_for_text("settings-saved", "저장").await?;
            ensure(
                !app.exists("pin-dialog").await?,
                "the dialog closes after the right PIN",
            )?;
            Ok(())
        },
    )
    .await;
}
