//! Request decoding: bodies as JSON or form data (PHP-style `a[]=` and `schedules[0][x]=` keys,
//! via `serde_qs`), queries with `imp_uid[]=`, and tolerant scalars (`Num`, `Flag`) because form
//! data carries every value as a string.
//!
//! Every decoding failure becomes a 400 envelope ([`ApiError::MalformedBody`]); nothing panics.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

use crate::envelope::ApiError;

/// Largest accepted request body; larger bodies get a 400 envelope.
pub const BODY_LIMIT: usize = 64 * 1024;

fn qs_config() -> serde_qs::Config {
    serde_qs::Config::new().max_depth(3).use_form_encoding(true)
}

/// A body decoded from JSON (`application/json`) or form data (anything else). An empty body
/// decodes as an empty form, so optional-only bodies may be omitted.
pub struct Input<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Input<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::MalformedBody(e.body_text()))?;
        // Without a content type, a body that opens like a JSON object is read as JSON.
        let is_json = match content_type {
            Some(ct) => ct.contains("json"),
            None => bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
        };
        decode_body(&bytes, is_json).map(Input)
    }
}

/// Decodes a body as JSON or as a PHP-style form.
pub fn decode_body<T: DeserializeOwned>(bytes: &[u8], is_json: bool) -> Result<T, ApiError> {
    let trimmed = bytes.iter().all(|b| b.is_ascii_whitespace());
    if is_json && !trimmed {
        serde_json::from_slice(bytes).map_err(|e| ApiError::MalformedBody(e.to_string()))
    } else {
        qs_config()
            .deserialize_bytes(bytes)
            .map_err(|e| ApiError::MalformedBody(e.to_string()))
    }
}

/// A query string decoded with `serde_qs` (so `imp_uid[]=a&imp_uid[]=b` is a list).
pub struct Qs<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Qs<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        qs_config()
            .deserialize_str(query)
            .map(Qs)
            .map_err(|e| ApiError::MalformedBody(e.to_string()))
    }
}

/// An integer that arrives as a JSON number or a decimal string. Fractional values are refused:
/// money is whole won.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num(pub i64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integral number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                i64::try_from(v)
                    .map(Num)
                    .map_err(|_| E::custom("number out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                // 1000.0 is accepted; 1000.5 and out-of-range values are not.
                const LIMIT: f64 = 9.0e15;
                if v.is_finite() && v.fract() == 0.0 && v.abs() < LIMIT {
                    #[allow(clippy::cast_possible_truncation)]
                    Ok(Num(v as i64))
                } else {
                    Err(E::custom("amount must be a whole number of won"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                let t = v.trim();
                if let Ok(n) = t.parse::<i64>() {
                    return Ok(Num(n));
                }
                match t.parse::<f64>() {
                    Ok(f) => self.visit_f64(f),
                    Err(_) => Err(E::custom("not a number")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean that arrives as JSON `true`/`false`, or as `"true"`, `"false"`, `"1"`, `"0"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v.trim() {
                    "true" | "1" | "TRUE" | "True" => Ok(Flag(true)),
                    "false" | "0" | "" | "FALSE" | "False" => Ok(Flag(false)),
                    _ => Err(E::custom("not a boolean")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A text value that may arrive as a string or a JSON number (form data makes both strings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// One string or a list of strings (`merchant_uid` of unschedule; `a[]=` or `a=`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::One(s) => OneOrMany(vec![s]),
            Raw::Many(v) => OneOrMany(v),
        })
    }
}

/// `custom_data` as the API stores it: a JSON string. Objects are serialised; strings kept.
pub fn custom_data_string(v: Option<serde_json::Value>) -> Option<String> {
    match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    }
}
