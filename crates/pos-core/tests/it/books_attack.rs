//! The attack on a shared ledger: a live order is open; a second Iamport (the sandbox) holds a
//! paid payment with the same merchant_uid and amount; every verification path and a sync
//! cycle then run in sandbox mode (and back in live mode). The live order stays unpaid: the
//! sandbox's book does not hold it, and the live Iamport never saw that payment.

use std::process::{Command, Output, Stdio};

use iamport_sandbox::{DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use pos_core::checkout::{
    complete_payment, retry_checkout, start_checkout, window_opened, Buyer, CheckoutEnv,
};
use pos_core::settings::{MerchantCode, Mode, Settings};
use pos_core::{OrderState, PayMethod, Store};

use super::checkout_support::{client_of, start_sandbox};
use super::sync_support::{run_once, Control};

fn posctl(dir: &std::path::Path, mode: &str, base: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posctl"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--mode", mode, "--api-base", base])
        .args(["--imp-key", DEFAULT_IMP_KEY])
        .args(args)
        .env("PANMUSIC_SECRETS", "file")
        .env_remove("IAMPORT_KEY")
        .env("IAMPORT_SECRET", DEFAULT_IMP_SECRET)
        .env_remove("IAMPORT_API_BASE")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run posctl {args:?}: {e}"))
}

fn live_env(base: &str) -> CheckoutEnv {
    let mut settings = Settings {
        mode: Mode::Live,
        ..Settings::default()
    };
    settings.merchant_code = "imp12345678".parse::<MerchantCode>().ok();
    CheckoutEnv {
        settings,
        api_base: base.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sandbox_payment_never_settles_a_live_order_by_any_path() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let live_iamport = start_sandbox(None, None).await;
    let sandbox = start_sandbox(None, None).await;
    let live_client = client_of(&live_iamport.base_url());
    let sandbox_client = client_of(&sandbox.base_url());

    // A live order, its window opened, against the live Iamport.
    let live = Store::open_book(dir.path(), Mode::Live).unwrap_or_else(|e| panic!("live: {e}"));
    let env = live_env(&live_iamport.base_url());
    let ticket = start_checkout(
        &live,
        Some(&live_client),
        &env,
        "pass_1m",
        PayMethod::Card,
        &Buyer::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("live checkout: {e}"));
    window_opened(&live, &ticket.merchant_uid).unwrap_or_else(|e| panic!("window: {e}"));
    let uid = ticket.merchant_uid.clone();

    // The sandbox holds a paid payment for that merchant_uid and amount.
    let fake_imp = Control::new(&sandbox.base_url())
        .pay(&uid, ticket.amount, "card", "paid")
        .await;

    // Sandbox mode: its book, its client.
    let sandbox_book =
        Store::open_book(dir.path(), Mode::Sandbox).unwrap_or_else(|e| panic!("sandbox: {e}"));
    let callback = complete_payment(&sandbox_book, &sandbox_client, &uid, Some(&fake_imp)).await;
    assert!(callback.is_err(), "window callback: {callback:?}");
    let redirect = complete_payment(&sandbox_book, &sandbox_client, &uid, None).await;
    assert!(redirect.is_err(), "redirect without imp_uid: {redirect:?}");
    let retry = retry_checkout(&sandbox_book, Some(&sandbox_client), &env, &uid).await;
    assert!(
        retry.is_err(),
        "no sandbox window for a live order: {retry:?}"
    );
    run_once(&sandbox_book, &sandbox_client)
        .await
        .unwrap_or_else(|e| panic!("a sandbox sync cycle runs: {e}"));
    let base = sandbox.base_url();
    let out = posctl(
        dir.path(),
        "sandbox",
        &base,
        &["payment", "complete", &uid, &fake_imp],
    );
    assert!(!out.status.success(), "posctl --mode sandbox refuses");
    let out = posctl(dir.path(), "sandbox", &base, &["sync", "--once"]);
    assert!(
        out.status.success(),
        "posctl sandbox sync runs: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Back in live mode: the fake imp_uid is unknown to the live Iamport.
    let live_callback = complete_payment(&live, &live_client, &uid, Some(&fake_imp)).await;
    assert!(
        live_callback
            .as_ref()
            .map_or(true, |v| v.order.state != OrderState::Paid),
        "the live Iamport never saw that payment: {live_callback:?}"
    );
    run_once(&live, &live_client)
        .await
        .unwrap_or_else(|e| panic!("a live sync cycle runs: {e}"));

    let order = live.order(&uid).unwrap_or_else(|e| panic!("order: {e}"));
    assert_eq!(
        order.state,
        OrderState::AwaitingPayment,
        "the live order is still unpaid"
    );
    assert_eq!(order.imp_uid, None, "no payment attached to it");
    assert_eq!(order.paid_at, None, "never paid");
    sandbox.shutdown().await;
    live_iamport.shutdown().await;
}
