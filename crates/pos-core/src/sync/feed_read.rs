//! Reading the change feed: `GET /payments/status/all?sorting=updated&from=…`, page by page,
//! applying each page in one batch and saving the cursor (Iamport's clock) after each.

use iamport::{Sorting, StatusQuery};

use super::cycle::{blocking, CycleReport, SyncCore};
use super::error::SyncError;
use super::feed::{next_page, status_time};
use super::planner;
use crate::store::CHANGE_FEED_CURSOR;

/// Most feed pages one cycle reads; the cursor carries the rest to the next cycle.
const MAX_FEED_PAGES: u32 = 200;

impl SyncCore {
    pub(super) async fn read_feed(
        &mut self,
        plan: planner::FeedPlan,
        report: &mut CycleReport,
    ) -> Result<(), SyncError> {
        let (mut from, mut page) = (plan.from, 1u32);
        let mut cursor = plan.from;
        let limit = self.options.policy.feed_page.clamp(1, 1000);
        loop {
            let q = StatusQuery {
                status: None,
                page: Some(page),
                limit: Some(limit),
                from: Some(from),
                to: plan.to,
                sorting: Some(Sorting::UpdatedAsc),
            };
            let got = self
                .call("payments_by_status", |c| {
                    let q = q.clone();
                    async move { c.payments_by_status(&q).await }
                })
                .await?;
            report.feed_pages += 1;
            let list = got.list;
            let count = u32::try_from(list.len()).unwrap_or(u32::MAX);
            report.payments_seen = report.payments_seen.saturating_add(count);
            // Whatever times the reply carries, the cursor never passes Iamport's now (as the
            // token reply told it) plus the skew.
            let iamport_now = chrono::Utc::now()
                .checked_add_signed(self.iamport_offset())
                .unwrap_or_else(chrono::Utc::now);
            let ceiling = planner::cursor_ceiling(iamport_now);
            cursor = list
                .iter()
                .map(status_time)
                .fold(cursor, i64::max)
                .min(ceiling);
            let (next_from, next_page_no) = next_page(from, page, &list);
            report.transitions += self.apply(list, "change_feed", true).await?;
            // With a cut window (older than 90 days) the cursor moves at least to its end.
            let saved = plan.to.map_or(cursor, |to| cursor.max(to)).min(ceiling);
            let store = self.store.clone();
            blocking(move || Ok(store.set_sync_value(CHANGE_FEED_CURSOR, &saved.to_string())?))
                .await?;
            if got.next.is_none() || count == 0 || report.feed_pages >= MAX_FEED_PAGES {
                break;
            }
            (from, page) = (next_from, next_page_no);
        }
        let overlap = i64::try_from(self.options.policy.overlap.as_secs()).unwrap_or(0);
        self.seen.forget_before(cursor.saturating_sub(overlap));
        Ok(())
    }

    pub(super) async fn stored_cursor(&self) -> Result<Option<i64>, SyncError> {
        let store = self.store.clone();
        let text = blocking(move || Ok(store.sync_value(CHANGE_FEED_CURSOR)?)).await?;
        Ok(text.and_then(|t| t.parse::<i64>().ok()))
    }
}
