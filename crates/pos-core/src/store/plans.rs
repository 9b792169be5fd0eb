//! The `plans` table: the catalog the UI sells from. Prices live here, never in the UI.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::text_enum;
use super::error::{SqlContext, StoreError};
use super::Store;

/// One-time pass or monthly subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PlanKind {
    /// 이용권: paid once, runs for `months`.
    Pass,
    /// 정기결제: charged every `months` with a billing key.
    Subscription,
}

text_enum!(PlanKind, "plans.kind", { Pass => "pass", Subscription => "subscription" });

/// A plan in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Plan {
    /// Stable id, e.g. `pass_1m`.
    pub id: String,
    /// Pass or subscription.
    pub kind: PlanKind,
    /// Korean name shown to the shop owner, e.g. `1개월 이용권`.
    pub name_ko: String,
    /// English name.
    pub name_en: String,
    /// Price in won (per period for a subscription).
    #[ts(type = "number")]
    pub price: i64,
    /// Months of music one purchase (or one period) gives.
    pub months: u32,
}

const PLAN_COLUMNS: &str = "id, kind, name_ko, name_en, price, months";

fn plan_from_row(row: &Row<'_>) -> rusqlite::Result<Plan> {
    Ok(Plan {
        id: row.get(0)?,
        kind: row.get(1)?,
        name_ko: row.get(2)?,
        name_en: row.get(3)?,
        price: row.get(4)?,
        months: row.get(5)?,
    })
}

impl Store {
    /// The active plans, in display order.
    pub fn plans(&self) -> Result<Vec<Plan>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {PLAN_COLUMNS} FROM plans WHERE active = 1 ORDER BY sort_order, id"
            ))
            .ctx("list plans")?;
        let plans = stmt
            .query_map([], plan_from_row)
            .ctx("list plans")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("list plans")?;
        Ok(plans)
    }

    /// One plan by id (active or not). Unknown id: [`StoreError::UnknownPlan`].
    pub fn plan(&self, id: &str) -> Result<Plan, StoreError> {
        let conn = self.lock();
        plan_in(&conn, id)
    }

    /// Changes a plan's price (won, > 0). Existing orders keep the amount fixed at their creation.
    pub fn set_plan_price(&self, id: &str, price: i64) -> Result<Plan, StoreError> {
        if price <= 0 {
            return Err(StoreError::InvalidPrice { price });
        }
        let conn = self.lock();
        let changed = conn
            .execute(
                "UPDATE plans SET price = ?2 WHERE id = ?1",
                params![id, price],
            )
            .ctx("change a plan's price")?;
        if changed == 0 {
            return Err(StoreError::UnknownPlan {
                plan_id: id.to_string(),
            });
        }
        plan_in(&conn, id)
    }
}

/// Reads one plan on an already locked connection (or inside a transaction).
pub(crate) fn plan_in(conn: &rusqlite::Connection, id: &str) -> Result<Plan, StoreError> {
    conn.prepare_cached(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"))
        .ctx("read a plan")?
        .query_row([id], plan_from_row)
        .optional()
        .ctx("read a plan")?
        .ok_or_else(|| StoreError::UnknownPlan {
            plan_id: id.to_string(),
        })
}
