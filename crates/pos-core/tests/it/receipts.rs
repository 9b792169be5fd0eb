//! Cash receipts (현금영수증) against the sandbox (and, where Iamport is reached, through a relay too): issued for non-card payments (at once, or queued
//! while offline and sent once later), looked up before any resend, refused for card payments
//! and bad business numbers, issued automatically on verification when the owner turned it on,
//! and cancelled automatically when the payment is fully refunded.

use pos_core::checkout::refund_now;
use pos_core::store::{ReceiptKind, ReceiptState, RECEIPT_CANCEL_JOB, RECEIPT_ISSUE_JOB};
use pos_core::tax::{issue_receipt_now, ReceiptAsk, ReceiptError, ReceiptOutcome};
use pos_core::work::{run_job_now, JobRun};
use pos_core::PayMethod;

use crate::checkout_support::{client_of, ctx, paid_order, refund, Shop};
use crate::relay_support::{over_both, Backend};

/// The sandbox route that issues receipts, for counting what was sent.
const ISSUES: &str = "POST /receipts/{imp_uid}";
/// The shop's business number in settings (a right check digit).
const SHOP_NUMBER: &str = "123-45-67891";

fn company() -> ReceiptAsk {
    ReceiptAsk {
        receipt_type: ReceiptKind::Company,
        identifier: None,
    }
}

/// Runs the `kind` job of `muid` waiting in the queue (`what` says why it must be there).
async fn run_open_job(shop: &Shop, kind: &str, muid: &str, what: &str) -> JobRun {
    let job = shop
        .store
        .open_job(kind, muid)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("{what}"));
    run_job_now(&ctx(shop), job.id)
        .await
        .unwrap_or_else(|e| panic!("run: {e}"))
}

/// A refused request left no receipt row and sent nothing to Iamport.
async fn nothing_recorded_or_sent(shop: &Shop, muid: &str) {
    assert_eq!(
        shop.store.cash_receipt(muid).ok().flatten(),
        None,
        "nothing recorded"
    );
    assert_eq!(shop.calls(ISSUES).await, 0, "nothing sent");
}

/// A client of a port nothing listens on: Iamport unreachable.
fn offline() -> iamport::Client {
    client_of("http://127.0.0.1:9")
}

async fn a_bank_transfer_gets_its_receipt_to_the_shops_business_number(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Trans).await;
    let outcome = issue_receipt_now(
        &shop.store,
        Some(&shop.client),
        &muid,
        &company(),
        Some(SHOP_NUMBER),
    )
    .await
    .unwrap_or_else(|e| panic!("issue: {e}"));
    let ReceiptOutcome::Done { receipt } = outcome else {
        panic!("issued at once: {outcome:?}");
    };
    assert_eq!(receipt.state, ReceiptState::Issued, "issued");
    assert_eq!(receipt.identifier, "1234567891", "to the settings' number");
    assert_eq!(receipt.amount, Some(9_900), "for the payment's amount");
    let at_iamport = shop
        .client
        .receipt(&imp)
        .await
        .unwrap_or_else(|e| panic!("Iamport has it: {e}"));
    assert_eq!(at_iamport.apply_num, receipt.apply_num, "the same receipt");
    assert_eq!(
        at_iamport.receipt_type.as_deref(),
        Some("company"),
        "지출증빙"
    );
}
over_both!(a_bank_transfer_gets_its_receipt_to_the_shops_business_number);

#[tokio::test]
async fn a_cash_receipt_for_a_card_payment_is_refused_and_nothing_is_sent() {
    let shop = Shop::open().await;
    let (muid, _) = paid_order(&shop, "pass_1m", PayMethod::Card).await;
    let err = issue_receipt_now(
        &shop.store,
        Some(&shop.client),
        &muid,
        &company(),
        Some(SHOP_NUMBER),
    )
    .await
    .err();
    assert!(
        matches!(err, Some(ReceiptError::CardPayment)),
        "refused: {err:?}"
    );
    assert!(
        err.is_some_and(|e| e.to_string().contains("매출전표")),
        "says where a card payment's evidence is"
    );
    nothing_recorded_or_sent(&shop, &muid).await;
}

#[tokio::test]
async fn a_business_number_with_a_wrong_check_digit_is_refused_and_nothing_is_written() {
    let shop = Shop::open().await;
    let (muid, _) = paid_order(&shop, "pass_1m", PayMethod::Trans).await;
    let ask = ReceiptAsk {
        receipt_type: ReceiptKind::Company,
        identifier: Some("123-45-67890".into()),
    };
    let err = issue_receipt_now(&shop.store, Some(&shop.client), &muid, &ask, None)
        .await
        .err();
    assert!(
        matches!(err, Some(ReceiptError::BusinessNumberChecksum)),
        "refused: {err:?}"
    );
    nothing_recorded_or_sent(&shop, &muid).await;
}

async fn a_receipt_asked_for_offline_is_queued_and_sent_once_when_back_online(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Trans).await;
    let ask = ReceiptAsk {
        receipt_type: ReceiptKind::Person,
        identifier: Some("010-1234-5678".into()),
    };
    let outcome = issue_receipt_now(&shop.store, Some(&offline()), &muid, &ask, None)
        .await
        .unwrap_or_else(|e| panic!("offline is not an error: {e}"));
    assert!(
        matches!(&outcome, ReceiptOutcome::Queued { receipt, .. } if receipt.state == ReceiptState::Requested),
        "queued: {outcome:?}"
    );
    assert_eq!(shop.calls(ISSUES).await, 0, "nothing reached Iamport");
    let again = issue_receipt_now(&shop.store, Some(&shop.client), &muid, &ask, None)
        .await
        .err();
    assert!(
        matches!(again, Some(ReceiptError::AlreadyIssued { .. })),
        "asking twice does not make a second request: {again:?}"
    );
    let run = run_open_job(
        &shop,
        RECEIPT_ISSUE_JOB,
        &muid,
        "the issue job waits in the queue",
    )
    .await;
    assert!(
        matches!(run, JobRun::Done(_)),
        "sent when back online: {run:?}"
    );
    assert_eq!(shop.calls(ISSUES).await, 1, "sent exactly once");
    let receipt = shop.client.receipt(&imp).await;
    assert!(
        receipt.is_ok_and(|r| r.receipt_type.as_deref() == Some("person")),
        "소득공제 receipt at Iamport"
    );
}
over_both!(a_receipt_asked_for_offline_is_queued_and_sent_once_when_back_online);

async fn a_receipt_that_already_landed_is_looked_up_not_sent_again(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Trans).await;
    issue_receipt_now(
        &shop.store,
        Some(&offline()),
        &muid,
        &company(),
        Some(SHOP_NUMBER),
    )
    .await
    .unwrap_or_else(|e| panic!("queued: {e}"));
    // An earlier attempt reached Iamport but its answer was lost.
    let landed = shop
        .client
        .issue_receipt(
            &imp,
            &iamport::ReceiptRequest {
                identifier: "1234567891".into(),
                identifier_type: None,
                receipt_type: iamport::ReceiptType::Company,
                buyer_name: None,
                product_type: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("landed: {e}"));
    let run = run_open_job(&shop, RECEIPT_ISSUE_JOB, &muid, "queued job").await;
    assert!(
        matches!(run, JobRun::Done(_)),
        "done by the look-up: {run:?}"
    );
    assert_eq!(
        shop.calls(ISSUES).await,
        1,
        "only the landed request was ever sent"
    );
    let row = shop.store.cash_receipt(&muid).ok().flatten();
    assert_eq!(
        row.and_then(|r| r.apply_num),
        landed.apply_num,
        "the landed receipt is recorded"
    );
}
over_both!(a_receipt_that_already_landed_is_looked_up_not_sent_again);

async fn verification_issues_the_receipt_automatically_and_a_full_refund_cancels_it(
    backend: Backend,
) {
    let shop = Shop::open_on(backend).await;
    shop.store
        .set_auto_cash_receipt(Some("1234567891"))
        .unwrap_or_else(|e| panic!("turn on: {e}"));
    let (muid, imp) = paid_order(&shop, "pass_1m", PayMethod::Vbank).await;
    let row = shop.store.cash_receipt(&muid).ok().flatten();
    assert!(
        row.as_ref()
            .is_some_and(|r| r.auto && r.state == ReceiptState::Requested),
        "verification queued a 지출증빙 receipt: {row:?}"
    );
    run_open_job(
        &shop,
        RECEIPT_ISSUE_JOB,
        &muid,
        "issue job queued with the payment",
    )
    .await;
    assert!(
        shop.client.receipt(&imp).await.is_ok_and(|r| r.is_active()),
        "issued at Iamport"
    );

    let mut full = refund(None);
    full.refund_account = Some(crate::checkout_support::account());
    refund_now(&shop.store, Some(&shop.client), &muid, &full)
        .await
        .unwrap_or_else(|e| panic!("refund: {e}"));
    run_open_job(
        &shop,
        RECEIPT_CANCEL_JOB,
        &muid,
        "the full refund queued the receipt's cancel",
    )
    .await;
    assert!(
        shop.client
            .receipt(&imp)
            .await
            .is_ok_and(|r| !r.is_active()),
        "cancelled at Iamport"
    );
    let row = shop.store.cash_receipt(&muid).ok().flatten();
    assert_eq!(
        row.map(|r| r.state),
        Some(ReceiptState::Cancelled),
        "recorded cancelled"
    );
}
over_both!(verification_issues_the_receipt_automatically_and_a_full_refund_cancels_it);

#[tokio::test]
async fn without_the_owners_consent_verification_issues_nothing() {
    let shop = Shop::open().await;
    let (muid, _) = paid_order(&shop, "pass_1m", PayMethod::Trans).await;
    assert_eq!(
        shop.store.cash_receipt(&muid).ok().flatten(),
        None,
        "no receipt asked"
    );
    assert!(
        shop.store
            .open_job(RECEIPT_ISSUE_JOB, &muid)
            .ok()
            .flatten()
            .is_none(),
        "no job"
    );
}
