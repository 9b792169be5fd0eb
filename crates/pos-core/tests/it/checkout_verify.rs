//! One-time checkout against the sandbox: the payment is made through the control API as if a
//! buyer finished the window, then verified through `complete_payment`, the one path the SDK
//! callback, the redirect and posctl share.

use pos_core::checkout::{complete_payment, retry_checkout, window_opened, CheckoutError};
use pos_core::work::JobRun;
use pos_core::{ErrorCode, OrderState, PayMethod};

use crate::checkout_support::Shop;
use crate::relay_support::{over_both, Backend};

async fn card_paid_is_verified_as_paid(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let window = window_opened(&shop.store, &ticket.merchant_uid);
    assert!(
        window.is_ok_and(|o| o.state == OrderState::AwaitingPayment),
        "the window opened"
    );
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let verified = verified.unwrap_or_else(|e| panic!("a paid card must verify: {e}"));
    assert_eq!(verified.order.state, OrderState::Paid, "paid");
    assert_eq!(
        verified.order.imp_uid.as_deref(),
        Some(imp.as_str()),
        "imp_uid stored"
    );
    assert!(verified.order.paid_at.is_some(), "paid_at stored");
    let events = shop
        .store
        .order_events(&ticket.merchant_uid)
        .unwrap_or_default();
    let receipt = pos_core::checkout::receipt_url(&events);
    assert!(
        receipt.is_some_and(|u| u.starts_with("http")),
        "the receipt link is kept for the order page"
    );
}

async fn declined_card_fails_then_the_same_order_is_retried_and_paid(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let declined = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "failed")
        .await;
    let first = complete_payment(
        &shop.store,
        &shop.client,
        &ticket.merchant_uid,
        Some(&declined),
    )
    .await;
    let first = first.unwrap_or_else(|e| panic!("a decline verifies as failed: {e}"));
    assert_eq!(first.order.state, OrderState::Failed, "declined is failed");
    assert!(
        first.order.fail_reason.is_some(),
        "the reason is kept to show"
    );
    let retry = retry_checkout(
        &shop.store,
        Some(&shop.client),
        &shop.env(),
        &ticket.merchant_uid,
    )
    .await;
    let retry = retry.unwrap_or_else(|e| panic!("a failed order can be retried: {e}"));
    assert_eq!(
        (retry.merchant_uid.as_str(), retry.amount),
        (ticket.merchant_uid.as_str(), 9900),
        "same order, same amount"
    );
    let reopened = window_opened(&shop.store, &ticket.merchant_uid);
    assert!(
        reopened.is_ok_and(|o| o.state == OrderState::AwaitingPayment),
        "the retry reopens the order"
    );
    let paid = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let second =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&paid)).await;
    let second = second.unwrap_or_else(|e| panic!("the retry verifies: {e}"));
    assert_eq!(
        second.order.state,
        OrderState::Paid,
        "the retried order is paid"
    );
    assert_eq!(
        second.order.imp_uid.as_deref(),
        Some(paid.as_str()),
        "the paying attempt's imp_uid is kept"
    );
}
over_both!(declined_card_fails_then_the_same_order_is_retried_and_paid);

async fn closed_window_leaves_the_order_open(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let _ = window_opened(&shop.store, &ticket.merchant_uid);
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "ready")
        .await;
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let verified = verified.unwrap_or_else(|e| panic!("a closed window verifies: {e}"));
    assert_eq!(
        verified.order.state,
        OrderState::AwaitingPayment,
        "open, not failed"
    );
}
over_both!(closed_window_leaves_the_order_open);

async fn vbank_issued_then_deposit_is_paid(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Vbank).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "vbank", "ready")
        .await;
    let issued =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let issued = issued.unwrap_or_else(|e| panic!("an issued vbank verifies: {e}"));
    assert_eq!(
        issued.order.state,
        OrderState::VbankIssued,
        "waiting for the deposit"
    );
    assert!(
        issued.order.vbank_num.is_some()
            && issued.order.vbank_bank.is_some()
            && issued.order.vbank_due.is_some(),
        "bank, number and deadline are stored: {:?}",
        issued.order
    );
    shop.deposit(&imp).await;
    let paid = complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, None).await;
    let paid = paid.unwrap_or_else(|e| panic!("the deposit verifies by merchant_uid: {e}"));
    assert_eq!(
        paid.order.state,
        OrderState::Paid,
        "the deposit pays the order"
    );
}

async fn tampered_amount_is_flagged_and_cancelled_in_full_at_once(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 100, "card", "paid")
        .await;
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let verified = verified.unwrap_or_else(|e| panic!("a tampered payment still verifies: {e}"));
    assert_eq!(verified.order.state, OrderState::AmountMismatch, "flagged");
    assert!(
        matches!(verified.mismatch_cancel, Some(JobRun::Done(_))),
        "cancelled at once: {:?}",
        verified.mismatch_cancel
    );
    let at_iamport = shop.payment(&imp).await;
    assert_eq!(
        at_iamport.cancel_amount, 100,
        "the whole tampered payment is cancelled at Iamport"
    );
    let jobs = shop
        .store
        .jobs_of_order(&ticket.merchant_uid)
        .unwrap_or_default();
    assert!(
        jobs.iter().all(|j| j.state == pos_core::JobState::Done),
        "the cancel job is done: {jobs:?}"
    );
}
over_both!(tampered_amount_is_flagged_and_cancelled_in_full_at_once);

async fn imp_uid_of_another_order_is_refused_and_nothing_changes(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let mine = shop.checkout("pass_1m", PayMethod::Card).await;
    let other = shop.checkout("pass_1m", PayMethod::Card).await;
    let others_imp = shop
        .buyer_pays(&other.merchant_uid, 9900, "card", "paid")
        .await;
    let before = (
        shop.order(&mine.merchant_uid),
        shop.event_count(&mine.merchant_uid),
    );
    let refused = complete_payment(
        &shop.store,
        &shop.client,
        &mine.merchant_uid,
        Some(&others_imp),
    )
    .await;
    let err = refused
        .err()
        .unwrap_or_else(|| panic!("another order's payment must be refused"));
    assert_eq!(
        err.code(),
        ErrorCode::Conflict,
        "refused as a conflict: {err}"
    );
    let after = (
        shop.order(&mine.merchant_uid),
        shop.event_count(&mine.merchant_uid),
    );
    assert_eq!(before, after, "nothing about my order changed");
    assert_eq!(
        shop.order(&other.merchant_uid).state,
        OrderState::Created,
        "nor the other order"
    );
}
over_both!(imp_uid_of_another_order_is_refused_and_nothing_changes);

async fn duplicate_completion_is_harmless(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let first = complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert!(
        first.is_ok_and(|v| v.changed),
        "the first completion pays the order"
    );
    let events = shop.event_count(&ticket.merchant_uid);
    for _ in 0..3 {
        let again =
            complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
        let again = again.unwrap_or_else(|e| panic!("a duplicate completion is not an error: {e}"));
        assert!(
            !again.changed && again.order.state == OrderState::Paid,
            "nothing changes"
        );
    }
    assert_eq!(
        shop.event_count(&ticket.merchant_uid),
        events,
        "no new events"
    );
}
over_both!(duplicate_completion_is_harmless);

async fn forged_calls_get_clear_errors_and_change_nothing(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let before = (
        shop.order(&ticket.merchant_uid),
        shop.event_count(&ticket.merchant_uid),
    );

    let wrong_imp = complete_payment(
        &shop.store,
        &shop.client,
        &ticket.merchant_uid,
        Some("imp_000000000000"),
    )
    .await;
    assert!(
        matches!(wrong_imp, Err(CheckoutError::PaymentNotFound { .. })),
        "an unknown imp_uid: {wrong_imp:?}"
    );

    let unknown_order = complete_payment(
        &shop.store,
        &shop.client,
        "order_NOPE",
        Some("imp_000000000000"),
    )
    .await;
    assert_eq!(
        unknown_order.err().map(|e| e.code()),
        Some(ErrorCode::NotFound),
        "an unknown merchant_uid"
    );

    let unknown_plan = pos_core::checkout::start_checkout(
        &shop.store,
        Some(&shop.client),
        &shop.env(),
        "pass_99y",
        PayMethod::Card,
        &Default::default(),
    )
    .await;
    assert_eq!(
        unknown_plan.err().map(|e| e.code()),
        Some(ErrorCode::NotFound),
        "an unknown plan"
    );

    let subscription = pos_core::checkout::start_checkout(
        &shop.store,
        Some(&shop.client),
        &shop.env(),
        "sub_monthly",
        PayMethod::Card,
        &Default::default(),
    )
    .await;
    assert!(
        matches!(subscription, Err(CheckoutError::NotAPass { .. })),
        "a subscription is not a pass"
    );

    assert_eq!(
        (
            shop.order(&ticket.merchant_uid),
            shop.event_count(&ticket.merchant_uid)
        ),
        before,
        "nothing changed"
    );
    let page = shop.store.list_orders(&Default::default());
    assert_eq!(
        page.map(|p| p.total).unwrap_or(0),
        1,
        "no order was created by refused calls"
    );
}
over_both!(forged_calls_get_clear_errors_and_change_nothing);

async fn iamport_unreachable_during_verification_queues_a_verify_job(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    shop.faults(serde_json::json!({"error_rate": 1.0})).await;
    let offline =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert_eq!(
        offline.err().map(|e| e.code()),
        Some(ErrorCode::Offline),
        "offline is reported as offline"
    );
    let job = shop
        .store
        .open_job(pos_core::checkout::VERIFY_JOB, &ticket.merchant_uid);
    assert!(
        job.is_ok_and(|j| j.is_some()),
        "the verification waits in the queue"
    );
    shop.faults(serde_json::json!({})).await;
    let ctx = pos_core::work::WorkContext {
        store: shop.store.clone(),
        client: shop.client.clone(),
    };
    let job = shop
        .store
        .open_job(pos_core::checkout::VERIFY_JOB, &ticket.merchant_uid)
        .ok()
        .flatten();
    let run = pos_core::work::run_job_now(&ctx, job.map(|j| j.id).unwrap_or_default()).await;
    assert!(
        matches!(run, Ok(JobRun::Done(_))),
        "the queued verification runs when Iamport is back: {run:?}"
    );
    assert_eq!(
        shop.order(&ticket.merchant_uid).state,
        OrderState::Paid,
        "and pays the order"
    );
}
over_both!(iamport_unreachable_during_verification_queues_a_verify_job);

async fn redirect_url_reaches_the_same_verification(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let url = format!(
        "{}?imp_success=false&imp_uid={imp}&merchant_uid={}",
        pos_core::checkout::M_REDIRECT_URL,
        ticket.merchant_uid
    );
    let params = pos_core::checkout::parse_redirect(&url)
        .unwrap_or_else(|| panic!("the app's redirect URL must parse: {url}"));
    let verified = complete_payment(
        &shop.store,
        &shop.client,
        &params.merchant_uid,
        params.imp_uid.as_deref(),
    )
    .await;
    assert!(
        verified.is_ok_and(|v| v.order.state == OrderState::Paid),
        "imp_success=false is not believed: the payment is fetched and it is paid"
    );
}
over_both!(redirect_url_reaches_the_same_verification);

async fn tampered_virtual_account_deposit_is_cancelled_once_a_person_gives_the_refund_account(
    backend: Backend,
) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Vbank).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 100, "vbank", "ready")
        .await;
    let issued =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let issued = issued.unwrap_or_else(|e| panic!("a wrong-amount account verifies: {e}"));
    assert_eq!(
        (issued.order.state, issued.mismatch_cancel.is_none()),
        (OrderState::AmountMismatch, true),
        "flagged before any deposit; nothing to cancel yet"
    );
    shop.deposit(&imp).await;
    let deposited =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let deposited = deposited.unwrap_or_else(|e| panic!("the deposit verifies: {e}"));
    let Some(JobRun::Parked { message, .. }) = deposited.mismatch_cancel else {
        panic!(
            "a vbank cancel needs the buyer's refund account: parked, got {:?}",
            deposited.mismatch_cancel
        );
    };
    assert!(!message.is_empty(), "the parked cancel says why");
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        0,
        "nothing was refunded without an account"
    );
    let account = pos_core::checkout::RefundAccount {
        bank: "004".into(),
        number: "123-4567-8901".into(),
        holder: "홍길동".into(),
    };
    let resumed = pos_core::checkout::resume_mismatch_cancel(
        &shop.store,
        Some(&shop.client),
        &ticket.merchant_uid,
        &account,
    )
    .await;
    assert!(
        matches!(resumed, Ok(pos_core::checkout::RefundOutcome::Done { .. })),
        "with the account the cancel goes through: {resumed:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        100,
        "the whole tampered deposit was refunded"
    );
}
over_both!(tampered_virtual_account_deposit_is_cancelled_once_a_person_gives_the_refund_account);

over_both!(card_paid_is_verified_as_paid);

over_both!(vbank_issued_then_deposit_is_paid);
