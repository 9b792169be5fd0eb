//! Bank transfer, 정산 and the cash receipt on the real app in sandbox mode: a 1-month pass paid by
//! 계좌이체 shows in this month's 정산 under 계좌이체, drills down to its order, and the order page
//! issues its 현금영수증 (지출증빙 to a business number typed there).

use crate::checkout::open_window;
use crate::harness::{ensure, scenario, App, Result};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_transfer_is_settled_and_gets_its_cash_receipt() {
    scenario(
        "ledger_trans_settled_receipt",
        async |app: &mut App| -> Result {
            open_window(app, "pass_1m", "trans").await?;
            app.click_in_payment_window("imp-approve").await?;
            app.wait_for_state("result-status", "paid").await?;
            let uid = app.full_id("result-merchant-uid").await?;

            app.click("nav-settlement").await?;
            let row = app
                .wait_for_text("settlement-method-trans", "9,900원")
                .await?;
            ensure(
                row.contains("계좌이체") && row.contains("1건"),
                format!("this month's 정산 shows the transfer: {row:?}"),
            )?;
            app.click("settlement-method-trans-paid").await?;
            app.wait_for(&format!("settlement-order-{uid}")).await?;
            app.click(&format!("settlement-open-{uid}")).await?;

            app.wait_for_text("cash-receipt-none", "아직 발급하지 않았습니다")
                .await?;
            app.fill("cash-receipt-identifier", "123-45-67891").await?;
            app.click("cash-receipt-issue").await?;
            app.wait_for_text("cash-receipt-state", "발급됨").await?;
            let approval = app.text("cash-receipt-apply-num").await?;
            ensure(
                approval.chars().filter(char::is_ascii_digit).count() >= 6,
                format!("the receipt has its approval number: {approval:?}"),
            )?;
            Ok(())
        },
    )
    .await;
}
