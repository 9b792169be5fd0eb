//! Listing orders: newest first, filtered by state or pay method, searched by any part of the
//! order number, the buyer's name or phone number, or the card number, paged. Every filter shape
//! is served by an index (see the `EXPLAIN QUERY PLAN` test), so it stays fast at 100,000 orders.
//!
//! Search: 3 or more characters go through the trigram index `order_search` (migration 0007).
//! One or two characters (a surname like "김", two digits) cannot use a trigram index; they scan,
//! in newest-first index order for the page, which is justified: so short a term matches a large
//! share of the orders, so the page fills after few rows, and the count reads each order once
//! (the 100k-order figures print in `listing_pages_of_100k_orders_is_fast`).

use chrono::NaiveDate;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::{SqlContext, StoreError};
use super::orders::{order_from_row, Order, OrderState, PayMethod, ORDER_COLUMNS};
use super::Store;

/// The largest page [`Store::list_orders`] returns.
pub const MAX_PAGE_LIMIT: u32 = 500;

/// The page size when none is given.
pub const DEFAULT_PAGE_LIMIT: u32 = 50;

/// Which orders to list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct OrderQuery {
    /// Only orders in this state.
    pub state: Option<OrderState>,
    /// Only orders paid this way.
    pub pay_method: Option<PayMethod>,
    /// Any part of the merchant_uid, the buyer's name, the buyer's phone number (with or without
    /// dashes) or the masked card number Iamport reported (e.g. its last 4 digits).
    pub search: Option<String>,
    /// Only orders created on or after this KST day (`YYYY-MM-DD`).
    #[ts(type = "string | null")]
    pub from: Option<NaiveDate>,
    /// Only orders created on or before this KST day (`YYYY-MM-DD`); not before `from`.
    #[ts(type = "string | null")]
    pub to: Option<NaiveDate>,
    /// Only sales, or only card registrations (0원 billing-key orders).
    pub class: Option<OrderClass>,
    /// Page size, 1..=500 (default 50).
    pub limit: u32,
    /// Orders to skip (newest first).
    pub offset: u32,
}

/// Sales versus card registrations in the order history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OrderClass {
    /// Orders with money in them (what 정산 counts when paid).
    Sale,
    /// 0원 orders that only registered a card (a subscription's billing key): never revenue.
    CardRegistration,
}

impl Default for OrderQuery {
    fn default() -> Self {
        OrderQuery {
            state: None,
            pay_method: None,
            search: None,
            from: None,
            to: None,
            class: None,
            limit: DEFAULT_PAGE_LIMIT,
            offset: 0,
        }
    }
}

/// One page of orders and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrderPage {
    /// Orders matching the query (all pages).
    #[ts(type = "number")]
    pub total: i64,
    /// This page, newest first.
    pub items: Vec<Order>,
}

/// The shortest term the trigram index answers.
const TRIGRAM: usize = 3;

/// `term` as one FTS5 phrase: every character literal (a `"` is doubled), so no search text can
/// be read as query syntax.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The WHERE clause and its parameters for a query (shared by the page and the count).
pub(crate) fn where_clause(q: &OrderQuery) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if let Some(state) = q.state {
        clauses.push("state = ?".to_string());
        params.push(Value::Text(state.as_str().to_string()));
    }
    if let Some(method) = q.pay_method {
        clauses.push("pay_method = ?".to_string());
        params.push(Value::Text(method.as_str().to_string()));
    }
    if let Some(search) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if search.chars().count() >= TRIGRAM {
            clauses.push(
                "rowid IN (SELECT rowid FROM order_search WHERE order_search MATCH ?)".to_string(),
            );
            params.push(Value::Text(fts_phrase(search)));
        } else {
            clauses.push(
                "(instr(upper(merchant_uid), upper(?)) > 0 OR instr(buyer_name, ?) > 0 \
                 OR instr(buyer_tel, ?) > 0 OR instr(card_number, ?) > 0)"
                    .to_string(),
            );
            params.extend(std::iter::repeat_n(Value::Text(search.to_string()), 4));
        }
    }
    let days = crate::report::DateRange::day;
    if let Some(from) = q.from {
        clauses.push("created_at >= ?".to_string());
        params.push(Value::Integer(days(from).bounds_ms().0));
    }
    if let Some(to) = q.to {
        clauses.push("created_at < ?".to_string());
        params.push(Value::Integer(days(to).bounds_ms().1));
    }
    match q.class {
        Some(OrderClass::Sale) => clauses.push("amount > 0".to_string()),
        Some(OrderClass::CardRegistration) => clauses.push("amount = 0".to_string()),
        None => {}
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (sql, params)
}

/// The SQL of one page (used by the query-plan test too).
pub(crate) fn page_sql(where_sql: &str) -> String {
    format!(
        "SELECT {ORDER_COLUMNS} FROM orders {where_sql} \
         ORDER BY created_at DESC, merchant_uid DESC LIMIT ? OFFSET ?"
    )
}

impl Store {
    /// A page of orders, newest first. `limit` outside 1..=500: [`StoreError::LimitOutOfRange`];
    /// `to` before `from`: [`StoreError::BackwardsRange`].
    pub fn list_orders(&self, q: &OrderQuery) -> Result<OrderPage, StoreError> {
        if let (Some(from), Some(to)) = (q.from, q.to) {
            crate::report::DateRange::new(from, to)?;
        }
        if q.limit == 0 || q.limit > MAX_PAGE_LIMIT {
            return Err(StoreError::LimitOutOfRange {
                limit: q.limit,
                max: MAX_PAGE_LIMIT,
            });
        }
        let (where_sql, params) = where_clause(q);
        let conn = self.lock();
        let total: i64 = conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM orders {where_sql}"))
            .ctx("count orders")?
            .query_row(rusqlite::params_from_iter(params.iter()), |row| row.get(0))
            .ctx("count orders")?;
        let mut page_params = params;
        page_params.push(Value::Integer(i64::from(q.limit)));
        page_params.push(Value::Integer(i64::from(q.offset)));
        let items = conn
            .prepare_cached(&page_sql(&where_sql))
            .ctx("list orders")?
            .query_map(
                rusqlite::params_from_iter(page_params.iter()),
                order_from_row,
            )
            .ctx("list orders")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("list orders")?;
        Ok(OrderPage { total, items })
    }

    /// SQLite's `EXPLAIN QUERY PLAN` lines for the page and the count of `q` (diagnostics and
    /// the test that every query shape uses an index).
    pub fn explain_list_orders(&self, q: &OrderQuery) -> Result<Vec<String>, StoreError> {
        let (where_sql, params) = where_clause(q);
        let conn = self.lock();
        let mut lines = Vec::new();
        for (sql, extra) in [
            (page_sql(&where_sql), 2),
            (format!("SELECT COUNT(*) FROM orders {where_sql}"), 0),
        ] {
            let mut all = params.clone();
            all.extend(std::iter::repeat_n(Value::Integer(0), extra));
            let mut stmt = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .ctx("explain a query")?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(all.iter()), |row| {
                    row.get::<_, String>(3)
                })
                .ctx("explain a query")?
                .collect::<Result<Vec<_>, _>>()
                .ctx("explain a query")?;
            lines.extend(rows);
        }
        Ok(lines)
    }
}
