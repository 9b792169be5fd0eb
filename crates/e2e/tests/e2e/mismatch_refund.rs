//! A virtual account paid with another amount than the order's: the automatic cancel waits for
//! the buyer's refund account (Iamport needs one for a virtual-account refund). The order page
//! says so and offers 환불 계좌 입력; the owner picks the bank from the list, types the account
//! and the holder, and the cancel is sent for the whole deposit. Afterwards the order page and the
//! order list say what happened: the deposit received, all of it returned, done (never 환불된
//! 금액 0원 on an order that was never paid), also for a deposit larger than the order.

use serde_json::json;

use crate::checkout::open_window;
use crate::harness::{ensure, fail, scenario, App, Result};
use crate::store_pc::{control_token, get_response, invoke, post, sandbox_token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_virtual_account_deposit_is_refunded_to_the_account_the_owner_enters() {
    scenario(
        "vbank_mismatch_refund_account",
        async |app: &mut App| -> Result { wrong_deposit_is_returned(app, 100, "100원").await },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deposit_larger_than_the_order_is_returned_in_full() {
    scenario(
        "vbank_mismatch_refund_larger",
        async |app: &mut App| -> Result {
            wrong_deposit_is_returned(app, 50_000, "50,000원").await
        },
    )
    .await;
}

/// A 9,900원 pass paid into its virtual account with `deposit` won (`shown` as the page
/// writes it), refunded through 환불 계좌 입력, and shown as returned.
async fn wrong_deposit_is_returned(app: &mut App, deposit: i64, shown: &str) -> Result {
    open_window(app, "pass_1m", "vbank").await?;
    app.click_in_payment_window("imp-close").await?;
    app.wait_until_payment_window_closed().await?;
    let uid = app.full_id("result-merchant-uid").await?;

    // The buyer gets an account for the order at another amount and deposits into it (as a
    // tampered window would): the sandbox's control API, as the bank tells Iamport.
    let status = invoke(app, "app_status", json!({})).await?;
    let base = status["sandbox"]["baseUrl"]
        .as_str()
        .ok_or_else(|| fail(format!("no sandbox address: {status}")))?
        .to_owned();
    let token = control_token(app.data_dir())?;
    let body = json!({ "merchant_uid": uid, "amount": deposit, "pay_method": "vbank", "outcome": "ready" });
    let reply = post(&base, "/__sandbox/payments", &token, &body.to_string())?;
    let imp_uid = reply
        .split("\"imp_uid\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| fail(format!("the sandbox issued the account: {reply}")))?
        .to_owned();
    let reply = post(
        &base,
        &format!("/__sandbox/payments/{imp_uid}/deposit"),
        &token,
        "{}",
    )?;
    ensure(
        reply.starts_with("HTTP/1.1 200"),
        format!("the sandbox took the deposit: {reply}"),
    )?;

    // The engine finds the deposit, flags it and parks the cancel for want of an account.
    app.click("sync-now").await?;
    app.click("nav-orders").await?;
    app.click(&format!("order-open-{uid}")).await?;
    app.wait_for_state("order-status", "amount_mismatch")
        .await?;
    let needed = app.wait_for_text("mismatch-refund-needed", shown).await?;
    ensure(
        needed.contains("환불 계좌"),
        format!("the page says a refund account is needed: {needed:?}"),
    )?;
    ensure(
        !app.exists("refund-pending").await?,
        "the parked cancel is not shown as an ordinary pending refund too",
    )?;

    app.click("mismatch-refund-open").await?;
    app.choose("refund-bank", "004").await?;
    app.fill("refund-account-number", "123-4567-8901").await?;
    app.fill("refund-holder", "홍길동").await?;
    app.click("mismatch-refund-submit").await?;
    app.wait_for_text("refund-notice", "환불 계좌로 돌려주도록 요청했습니다")
        .await?;
    // Nothing waits for an account any more (the page's next refresh removes the notice).
    app.wait_until_gone("mismatch-refund-needed").await?;
    ensure(
        !app.exists("refund-pending").await?,
        "no refund is left queued",
    )?;

    // Iamport has the whole deposit cancelled.
    let access = sandbox_token(&base)?;
    let payment = get_response(
        &base,
        &format!("/payments/{imp_uid}"),
        ("Authorization", &access),
    )?;
    ensure(
        payment["status"] == "cancelled" && payment["cancel_amount"] == deposit,
        format!("Iamport cancelled the whole deposit: {payment}"),
    )?;

    // The page says what happened: received, all of it returned, done; the order was never
    // paid, so no refund of a sale is shown.
    let returned = app
        .wait_for_text("mismatch-returned", "모두 돌려주었습니다")
        .await?;
    ensure(
        returned.contains(&format!("입금액 {shown}이 주문 금액 9,900원과 달라"))
            && returned.contains(&format!("{shown}을 입금한 분의 환불 계좌로"))
            && returned.contains("처리 완료"),
        format!("the page says the whole deposit went back: {returned:?}"),
    )?;
    app.wait_for_text("order-status", "반환 완료").await?;
    let received = app.text("order-mismatch-received").await?;
    let back = app.text("order-mismatch-returned").await?;
    ensure(
        received == shown && back == shown,
        format!("received {received:?} and returned {back:?} are both {shown}"),
    )?;
    ensure(
        !app.exists("order-refunded").await?,
        "no 환불된 금액 0원 on an order that was never paid",
    )?;

    // The order list says the same.
    app.click("order-back").await?;
    let row = app.wait_for_text("order-row-mismatch", "반환").await?;
    ensure(
        row.contains(&format!("입금 {shown}")) && row.contains(&format!("반환 {shown}")),
        format!("the list shows the deposit and its return: {row:?}"),
    )?;
    ensure(
        app.text("order-state").await?.contains("반환 완료"),
        "the list's badge says returned",
    )?;
    Ok(())
}
