//! Starting through the SDK window: the ticket carries the amount the billing PG needs, and the
//! issued key is verified before the first period is charged.

use pos_core::store::JobFilter;
use pos_core::store::{OrderState, SubscriptionState};
use pos_core::subscription::{IssuanceRule, IssuanceTicket, SubscriptionError, Subscriptions};

use super::subscription_support::{reread, start_monthly, Sbx};
use crate::relay_support::{over_both, Backend};

/// Verifying `imp_uid` as the ticket's issuance (through `pg`) is refused as not verified
/// (`why` says what was wrong with it), and the subscription and Iamport are left as they were:
/// nothing changed, nothing charged.
async fn issuance_refused(
    sbx: &Sbx,
    subs: &Subscriptions,
    ticket: &IssuanceTicket,
    imp_uid: &str,
    pg: Option<&str>,
    why: &str,
) {
    let before = reread(&subs.store, &ticket.subscription_id);
    let err = subs
        .verify_issuance(&ticket.subscription_id, imp_uid, pg, sbx.now().await)
        .await
        .err();
    assert!(
        matches!(err, Some(SubscriptionError::IssuanceNotVerified { .. })),
        "{why} is refused: {err:?}"
    );
    assert_eq!(
        reread(&subs.store, &ticket.subscription_id),
        before,
        "the subscription is unchanged ({why})"
    );
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        0,
        "nothing charged ({why})"
    );
}

async fn a_pg_that_charges_and_issues_pays_the_first_period_with_the_window(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = subs
        .start("sub_monthly", Some("kakaopay.TCSUBSCRIP"))
        .unwrap_or_else(|e| panic!("start: {e}"));
    assert_eq!(
        ticket.rule,
        IssuanceRule::ChargesFirstPeriod,
        "KakaoPay charges and issues"
    );
    assert_eq!(ticket.amount, 9900, "the window charges the first month");
    let imp_uid = sbx
        .issue_by_window(&ticket.merchant_uid, ticket.amount, &ticket.customer_uid)
        .await;
    let now = sbx.now().await;
    let sub = subs
        .verify_issuance(
            &ticket.subscription_id,
            &imp_uid,
            Some("kakaopay.TCSUBSCRIP"),
            now,
        )
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(
        sub.state,
        SubscriptionState::Active,
        "active from the window's payment"
    );
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        0,
        "the first period is not charged a second time"
    );
    assert!(sub.card_masked.is_some(), "the masked card is shown");
    assert!(
        sub.next_charge_merchant_uid.is_some(),
        "the next period is scheduled"
    );
    sbx.stop().await;
}
over_both!(a_pg_that_charges_and_issues_pays_the_first_period_with_the_window);

async fn a_pg_minimum_is_refunded_and_the_first_period_charged_with_again(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = subs
        .start("sub_monthly", Some("naverpay"))
        .unwrap_or_else(|e| panic!("start: {e}"));
    assert_eq!(ticket.amount, 10, "NaverPay needs at least 10 won");
    let imp_uid = sbx
        .issue_by_window(&ticket.merchant_uid, ticket.amount, &ticket.customer_uid)
        .await;
    let now = sbx.now().await;
    let sub = subs
        .verify_issuance(&ticket.subscription_id, &imp_uid, Some("naverpay"), now)
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(
        sub.state,
        SubscriptionState::Active,
        "the first period is paid by again"
    );
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        1,
        "one again"
    );
    let billing = subs
        .store
        .order(&ticket.merchant_uid)
        .unwrap_or_else(|e| panic!("billing order: {e}"));
    assert_eq!(billing.state, OrderState::Paid, "the issuance is verified");
    let refunds = subs
        .store
        .list_jobs(JobFilter::Open, 100)
        .unwrap_or_default()
        .into_iter()
        .filter(|j| j.kind == "cancel" && j.merchant_uid == ticket.merchant_uid)
        .count();
    assert_eq!(
        refunds, 1,
        "the 10 won issuance charge is queued for refund"
    );
    sbx.stop().await;
}
over_both!(a_pg_minimum_is_refunded_and_the_first_period_charged_with_again);

async fn a_payment_of_another_order_does_not_verify_an_issuance(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = start_monthly(&subs);
    assert_eq!(ticket.amount, 0, "most PGs issue for 0 won");
    let foreign = sbx
        .issue_by_window(&sbx.uid("billing_someone_else"), 100, &ticket.customer_uid)
        .await;
    issuance_refused(&sbx, &subs, &ticket, &foreign, None, "a foreign payment").await;
    sbx.stop().await;
}
over_both!(a_payment_of_another_order_does_not_verify_an_issuance);

async fn a_declined_first_month_stays_incomplete_until_retried(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    sbx.customer(&sbx.uid("cust_first_decline"), true).await;
    let subs = sbx.subs();
    let now = sbx.now().await;
    let sub = subs
        .create_with_key("sub_monthly", &sbx.uid("cust_first_decline"), now)
        .await
        .unwrap_or_else(|e| panic!("the subscription is recorded: {e}"));
    assert_eq!(
        sub.state,
        SubscriptionState::Incomplete,
        "not active without a paid month"
    );
    assert!(!sub.state.has_access(), "no music yet");
    assert!(
        sub.last_failure_reason.is_some(),
        "the owner sees why: {sub:?}"
    );
    assert_eq!(
        sbx.calls("POST /subscribe/payments/schedule").await,
        0,
        "nothing is scheduled for an unpaid subscription"
    );
    sbx.customer(&sbx.uid("cust_first_decline"), false).await;
    let retried = subs
        .retry_now(&sub.id, sbx.now().await)
        .await
        .unwrap_or_else(|e| panic!("retry: {e}"));
    assert_eq!(
        retried.state,
        SubscriptionState::Active,
        "paid on the retry"
    );
    assert!(
        retried.next_charge_merchant_uid.is_some(),
        "and the next month is scheduled"
    );
    let charges = subs.store.subscription_charges(&sub.id).unwrap_or_default();
    let first = sbx
        .iamport()
        .find_all_payments(&charges[0].merchant_uid, None)
        .await
        .unwrap_or_default();
    assert_eq!(
        first.len(),
        2,
        "one declined and one paid attempt, same merchant_uid"
    );
    sbx.stop().await;
}
over_both!(a_declined_first_month_stays_incomplete_until_retried);

async fn a_declined_issuance_window_does_not_verify_even_when_the_key_exists(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let ticket = subs
        .start("sub_monthly", Some("naverpay"))
        .unwrap_or_else(|e| panic!("start: {e}"));
    // The card was declined in the window, yet a key under this customer_uid exists at
    // Iamport (an earlier registration, say): the declined payment must not count.
    let imp_uid = sbx
        .declined_window(&ticket.merchant_uid, ticket.amount, &ticket.customer_uid)
        .await;
    sbx.customer(&ticket.customer_uid, false).await;
    issuance_refused(
        &sbx,
        &subs,
        &ticket,
        &imp_uid,
        Some("naverpay"),
        "a failed issuance payment",
    )
    .await;
    assert_eq!(
        subs.store.order(&ticket.merchant_uid).map(|o| o.state).ok(),
        Some(OrderState::Created),
        "the billing order is not marked paid"
    );
    sbx.stop().await;
}
over_both!(a_declined_issuance_window_does_not_verify_even_when_the_key_exists);

async fn an_issuance_window_that_charged_another_amount_does_not_verify(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let pg = Some("kakaopay.TCSUBSCRIP");
    let ticket = subs
        .start("sub_monthly", pg)
        .unwrap_or_else(|e| panic!("start: {e}"));
    assert_eq!(ticket.amount, 9900, "the window charges the first month");
    // The window was tampered with: 100원 was charged instead of the first month's 9,900원.
    let imp_uid = sbx
        .issue_by_window(&ticket.merchant_uid, 100, &ticket.customer_uid)
        .await;
    issuance_refused(
        &sbx,
        &subs,
        &ticket,
        &imp_uid,
        pg,
        "an issuance of the wrong amount",
    )
    .await;
    sbx.stop().await;
}
over_both!(an_issuance_window_that_charged_another_amount_does_not_verify);

async fn the_window_payment_that_pays_the_first_period_is_counted_once(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let pg = Some("kakaopay.TCSUBSCRIP");
    let ticket = subs
        .start("sub_monthly", pg)
        .unwrap_or_else(|e| panic!("start: {e}"));
    let imp_uid = sbx
        .issue_by_window(&ticket.merchant_uid, ticket.amount, &ticket.customer_uid)
        .await;
    let sub = subs
        .verify_issuance(&ticket.subscription_id, &imp_uid, pg, sbx.now().await)
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(
        sub.state,
        SubscriptionState::Active,
        "the first month is paid"
    );
    let page = subs
        .store
        .list_orders(&pos_core::OrderQuery {
            limit: 100,
            ..pos_core::OrderQuery::default()
        })
        .unwrap_or_else(|e| panic!("orders: {e}"));
    let carrying: Vec<_> = page
        .items
        .iter()
        .filter(|o| o.imp_uid.as_deref() == Some(imp_uid.as_str()))
        .map(|o| (o.merchant_uid.clone(), o.state, o.amount))
        .collect();
    assert_eq!(
        carrying,
        vec![(ticket.merchant_uid.clone(), OrderState::Paid, 9900)],
        "one payment, one paid order of 9,900원"
    );
    let charges = subs.store.subscription_charges(&sub.id).unwrap_or_default();
    assert_eq!(
        charges
            .first()
            .map(|c| (c.period_no, c.merchant_uid.clone())),
        Some((0, ticket.merchant_uid.clone())),
        "the first period is the window's own order"
    );
    sbx.stop().await;
}
over_both!(the_window_payment_that_pays_the_first_period_is_counted_once);
