//! The shop's Panmusic account and the `custom_data` every payment carries.
//!
//! Panmusic grants the music from the payment alone, so every payment the app starts (one-time,
//! billing-key issuance, `again`, `schedule`) carries, in `custom_data`,
//! `{"account_id", "store", "plan", "app": "panmusic-pos/VERSION"}`. The text is fixed on the
//! order when the order is created (a retry sends the same text) and verification refuses a
//! payment whose `custom_data` names another account, like a payment of another order.
//!
//! Orders created before an account was set carry no `custom_data`: their payments are verified
//! as before (nothing paid earlier is locked out). An order whose account was set checks it
//! even if the owner changes the account later: the order keeps the account it was sold for.
//!
//! Iamport stores `custom_data` as a JSON string (REFERENCE §3.3); whether it ever answers with
//! the object itself is unconfirmed, and the iamport crate keeps either as JSON text. A string
//! that itself holds JSON text (an object serialised twice on its way) is read too.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::settings::SettingsError;

/// The longest account id accepted.
pub const ACCOUNT_ID_MAX_CHARS: usize = 64;

/// `panmusic-pos/VERSION`, the `app` of every payment's `custom_data`.
pub fn app_tag() -> String {
    format!("panmusic-pos/{}", env!("CARGO_PKG_VERSION"))
}

/// The shop's Panmusic account: its id and the shop name Panmusic shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ShopAccount {
    /// Panmusic's id of the shop's account.
    pub account_id: String,
    /// The shop's name (the settings' store name).
    pub store: String,
}

/// Checks an account id: 1 to 64 characters of ASCII letters, digits, `-`, `_`, `.` or `@`.
pub fn validate_account_id(id: &str) -> Result<(), SettingsError> {
    let ok = !id.is_empty()
        && id.chars().count() <= ACCOUNT_ID_MAX_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(SettingsError::InvalidAccountId {
            value: id.chars().take(80).collect(),
        })
    }
}

/// What a payment's `custom_data` says (the fields the app writes; others are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentTag {
    /// The Panmusic account the payment is for.
    pub account_id: String,
    /// The shop's name when the order was made.
    pub store: String,
    /// The plan bought.
    pub plan: String,
    /// `panmusic-pos/VERSION`.
    pub app: String,
}

impl PaymentTag {
    /// The tag of an order for `plan_id` sold for `account`.
    pub fn new(account: &ShopAccount, plan_id: &str) -> PaymentTag {
        PaymentTag {
            account_id: account.account_id.clone(),
            store: account.store.clone(),
            plan: plan_id.to_string(),
            app: app_tag(),
        }
    }

    /// The JSON text sent as `custom_data`.
    pub fn to_json(&self) -> String {
        // A struct of strings always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The account a `custom_data` text names: read as a JSON object, or as a JSON string that
/// holds one. `None` when there is none or it has no string `account_id`.
pub fn account_named(custom_data: Option<&str>) -> Option<String> {
    let mut value: Value = serde_json::from_str(custom_data?.trim()).ok()?;
    // An object serialised twice arrives as a string holding its JSON text.
    for _ in 0..2 {
        match value {
            Value::String(inner) => value = serde_json::from_str(&inner).ok()?,
            Value::Object(map) => {
                return map
                    .get("account_id")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            _ => return None,
        }
    }
    None
}

/// Whether a payment whose `custom_data` is `paid` may pay an order whose own `custom_data` is
/// `ordered`. An order without an account (made before one was set) takes any payment; one with
/// an account takes only a payment naming that same account.
pub fn same_account(ordered: Option<&str>, paid: Option<&str>) -> Result<(), AccountMismatch> {
    let Some(expected) = account_named(ordered) else {
        return Ok(());
    };
    let found = account_named(paid);
    if found.as_deref() == Some(expected.as_str()) {
        Ok(())
    } else {
        Err(AccountMismatch { expected, found })
    }
}

/// A payment naming another account (or none) than its order's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMismatch {
    /// The account the order was sold for.
    pub expected: String,
    /// The account the payment names (`None`: no account at all).
    pub found: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_json() -> String {
        PaymentTag::new(
            &ShopAccount {
                account_id: "pm-1001".into(),
                store: "판뮤직 강남점".into(),
            },
            "pass_1m",
        )
        .to_json()
    }

    #[test]
    fn the_tag_has_the_four_fields_panmusic_reads() {
        let v: Value = serde_json::from_str(&tag_json()).unwrap_or(Value::Null);
        assert_eq!(v["account_id"], "pm-1001", "account id");
        assert_eq!(v["store"], "판뮤직 강남점", "store");
        assert_eq!(v["plan"], "pass_1m", "plan");
        assert_eq!(
            v["app"],
            format!("panmusic-pos/{}", env!("CARGO_PKG_VERSION")),
            "app and version"
        );
    }

    #[test]
    fn the_account_is_read_from_an_object_or_from_a_string_holding_one() {
        let object = tag_json();
        let string = serde_json::to_string(&object).unwrap_or_default();
        assert_eq!(
            account_named(Some(&object)).as_deref(),
            Some("pm-1001"),
            "JSON text of an object"
        );
        assert_eq!(
            account_named(Some(&string)).as_deref(),
            Some("pm-1001"),
            "a JSON string that holds the object's text"
        );
        for other in [
            "",
            "null",
            "42",
            "\"plain\"",
            "{\"plan\":\"x\"}",
            "{\"account_id\":7}",
            "{",
        ] {
            assert_eq!(
                account_named(Some(other)),
                None,
                "{other:?} names no account"
            );
        }
    }

    #[test]
    fn an_order_without_an_account_takes_any_payment() {
        assert_eq!(same_account(None, None), Ok(()), "old order, no data");
        assert_eq!(
            same_account(None, Some("{\"account_id\":\"x\"}")),
            Ok(()),
            "old order, any data"
        );
    }

    #[test]
    fn an_order_with_an_account_takes_only_that_account() {
        let ordered = tag_json();
        assert_eq!(same_account(Some(&ordered), Some(&ordered)), Ok(()), "same");
        assert_eq!(
            same_account(Some(&ordered), Some("{\"account_id\":\"pm-666\"}")),
            Err(AccountMismatch {
                expected: "pm-1001".into(),
                found: Some("pm-666".into())
            }),
            "another account is refused"
        );
        assert_eq!(
            same_account(Some(&ordered), None),
            Err(AccountMismatch {
                expected: "pm-1001".into(),
                found: None
            }),
            "a payment stripped of its account is refused"
        );
    }

    #[test]
    fn account_ids_are_short_plain_text() {
        for ok in ["pm-1001", "shop_7", "owner@panmusic.kr"] {
            assert!(validate_account_id(ok).is_ok(), "{ok} is an account id");
        }
        for bad in ["", "has space", "한글", &"a".repeat(65), "a\"b"] {
            assert!(validate_account_id(bad).is_err(), "{bad:?} is refused");
        }
    }
}
