//! Batch lookups of due open orders, their next check times, and the last checks that turn
//! long-unpaid orders into `abandoned`.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::cycle::{blocking, CycleReport, SyncCore};
use super::error::SyncError;
use super::planner::{self, OpenOrder};
use crate::{OrderPatch, OrderState, StoreError};

impl SyncCore {
    pub(super) async fn lookups(
        &mut self,
        orders: &[OpenOrder],
        plan: &planner::PollPlan,
        report: &mut CycleReport,
    ) -> Result<(), SyncError> {
        for batch in &plan.lookups {
            let ids = batch.clone();
            let found = self
                .call("payments_by_ids", |c| {
                    let ids = ids.clone();
                    async move { c.payments_by_ids(&[], &ids).await }
                })
                .await?;
            report.lookup_calls += 1;
            report.orders_looked_up += u32::try_from(batch.len()).unwrap_or(u32::MAX);
            report.payments_seen += u32::try_from(found.len()).unwrap_or(u32::MAX);
            // A lookup is the authority on an open order: applied even if the feed showed it.
            report.transitions += self.apply(found, "poll", false).await?;
        }
        // Next checks are this PC's bookkeeping: ages and cadences are durations on its clock;
        // a virtual account's deadline (Iamport's) came in translated (`open_orders`).
        let now = Utc::now();
        let policy = self.options.policy;
        let looked_up: HashSet<&String> = plan.lookups.iter().flatten().collect();
        let checks: Vec<(String, Option<DateTime<Utc>>)> = orders
            .iter()
            .filter(|o| looked_up.contains(&o.merchant_uid))
            .map(|o| {
                (
                    o.merchant_uid.clone(),
                    Some(planner::next_check(o, now, &policy).0),
                )
            })
            .collect();
        let last = plan.last_checks.clone();
        let store = self.store.clone();
        report.abandoned += blocking(move || {
            store.schedule_checks(&checks)?;
            let mut abandoned = 0;
            for merchant_uid in &last {
                let order = store.order(merchant_uid)?;
                if !order.state.is_open() {
                    continue;
                }
                let patch = OrderPatch {
                    next_check_at: Some(None),
                    ..OrderPatch::default()
                };
                match store.apply_transition(&order, OrderState::Abandoned, "poll_gave_up", &patch)
                {
                    Ok(_) => abandoned += 1,
                    Err(StoreError::StateMoved { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(abandoned)
        })
        .await?;
        Ok(())
    }
}
