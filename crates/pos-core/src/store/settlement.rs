//! 정산 over the order book: totals by pay method and by plan for a KST date range, the orders
//! behind each figure, and the CSV of those orders. See `crate::report` for what counts as a sale.
//!
//! The figures and the drill-down share one WHERE clause ([`sales_where`]), so a total and the
//! orders listed under it cannot disagree. The totals read the `orders_sales_by_group` index
//! (migration 0013) one (pay method, plan) group at a time, from the index alone; the drill-down
//! reads `orders_by_paid_at` (migration 0008) in payment order.

use std::collections::BTreeMap;

use rusqlite::params;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::{SqlContext, StoreError};
use super::order_query::{OrderPage, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use super::orders::{order_from_row, PayMethod, ORDER_COLUMNS};
use super::Store;
use crate::report::DateRange;

/// Paid, refunded, net and how many orders, in won.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Figures {
    /// What was paid.
    #[ts(type = "number")]
    pub paid: i64,
    /// What of it was refunded so far.
    #[ts(type = "number")]
    pub refunded: i64,
    /// Paid minus refunded.
    #[ts(type = "number")]
    pub net: i64,
    /// Orders counted.
    #[ts(type = "number")]
    pub count: i64,
}

impl Figures {
    fn add(&mut self, paid: i64, refunded: i64, count: i64) {
        self.paid += paid;
        self.refunded += refunded;
        self.net = self.paid - self.refunded;
        self.count += count;
    }
}

/// Virtual accounts issued in the range and still waiting for the deposit (not sales yet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Unpaid {
    /// How many.
    #[ts(type = "number")]
    pub count: i64,
    /// Won they would bring.
    #[ts(type = "number")]
    pub amount: i64,
}

/// The 정산 of a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Settlement {
    /// The KST days summed.
    pub range: DateRange,
    /// All sales.
    pub totals: Figures,
    /// Sales by pay method (`card`, `vbank`, `phone`, `trans`); a method with no sale is absent.
    pub by_pay_method: BTreeMap<String, Figures>,
    /// Sales by plan id; a plan with no sale is absent.
    pub by_plan: BTreeMap<String, Figures>,
    /// The Korean name of every plan in `by_plan`.
    pub plan_names: BTreeMap<String, String>,
    /// Virtual accounts issued in the range and not paid (listed apart, not in the totals).
    pub vbank_unpaid: Unpaid,
}

/// Which orders of a settlement to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SettlementSection {
    /// The sales the totals sum.
    #[default]
    Sales,
    /// The virtual accounts issued and not paid.
    VbankUnpaid,
}

/// The orders behind one figure of a settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettlementQuery {
    /// The KST days.
    pub range: DateRange,
    /// Sales or unpaid virtual accounts.
    #[serde(default)]
    pub section: SettlementSection,
    /// Only this pay method.
    #[serde(default)]
    pub pay_method: Option<PayMethod>,
    /// Only this plan.
    #[serde(default)]
    pub plan_id: Option<String>,
    /// Page size, 1..=500 (default 50).
    #[serde(default = "default_limit")]
    pub limit: u32,
    /// Orders to skip.
    #[serde(default)]
    pub offset: u32,
}

fn default_limit() -> u32 {
    DEFAULT_PAGE_LIMIT
}

impl SettlementQuery {
    /// The first page of every sale in `range`.
    pub fn sales(range: DateRange) -> SettlementQuery {
        SettlementQuery {
            range,
            section: SettlementSection::Sales,
            pay_method: None,
            plan_id: None,
            limit: DEFAULT_PAGE_LIMIT,
            offset: 0,
        }
    }
}

/// A sale: money in it, paid per Iamport, paid within the range (`?1 <= paid_at < ?2`).
/// (`+state` keeps SQLite on the paid_at index: the state index would read every paid order.)
const SALES_WHERE: &str = "paid_at >= ?1 AND paid_at < ?2 AND amount > 0 \
     AND +state IN ('paid', 'partially_refunded', 'refunded')";

/// An issued virtual account still waiting, issued within the range.
const UNPAID_WHERE: &str = "state = 'vbank_issued' AND created_at >= ?1 AND created_at < ?2";

/// One (pay method `?3`, plan `?4`) group's sales in the range: paid, refunded, count. It seeks
/// the group in the `orders_sales_by_group` index (migration 0013) and reads the group's rows
/// of the range from that index alone: no sort, however many orders the range holds.
fn group_sums_sql() -> String {
    format!(
        "SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(refunded_amount), 0), COUNT(*) \
         FROM orders WHERE {SALES_WHERE} AND pay_method = ?3 AND plan_id = ?4"
    )
}

/// The WHERE clause and parameters of a drill-down (shared by its page and its count).
fn sales_where(q: &SettlementQuery) -> (String, Vec<Value>) {
    let (start, end) = q.range.bounds_ms();
    let mut sql = match q.section {
        SettlementSection::Sales => SALES_WHERE.to_string(),
        SettlementSection::VbankUnpaid => UNPAID_WHERE.to_string(),
    };
    let mut params = vec![Value::Integer(start), Value::Integer(end)];
    if let Some(method) = q.pay_method {
        sql.push_str(" AND +pay_method = ?");
        params.push(Value::Text(method.as_str().to_string()));
    }
    if let Some(plan) = &q.plan_id {
        sql.push_str(" AND plan_id = ?");
        params.push(Value::Text(plan.clone()));
    }
    (sql, params)
}

impl Store {
    /// The 정산 of `range`: totals, by pay method, by plan, and unpaid virtual accounts.
    ///
    /// Every (pay method, plan) group is summed by SQL on its own ([`GROUP_SUMS`]), all in one
    /// read snapshot; the totals, methods and plans add those group sums up.
    pub fn settlement(&self, range: &DateRange) -> Result<Settlement, StoreError> {
        range.check()?;
        let (start, end) = range.bounds_ms();
        let conn = self.lock();
        let mut settlement = Settlement {
            range: *range,
            totals: Figures::default(),
            by_pay_method: BTreeMap::new(),
            by_plan: BTreeMap::new(),
            plan_names: BTreeMap::new(),
            vbank_unpaid: Unpaid::default(),
        };
        // One snapshot: a payment landing meanwhile is in every figure or in none.
        let tx = conn.unchecked_transaction().ctx("read the settlement")?;
        {
            // Every plan an order can name (orders.plan_id references plans).
            let plans = tx
                .prepare_cached("SELECT id, name_ko FROM plans ORDER BY id")
                .ctx("read plan names")?
                .query_map([], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
                })
                .ctx("read plan names")?
                .collect::<Result<Vec<_>, _>>()
                .ctx("read plan names")?;
            let mut sums = tx.prepare_cached(&group_sums_sql()).ctx("sum the sales")?;
            for method in PayMethod::ALL {
                for (plan, name) in &plans {
                    let (paid, refunded, count) = sums
                        .query_row(params![start, end, method.as_str(), plan], |row| {
                            Ok((
                                row.get::<_, i64>(0)?,
                                row.get::<_, i64>(1)?,
                                row.get::<_, i64>(2)?,
                            ))
                        })
                        .ctx("sum the sales")?;
                    if count == 0 {
                        continue;
                    }
                    settlement.totals.add(paid, refunded, count);
                    settlement
                        .by_pay_method
                        .entry(method.as_str().to_string())
                        .or_default()
                        .add(paid, refunded, count);
                    settlement
                        .by_plan
                        .entry(plan.clone())
                        .or_default()
                        .add(paid, refunded, count);
                    settlement.plan_names.insert(plan.clone(), name.clone());
                }
            }
            settlement.vbank_unpaid = tx
                .prepare_cached(&format!(
                    "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM orders WHERE {UNPAID_WHERE}"
                ))
                .ctx("sum the unpaid virtual accounts")?
                .query_row([start, end], |row| {
                    Ok(Unpaid {
                        count: row.get(0)?,
                        amount: row.get(1)?,
                    })
                })
                .ctx("sum the unpaid virtual accounts")?;
        }
        tx.commit().ctx("read the settlement")?;
        Ok(settlement)
    }

    /// The orders behind one settlement figure, newest payment first, paged like the order
    /// history. Their amounts sum to the figure (the same WHERE clause).
    pub fn settlement_orders(&self, q: &SettlementQuery) -> Result<OrderPage, StoreError> {
        q.range.check()?;
        if q.limit == 0 || q.limit > MAX_PAGE_LIMIT {
            return Err(StoreError::LimitOutOfRange {
                limit: q.limit,
                max: MAX_PAGE_LIMIT,
            });
        }
        let (where_sql, params) = sales_where(q);
        let order_by = match q.section {
            SettlementSection::Sales => "paid_at DESC, merchant_uid DESC",
            SettlementSection::VbankUnpaid => "created_at DESC, merchant_uid DESC",
        };
        let conn = self.lock();
        let total: i64 = conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM orders WHERE {where_sql}"))
            .ctx("count settlement orders")?
            .query_row(rusqlite::params_from_iter(params.iter()), |row| row.get(0))
            .ctx("count settlement orders")?;
        let mut page_params = params;
        page_params.push(Value::Integer(i64::from(q.limit)));
        page_params.push(Value::Integer(i64::from(q.offset)));
        let items = conn
            .prepare_cached(&format!(
                "SELECT {ORDER_COLUMNS} FROM orders WHERE {where_sql} ORDER BY {order_by} LIMIT ? OFFSET ?"
            ))
            .ctx("list settlement orders")?
            .query_map(
                rusqlite::params_from_iter(page_params.iter()),
                order_from_row,
            )
            .ctx("list settlement orders")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("list settlement orders")?;
        Ok(OrderPage { total, items })
    }

    /// SQLite's `EXPLAIN QUERY PLAN` lines of one group's totals query (the test that it reads an
    /// index and sorts nothing).
    pub fn explain_settlement(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", group_sums_sql()))
            .ctx("explain the settlement")?;
        let lines = stmt
            .query_map(params![0i64, 0i64, "card", "pass_1m"], |row| {
                row.get::<_, String>(3)
            })
            .ctx("explain the settlement")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("explain the settlement")?;
        Ok(lines)
    }
}
