//! The one reader of the append-only audit trails (`order_events`, `subscription_events`): both
//! tables have the same columns, so one query shape and one row decoder serve every timeline and
//! every feed; each event type only says which table it lives in and how it is assembled.

use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, ToSql};
use rusqlite::Connection;

use super::codec::{detail_value, ms_col};
use super::error::{SqlContext, StoreError};

/// One row of a trail, as stored, with `detail` decoded.
pub(crate) struct TrailRow<S> {
    pub(crate) id: i64,
    /// What the event belongs to (the order's merchant_uid, the subscription's id).
    pub(crate) owner: String,
    pub(crate) at: DateTime<Utc>,
    pub(crate) from_state: Option<S>,
    pub(crate) to_state: S,
    pub(crate) cause: String,
    pub(crate) detail: serde_json::Value,
}

/// An event type stored in an audit trail.
pub(crate) trait TrailEvent: From<TrailRow<Self::State>> {
    /// The state the trail records (stored as text).
    type State: FromSql;
    /// The trail's table.
    const TABLE: &'static str;
    /// The column naming what an event belongs to.
    const OWNER_COLUMN: &'static str;
    /// What a `detail` that is not JSON is reported as.
    const DETAIL_CONTEXT: &'static str;
}

/// Which events of a trail to read; both read oldest first.
pub(crate) enum TrailSlice<'a> {
    /// Every event of one order or subscription.
    Of(&'a str),
    /// Events with an id above `after`, at most `limit` (what a feed reader has not seen yet).
    After { after: i64, limit: u32 },
}

/// Reads a slice of `E`'s trail, oldest first; `context` names the read in errors.
pub(crate) fn read_trail<E: TrailEvent>(
    conn: &Connection,
    slice: TrailSlice<'_>,
    context: &'static str,
) -> Result<Vec<E>, StoreError> {
    let select = format!(
        "SELECT id, {}, at, from_state, to_state, cause, detail FROM {}",
        E::OWNER_COLUMN,
        E::TABLE
    );
    match slice {
        TrailSlice::Of(owner) => {
            let sql = format!("{select} WHERE {} = ?1 ORDER BY id", E::OWNER_COLUMN);
            query_trail(conn, &sql, &[&owner], context)
        }
        TrailSlice::After { after, limit } => {
            let sql = format!("{select} WHERE id > ?1 ORDER BY id LIMIT ?2");
            query_trail(conn, &sql, &[&after, &limit], context)
        }
    }
}

/// Runs one trail query and decodes its rows.
fn query_trail<E: TrailEvent>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
    context: &'static str,
) -> Result<Vec<E>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).ctx(context)?;
    let rows = stmt
        .query_map(params, |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                ms_col(row, 2)?,
                row.get::<_, Option<E::State>>(3)?,
                row.get::<_, E::State>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, Option<String>>(6)?,
            ))
        })
        .ctx(context)?
        .collect::<Result<Vec<_>, _>>()
        .ctx(context)?;
    rows.into_iter()
        .map(|(id, owner, at, from_state, to_state, cause, detail)| {
            Ok(E::from(TrailRow {
                id,
                owner,
                at,
                from_state,
                to_state,
                cause,
                detail: detail_value(detail, E::DETAIL_CONTEXT)?,
            }))
        })
        .collect()
}
