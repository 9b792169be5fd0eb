//! Reading what the entitlement is computed from out of the order book (SQL, no writes).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{entitlement, Entitlement, PaidCharge, PaidPass, SubscriptionGrant};
use crate::store::{OrderState, Store, StoreError, SubscriptionState};
use crate::subscription::DunningPolicy;

/// The paid passes and subscriptions of one order book.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntitlementBooks {
    /// One-time orders that were paid (including refunded ones, marked so).
    pub passes: Vec<PaidPass>,
    /// Subscriptions with their paid charges.
    pub subscriptions: Vec<SubscriptionGrant>,
}

fn at_ms(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(ms)
}

impl EntitlementBooks {
    /// Reads the books of `store`.
    pub fn read(store: &Store) -> Result<EntitlementBooks, StoreError> {
        store.with_conn("read the books of the 이용 기간", |conn| {
            let mut passes = Vec::new();
            let mut stmt = conn.prepare_cached(
                "SELECT o.merchant_uid, o.plan_id, p.months, o.paid_at, o.state FROM orders o \
                 JOIN plans p ON p.id = o.plan_id \
                 WHERE o.kind = 'one_time' AND o.paid_at IS NOT NULL \
                 AND o.state IN ('paid', 'partially_refunded', 'refunded')",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, OrderState>(4)?,
                ))
            })?;
            for row in rows {
                let (merchant_uid, plan_id, months, paid_at, state) = row?;
                let Some(paid_at) = at_ms(paid_at) else {
                    continue;
                };
                passes.push(PaidPass {
                    merchant_uid,
                    plan_id,
                    months: u32::try_from(months).unwrap_or(0),
                    paid_at,
                    refunded: state == OrderState::Refunded,
                    partially_refunded: state == OrderState::PartiallyRefunded,
                });
            }
            let mut subscriptions = Vec::new();
            let mut stmt = conn.prepare_cached(
                "SELECT id, plan_id, state, first_failed_at FROM subscriptions ORDER BY created_at, id",
            )?;
            let subs = stmt
                .query_map([], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, SubscriptionState>(2)?,
                        row.get::<_, Option<i64>>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut charges = conn.prepare_cached(
                "SELECT c.merchant_uid, c.period_start, c.period_end, o.state \
                 FROM subscription_charges c JOIN orders o ON o.merchant_uid = c.merchant_uid \
                 WHERE c.subscription_id = ?1 AND c.period_start IS NOT NULL \
                 AND c.period_end IS NOT NULL \
                 AND o.state IN ('paid', 'partially_refunded', 'refunded') \
                 ORDER BY c.period_no",
            )?;
            for (id, plan_id, state, first_failed_at) in subs {
                let paid = charges
                    .query_map(params![id], |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, i64>(1)?,
                            row.get::<_, i64>(2)?,
                            row.get::<_, OrderState>(3)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .filter_map(|(merchant_uid, start, end, state)| {
                        Some(PaidCharge {
                            merchant_uid,
                            start: at_ms(start)?,
                            end: at_ms(end)?,
                            refunded: state == OrderState::Refunded,
                        })
                    })
                    .collect();
                subscriptions.push(SubscriptionGrant {
                    id,
                    plan_id,
                    past_due: state == SubscriptionState::PastDue,
                    first_failed_at: first_failed_at.and_then(at_ms),
                    charges: paid,
                });
            }
            Ok(EntitlementBooks {
                passes,
                subscriptions,
            })
        })
    }

    /// The entitlement these books grant at `now` (Iamport's clock), with the default
    /// dunning window as the grace period.
    pub fn at(&self, now: DateTime<Utc>) -> Entitlement {
        entitlement(
            &self.passes,
            &self.subscriptions,
            &DunningPolicy::default(),
            now,
        )
    }
}

impl Store {
    /// The shop's 이용 기간 at `now` (Iamport's clock), computed from the order book.
    pub fn entitlement(&self, now: DateTime<Utc>) -> Result<Entitlement, StoreError> {
        Ok(EntitlementBooks::read(self)?.at(now))
    }
}
