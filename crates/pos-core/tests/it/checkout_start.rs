//! Starting a checkout: the ticket for `IMP.request_pay` (catalog price, prepare, SDK, merchant
//! code, per-method fields), offline checkouts, and which orders can be paid again.

use pos_core::checkout::{
    complete_payment, retry_checkout, window_opened, CheckoutError, PrepareStatus, M_REDIRECT_URL,
};
use pos_core::{OrderState, PayMethod};

use crate::checkout_support::Shop;
use crate::relay_support::{over_both, Backend};

async fn ticket_carries_catalog_price_and_everything_request_pay_needs(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    assert_eq!(ticket.amount, 9900, "the amount comes from the catalog");
    assert_eq!(
        ticket.prepare,
        PrepareStatus::Registered,
        "the amount is registered with prepare"
    );
    assert_eq!(
        ticket.m_redirect_url, M_REDIRECT_URL,
        "redirects come back to the app"
    );
    assert_eq!(
        ticket.sdk_url,
        shop.sandbox.sdk_url(),
        "sandbox mode loads the sandbox's SDK"
    );
    assert_eq!(ticket.merchant_code, "imp00000000", "sandbox merchant code");
    assert!(
        !ticket.digital && ticket.vbank_due.is_none(),
        "a card needs neither digital nor vbank_due"
    );
    let prepared = shop.client.prepared(&ticket.merchant_uid).await;
    assert!(
        prepared.is_ok_and(|p| p.amount == 9900),
        "Iamport knows the amount the window must charge"
    );
    assert_eq!(
        shop.order(&ticket.merchant_uid).state,
        OrderState::Created,
        "created until the window opens"
    );
}
over_both!(ticket_carries_catalog_price_and_everything_request_pay_needs);

async fn phone_ticket_is_digital_and_vbank_ticket_has_a_kst_deadline(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let phone = shop.checkout("pass_1m", PayMethod::Phone).await;
    assert!(phone.digital, "phone payments are digital content");
    let vbank = shop.checkout("pass_3m", PayMethod::Vbank).await;
    let due = vbank.vbank_due.unwrap_or_default();
    assert!(
        due.len() == 12 && due.chars().all(|c| c.is_ascii_digit()),
        "vbank_due is YYYYMMDDHHmm, got {due:?}"
    );
}
over_both!(phone_ticket_is_digital_and_vbank_ticket_has_a_kst_deadline);

async fn offline_checkout_creates_the_order_and_leaves_prepare_pending(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let offline = crate::checkout_support::client_of("http://127.0.0.1:9");
    let ticket = pos_core::checkout::start_checkout(
        &shop.store,
        Some(&offline),
        &shop.env(),
        "pass_1m",
        PayMethod::Card,
        &Default::default(),
    )
    .await;
    let ticket = ticket.unwrap_or_else(|e| panic!("offline must not fail the checkout: {e}"));
    assert!(
        matches!(ticket.prepare, PrepareStatus::Pending { .. }),
        "prepare is pending offline"
    );
    assert_eq!(
        shop.order(&ticket.merchant_uid).state,
        OrderState::Created,
        "the order waits"
    );
}
over_both!(offline_checkout_creates_the_order_and_leaves_prepare_pending);

async fn already_paid_order_cannot_be_retried(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 9900, "card", "paid")
        .await;
    let _ = complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let retry = retry_checkout(
        &shop.store,
        Some(&shop.client),
        &shop.env(),
        &ticket.merchant_uid,
    )
    .await;
    assert!(
        matches!(retry, Err(CheckoutError::NotRetryable { .. })),
        "a paid order is not paid twice: {retry:?}"
    );
    let reopen = window_opened(&shop.store, &ticket.merchant_uid);
    assert!(reopen.is_err(), "nor re-opened");
    assert_eq!(
        shop.order(&ticket.merchant_uid).state,
        OrderState::Paid,
        "still paid"
    );
}
over_both!(already_paid_order_cannot_be_retried);

async fn a_vbank_deadline_is_counted_on_iamports_clock(backend: Backend) {
    let shop = Shop::open_on(backend).await;
    // Iamport's clock a year ahead of this machine's (as a PC a year behind would see it).
    let now = shop.advance_clock(365 * 24 * 3600).await;
    let iamport_now = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_else(|| panic!("the sandbox's now is a time: {now}"));
    let vbank = shop.checkout("pass_3m", PayMethod::Vbank).await;
    let due = vbank.vbank_due.unwrap_or_default();
    let expected = [0, 60]
        .map(|s| pos_core::checkout::vbank_due_kst(iamport_now + chrono::Duration::seconds(s)));
    assert!(
        expected.contains(&due),
        "the deposit deadline is 7 days after Iamport's now ({expected:?}), not this PC's: {due}"
    );
}
over_both!(a_vbank_deadline_is_counted_on_iamports_clock);

async fn sandbox_mode_ignores_the_live_merchant_code_and_channels_so_the_sandbox_window_opens(
    backend: Backend,
) {
    let shop = Shop::open_on(backend).await;
    let mut env = shop.env();
    env.settings.merchant_code =
        pos_core::settings::MerchantCode::try_from("imp12345678".to_string()).ok();
    env.settings.channels.card = Some("html5_inicis.MIDLIVE01".into());
    env.settings.channels.phone = Some("channel-key-live-phone".into());
    env.settings.channels.billing = Some("kakaopay.TCLIVE".into());
    assert!(
        env.settings.merchant_code.is_some(),
        "the live code is saved"
    );
    let ticket = pos_core::checkout::start_checkout(
        &shop.store,
        Some(&shop.client),
        &env,
        "pass_1m",
        PayMethod::Card,
        &pos_core::checkout::Buyer::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("start: {e}"));
    assert_eq!(
        (
            ticket.merchant_code.as_str(),
            ticket.pg.as_deref(),
            ticket.channel_key.as_deref()
        ),
        ("imp00000000", None, None),
        "sandbox mode uses the sandbox's merchant code and no live channel"
    );
    assert_eq!(
        env.billing_channel(),
        Some("kakaopay"),
        "of the live billing channel only its PG, for the sandbox to behave as it does"
    );
    env.settings.channels.billing = Some("channel-key-live-billing".into());
    assert_eq!(
        env.billing_channel(),
        None,
        "a live channel key is not sent to the sandbox"
    );

    // The sandbox's payment window opens with what the ticket says (it refuses a live code).
    let url = format!("{}/__sdk/open", shop.sandbox.base_url());
    let opened: serde_json::Value = shop
        .http
        .post(&url)
        .json(&serde_json::json!({
            "merchant_code": ticket.merchant_code,
            "params": {
                "merchant_uid": ticket.merchant_uid, "amount": ticket.amount,
                "pay_method": "card", "name": ticket.name, "pg": ticket.pg,
            },
        }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("open: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("open reply: {e}"));
    assert_eq!(opened["code"], 0, "the sandbox window opens: {opened}");
}
over_both!(sandbox_mode_ignores_the_live_merchant_code_and_channels_so_the_sandbox_window_opens);
