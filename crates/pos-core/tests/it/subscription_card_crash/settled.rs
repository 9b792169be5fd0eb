//! What the app promises once a card change with a 100원 check is finished, however it was
//! interrupted: the check refunded in full exactly once at Iamport, no period charged by it and
//! no schedule added, the subscription and all it owes on exactly one key (scheduled there and
//! nowhere else), no job left open or parked, and the order book agreeing with Iamport.

use iamport::{PaymentStatus, ScheduleQuery, ScheduleStatus};
use pos_core::store::{ChargeRequest, JobFilter, OrderQuery, SubscriptionState};
use pos_core::subscription::LOOKAHEAD;
use pos_core::OrderState;

use super::case::CardCase;

const AGAIN: &str = "POST /subscribe/payments/again";

/// What stood before the card change: what any finish must leave unchanged.
pub struct Before {
    again: u64,
    charges: Vec<String>,
}

impl CardCase {
    /// Notes the `again` calls so far and the subscription's charges.
    pub async fn before(&self) -> Before {
        let mut charges = self.charge_uids();
        charges.sort();
        let before = Before {
            again: self.sbx.calls(AGAIN).await,
            charges,
        };
        assert_eq!(
            self.scheduled_on(&self.old_key).await.len(),
            LOOKAHEAD as usize,
            "the renewals ahead are scheduled on the old key before the card change"
        );
        before
    }

    fn charge_uids(&self) -> Vec<String> {
        let store = self.subs().store;
        let charges = store.subscription_charges(&self.sub_id);
        let charges = charges.unwrap_or_else(|e| panic!("charges: {e}"));
        charges.into_iter().map(|c| c.merchant_uid).collect()
    }

    /// The merchant_uids scheduled (waiting) at Iamport on `key`, sorted.
    async fn scheduled_on(&self, key: &str) -> Vec<String> {
        let now = self.sbx.now().await;
        let query = ScheduleQuery {
            from: now.timestamp(),
            to: (now + chrono::Duration::days(93)).timestamp(),
            status: Some(ScheduleStatus::Scheduled),
            ..ScheduleQuery::default()
        };
        let mut uids: Vec<String> =
            match self.sbx.iamport().schedules_by_customer(key, &query).await {
                Ok(page) => page.list.into_iter().map(|s| s.merchant_uid).collect(),
                Err(e) if e.is_not_found() => Vec::new(),
                Err(e) => panic!("schedules of {key}: {e}"),
            };
        uids.sort();
        uids
    }

    /// The 100원 check: paid once, refunded in full once, at Iamport and in the book.
    pub async fn assert_check_refunded_once(&self, when: &str) {
        let merchant_uid = &self.window.merchant_uid;
        let paid = self
            .sbx
            .iamport()
            .find_all_payments(merchant_uid, None)
            .await;
        let paid = paid.unwrap_or_else(|e| panic!("{when}: the check at Iamport: {e}"));
        assert_eq!(
            paid.len(),
            1,
            "{when}: the check was charged once: {paid:?}"
        );
        let p = &paid[0];
        assert_eq!(
            (p.amount, p.cancel_amount, p.cancel_history.len()),
            (100, 100, 1),
            "{when}: Iamport refunded the 100원 check in full, exactly once: {:?}",
            p.cancel_history
        );
        let order = self.subs().store.order(merchant_uid);
        let order = order.unwrap_or_else(|e| panic!("{when}: the check order: {e}"));
        assert_eq!(
            (order.state, order.refunded_amount),
            (OrderState::Refunded, 100),
            "{when}: the book shows the check refunded"
        );
    }

    /// Everything the app promises, with the subscription on `key` (the other key unused).
    pub async fn assert_settled(&self, before: &Before, key: &str, when: &str) {
        self.assert_check_refunded_once(when).await;
        assert_eq!(
            self.sbx.calls(AGAIN).await,
            before.again,
            "{when}: no period was charged by the card change"
        );
        let store = self.subs().store;
        let sub = store.subscription(&self.sub_id);
        let sub = sub.unwrap_or_else(|e| panic!("{when}: the subscription: {e}"));
        assert_eq!(
            sub.state,
            SubscriptionState::Active,
            "{when}: still active: {sub:?}"
        );
        assert_eq!(
            sub.customer_uid, key,
            "{when}: the subscription is on this key"
        );
        let mut uids = self.charge_uids();
        uids.sort();
        assert_eq!(
            uids, before.charges,
            "{when}: no period charge added or lost"
        );
        let charges = store.subscription_charges(&self.sub_id).unwrap_or_default();
        let mut sent: Vec<String> = charges
            .iter()
            .filter(|c| c.period_no > 0 && c.request == ChargeRequest::Sent)
            .map(|c| c.merchant_uid.clone())
            .collect();
        sent.sort();
        assert!(
            charges
                .iter()
                .filter(|c| c.period_no > 0)
                .all(|c| c.customer_uid == key),
            "{when}: every renewal owed is on the subscription's key: {charges:?}"
        );
        let other = if key == self.old_key {
            &self.window.customer_uid
        } else {
            &self.old_key
        };
        assert_eq!(
            self.scheduled_on(key).await,
            sent,
            "{when}: the renewals stored as sent are the ones scheduled on the key, each once"
        );
        assert_eq!(
            sent.len(),
            LOOKAHEAD as usize,
            "{when}: exactly the next {LOOKAHEAD} renewals"
        );
        assert!(
            self.scheduled_on(other).await.is_empty(),
            "{when}: nothing is left scheduled on the other key"
        );
        let open = store.list_jobs(JobFilter::Open, 100).unwrap_or_default();
        assert!(
            open.is_empty(),
            "{when}: no job left open or parked: {open:?}"
        );
        self.assert_books_agree(when).await;
    }

    /// Each order's money in the book (paid less refunded) is what Iamport holds for it.
    async fn assert_books_agree(&self, when: &str) {
        let store = self.subs().store;
        let query = OrderQuery {
            limit: 500,
            ..OrderQuery::default()
        };
        let orders = store
            .list_orders(&query)
            .unwrap_or_else(|e| panic!("orders: {e}"));
        assert!(
            orders.items.len() >= 2,
            "{when}: the issuance and the check are in the book"
        );
        for order in orders.items {
            let kept = match order.state {
                OrderState::Paid | OrderState::PartiallyRefunded | OrderState::Refunded => {
                    order.amount - order.refunded_amount
                }
                _ => 0,
            };
            let found = self
                .sbx
                .iamport()
                .find_all_payments(&order.merchant_uid, None)
                .await;
            let found = match found {
                Ok(found) => found,
                Err(e) if e.is_not_found() => Vec::new(),
                Err(e) => panic!("{when}: {} at Iamport: {e}", order.merchant_uid),
            };
            let at_iamport: i64 = found
                .iter()
                .filter(|p| matches!(p.status, PaymentStatus::Paid | PaymentStatus::Cancelled))
                .map(|p| p.amount - p.cancel_amount)
                .sum();
            assert_eq!(
                kept, at_iamport,
                "{when}: the book and Iamport agree on {} ({:?})",
                order.merchant_uid, order.state
            );
        }
    }
}
