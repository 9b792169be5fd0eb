//! What the desktop notifications remember across restarts, and the pass end they watch.
//!
//! The pass end the owner was told about is kept in the book (`sync_state`), so the
//! "이용권 만료 예정" notice is said once per end date: not every cycle, and not again when the
//! app starts again. A new end (another pass bought, a refund moving it) is news again. A
//! subscription cancelled at its period end ends the music like a pass, so its end is said too.

use chrono::{DateTime, TimeZone, Utc};

use super::{decide, Changes, Notice, Said};
use crate::entitlement::{Entitlement, GrantKind, GrantedPeriod};
use crate::store::{Store, StoreError};

/// `sync_state` key: the pass end the owner was last told about (ms since the epoch).
pub const PASS_END_SAID: &str = "notice_pass_end_said";

impl Said {
    /// What this book remembers having said (the pass end last announced); the rest starts
    /// afresh, as [`Said::default`].
    pub fn restore(store: &Store) -> Result<Said, StoreError> {
        let pass_end = store
            .sync_value(PASS_END_SAID)?
            .and_then(|ms| ms.parse::<i64>().ok())
            .and_then(|ms| Utc.timestamp_millis_opt(ms).single());
        Ok(Said {
            parked: None,
            pass_end,
        })
    }

    /// Keeps the pass end announced in the book (nothing to write when none was, or when
    /// `before` already held it), so a restart does not say it again.
    pub fn remember(&self, before: &Said, store: &Store) -> Result<(), StoreError> {
        match self.pass_end {
            Some(end) if before.pass_end != Some(end) => {
                store.set_sync_value(PASS_END_SAID, &end.timestamp_millis().to_string())
            }
            _ => Ok(()),
        }
    }
}

/// The end to announce of an entitlement computed on Iamport's clock: the end of the run of
/// periods covering now, when a pass (이용권) grants that end. A subscription renews by itself
/// and its declines have their own notice, so its period end is not "the pass ends".
pub fn pass_end(entitlement: &Entitlement) -> Option<DateTime<Utc>> {
    access_end(entitlement, &[])
}

/// [`pass_end`], where the subscriptions `ending` (cancelled, or set to end at their period end)
/// do not renew: the end of a period of theirs is announced too. Nothing is announced while a
/// subscription that renews also ends there (its renewal carries the music on).
pub fn access_end(entitlement: &Entitlement, ending: &[String]) -> Option<DateTime<Utc>> {
    let until = entitlement.active_until?;
    let at_end = || entitlement.periods.iter().filter(|p| p.end == until);
    let renews = |p: &GrantedPeriod| {
        matches!(p.kind, GrantKind::Subscription | GrantKind::Grace) && !ending.contains(&p.source)
    };
    let ends = at_end()
        .any(|p| p.kind == GrantKind::Pass || (p.kind == GrantKind::Subscription && !renews(p)));
    (ends && !at_end().any(renews)).then_some(until)
}

/// [`decide`], then [`Said::remember`] in `store`: what a follower of the book calls each look.
pub fn decide_remembered(
    store: &Store,
    changes: Changes<'_>,
    said: &mut Said,
) -> Result<Vec<Notice>, StoreError> {
    let before = said.clone();
    let notices = decide(changes, said);
    said.remember(&before, store)?;
    Ok(notices)
}

impl Store {
    /// The end of the music to watch at `now` (Iamport's clock): a pass's, or a subscription's
    /// that will not renew (cancelled, or set to end at its period end); see [`access_end`].
    pub fn pass_end_at(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        let ending = self.with_conn("read the subscriptions that end", |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id FROM subscriptions WHERE cancel_at_period_end = 1 OR state = 'cancelled'",
            )?;
            let ids = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ids)
        })?;
        Ok(access_end(&self.entitlement(now)?, &ending))
    }
}
