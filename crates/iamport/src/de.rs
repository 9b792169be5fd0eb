//! Deserialisation helpers for the quirks of Iamport's wire format.
//!
//! - KRW amounts arrive as JSON numbers (`1000`, sometimes `1000.0`). They become `i64` won; a
//!   fractional or out-of-range amount is a decode error, never a rounding.
//! - Timestamps are Unix seconds where `0` means "not set"; they become `Option<i64>`.
//! - Optional strings, arrays and objects may be absent or `null`.
//! - `custom_data` is documented as a JSON string, but a raw JSON value is accepted too and
//!   kept as its JSON text.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// 2^53: beyond it an `f64` no longer holds every integer, so a float-shaped amount that large
/// may already have been rounded by the JSON parser. (Integer literals up to `i64::MAX` arrive
/// exactly through `visit_i64`/`visit_u64`.)
const EXACT_F64_LIMIT: f64 = 9_007_199_254_740_992.0;

struct WonVisitor;

impl<'de> Visitor<'de> for WonVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole KRW amount (integer JSON number)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format_args!("KRW amount {v} is out of range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if !v.is_finite() || v.abs() > EXACT_F64_LIMIT {
            return Err(E::custom(format_args!("KRW amount {v} is out of range")));
        }
        if v.fract() != 0.0 {
            return Err(E::custom(format_args!(
                "fractional KRW amount {v}: won amounts must be whole numbers"
            )));
        }
        // Integral and within ±2^53: the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Ok(v as i64)
    }
}

/// A required whole-won amount.
pub(crate) fn won<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(WonVisitor)
}

/// A required Unix timestamp in seconds (integral JSON number).
pub(crate) fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(WonVisitor)
        .map_err(|e| de::Error::custom(format_args!("timestamp: {e}")))
}

/// An optional Unix timestamp: `null`, absent and `0` all mean "not set".
pub(crate) fn opt_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "seconds")] i64);
    Ok(Option::<Wrap>::deserialize(d)?
        .map(|Wrap(v)| v)
        .filter(|v| *v != 0))
}

/// A value that may be `null` or absent (=> its default: empty list, `false`).
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `custom_data`: a JSON string is kept as is; any other non-null JSON value is kept as its JSON
/// text, so a server that sends an object instead of a string still decodes.
pub(crate) fn custom_data<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(other) => Ok(Some(other.to_string())),
    }
}

/// A page number where `0` means "no such page".
pub(crate) fn opt_page<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(Option::<u32>::deserialize(d)?.filter(|p| *p != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Amounts {
        #[serde(deserialize_with = "won")]
        amount: i64,
        #[serde(default, deserialize_with = "opt_seconds")]
        at: Option<i64>,
        #[serde(default, deserialize_with = "custom_data")]
        custom: Option<String>,
    }

    fn parse(json: &str) -> Result<Amounts, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn integral_float_amount_is_accepted_as_won() {
        let a = parse(r#"{"amount": 1000.0}"#).expect("1000.0 is a whole amount");
        assert_eq!(a.amount, 1000, "1000.0 must decode to 1000 won");
    }

    #[test]
    fn fractional_amount_is_a_decode_error_not_a_rounding() {
        let err = parse(r#"{"amount": 1000.5}"#).expect_err("1000.5 won must not decode");
        assert!(
            err.to_string().contains("fractional"),
            "the error must say the amount was fractional: {err}"
        );
    }

    #[test]
    fn amount_beyond_i64_is_a_decode_error() {
        assert!(
            parse(r#"{"amount": 9223372036854775808}"#).is_err(),
            "2^63 does not fit in i64 won"
        );
        assert!(
            parse(r#"{"amount": 1e30}"#).is_err(),
            "1e30 does not fit in i64 won"
        );
    }

    #[test]
    fn i64_max_amount_is_exact() {
        let a = parse(r#"{"amount": 9223372036854775807}"#).expect("i64::MAX fits");
        assert_eq!(a.amount, i64::MAX, "the largest i64 must decode exactly");
    }

    #[test]
    fn zero_null_and_absent_timestamps_are_none() {
        for json in [
            r#"{"amount":1,"at":0}"#,
            r#"{"amount":1,"at":null}"#,
            r#"{"amount":1}"#,
        ] {
            let a = parse(json).expect("valid body");
            assert_eq!(a.at, None, "{json}: an unset timestamp must be None");
        }
        let a = parse(r#"{"amount":1,"at":1709722069}"#).expect("valid body");
        assert_eq!(a.at, Some(1_709_722_069), "a set timestamp is kept");
    }

    #[test]
    fn custom_data_object_is_kept_as_json_text() {
        let a = parse(r#"{"amount":1,"custom":{"plan":"monthly"}}"#).expect("valid body");
        assert_eq!(
            a.custom.as_deref(),
            Some(r#"{"plan":"monthly"}"#),
            "a raw object must be kept as its JSON text"
        );
        let a = parse(r#"{"amount":1,"custom":"{\"plan\":1}"}"#).expect("valid body");
        assert_eq!(
            a.custom.as_deref(),
            Some(r#"{"plan":1}"#),
            "a JSON string is kept verbatim"
        );
    }

    #[test]
    fn string_amount_is_a_decode_error() {
        assert!(
            parse(r#"{"amount":"1000"}"#).is_err(),
            "amounts are JSON numbers, a string is a wrong type"
        );
    }
}
