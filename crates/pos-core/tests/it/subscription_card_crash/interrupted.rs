//! A card change cut after its move was stored and after Iamport ran the unschedule of the old
//! key's renewals, its answer lost with the process (what a kill leaves when the request had
//! reached Iamport): the engine's next cycle must take those renewals for the card change's
//! own and register them on the new key, not for renewals cancelled in the Iamport console.

use iamport::ScheduleStatus;
use pos_core::store::{ChargeRequest, SubscriptionPatch};
use pos_core::subscription::{poll_due, LOOKAHEAD};

use crate::relay_support::{over_both, Backend};
use crate::subscription_support::{reread, subscribed, Sbx};

async fn renewals_unscheduled_by_a_cut_card_change_are_registered_on_the_new_key(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_cut_old").await;
    let new_key = sbx.uid("cust_cut_new");
    sbx.customer(&new_key, false).await;
    let renewals: Vec<String> = subs
        .store
        .subscription_charges(&sub.id)
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.period_no > 0 && c.request == ChargeRequest::Sent)
        .map(|c| c.merchant_uid)
        .collect();
    assert_eq!(
        renewals.len(),
        LOOKAHEAD as usize,
        "renewals scheduled: {renewals:?}"
    );
    let patch = SubscriptionPatch {
        customer_uid: Some(new_key.clone()),
        ..SubscriptionPatch::default()
    };
    let moved = subs
        .store
        .update_subscription(&sub.id, sub.state, "card_changed", &patch);
    moved.unwrap_or_else(|e| panic!("the move is stored: {e}"));
    let revoked = sbx.client().unschedule(&sub.customer_uid, &renewals).await;
    let revoked = revoked.unwrap_or_else(|e| panic!("the lost unschedule ran: {e}"));
    assert_eq!(
        revoked.len(),
        renewals.len(),
        "Iamport unscheduled the old key's renewals"
    );

    let report = poll_due(&subs, sbx.now().await).await;
    let report = report.unwrap_or_else(|e| panic!("poll: {e}"));
    assert!(report.errors.is_empty(), "poll errors: {:?}", report.errors);
    let charges = subs.store.subscription_charges(&sub.id).unwrap_or_default();
    for m in &renewals {
        let charge = charges.iter().find(|c| &c.merchant_uid == m);
        let charge = charge.unwrap_or_else(|| panic!("{m} is still a charge"));
        assert_eq!(
            (charge.request, charge.customer_uid.as_str()),
            (ChargeRequest::Sent, new_key.as_str()),
            "{m} is registered again on the new key, not taken for a console cancel"
        );
        let at = sbx.client().schedule_by_merchant_uid(m).await;
        let at = at.unwrap_or_else(|e| panic!("{m} at Iamport: {e}"));
        assert_eq!(
            (at.customer_uid.as_str(), at.schedule_status),
            (new_key.as_str(), ScheduleStatus::Scheduled),
            "{m} is scheduled at Iamport on the new key"
        );
    }
    assert_eq!(
        reread(&subs.store, &sub.id).customer_uid,
        new_key,
        "on the new key"
    );
    sbx.stop().await;
}
over_both!(renewals_unscheduled_by_a_cut_card_change_are_registered_on_the_new_key);
