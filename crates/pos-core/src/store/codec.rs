//! Conversions between Rust values and SQLite columns: times as UTC milliseconds, enums as text.

use chrono::{DateTime, TimeZone, Utc};

use super::error::StoreError;

/// Milliseconds since the UNIX epoch, as stored.
pub(crate) fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A millisecond time back as a UTC time.
pub(crate) fn from_ms(column: &'static str, ms: i64) -> Result<DateTime<Utc>, StoreError> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| StoreError::UnknownValue {
            column,
            value: ms.to_string(),
        })
}

/// Now, truncated to what is stored (milliseconds), so a value read back equals the one written.
pub(crate) fn now() -> DateTime<Utc> {
    let now = Utc::now();
    from_ms("now", now.timestamp_millis()).unwrap_or(now)
}

/// Reads a millisecond time column.
pub(crate) fn ms_col(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let ms: i64 = row.get(idx)?;
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(idx, ms))
}

/// Reads a nullable millisecond time column.
pub(crate) fn ms_col_opt(
    row: &rusqlite::Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let ms: Option<i64> = row.get(idx)?;
    ms.map(|ms| {
        Utc.timestamp_millis_opt(ms)
            .single()
            .ok_or(rusqlite::Error::IntegralValueOutOfRange(idx, ms))
    })
    .transpose()
}

/// An event's `detail` as stored: JSON text, or NULL when there is none.
pub(crate) fn detail_text(
    detail: Option<&serde_json::Value>,
    context: &'static str,
) -> Result<Option<String>, StoreError> {
    detail
        .map(serde_json::to_string)
        .transpose()
        .map_err(|source| StoreError::Json { context, source })
}

/// A stored event `detail` back as JSON; NULL reads as `null`.
pub(crate) fn detail_value(
    text: Option<String>,
    context: &'static str,
) -> Result<serde_json::Value, StoreError> {
    text.map_or(Ok(serde_json::Value::Null), |text| {
        serde_json::from_str(&text).map_err(|source| StoreError::Json { context, source })
    })
}

/// Declares a fieldless enum stored as text: `as_str`, `parse` (typed error naming the column),
/// and `ALL`.
macro_rules! text_enum {
    ($ty:ident, $column:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The stored and serialised (snake_case) name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }

            /// Parses the stored name.
            pub(crate) fn parse(value: &str) -> Result<$ty, $crate::store::StoreError> {
                match value {
                    $($text => Ok($ty::$variant),)+
                    other => Err($crate::store::StoreError::UnknownValue {
                        column: $column,
                        value: other.to_string(),
                    }),
                }
            }
        }

        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                $ty::parse(text).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::store::StoreError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }
    };
}

pub(crate) use text_enum;
