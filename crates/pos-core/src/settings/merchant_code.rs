//! The Iamport merchant code (가맹점 식별코드): `imp` followed by 8 digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SettingsError;

/// A merchant code of the right shape, e.g. `imp12345678`. Surrounding spaces are trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
#[ts(type = "string")]
pub struct MerchantCode(String);

impl MerchantCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MerchantCode {
    type Error = SettingsError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let trimmed = value.trim();
        let ok = trimmed.len() == 11
            && trimmed.starts_with("imp")
            && trimmed[3..].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(MerchantCode(trimmed.to_string()))
        } else {
            Err(SettingsError::InvalidMerchantCode {
                value: shown_refused(value),
            })
        }
    }
}

/// Longest refused value an error echoes: a mistyped code is short, while a REST key (16
/// digits) or secret pasted into the wrong field is longer and must not reach a message or log.
const ECHO_MAX_CHARS: usize = 15;

/// What an error may show of a refused merchant code: the value, or only its length.
fn shown_refused(value: String) -> String {
    let chars = value.chars().count();
    if chars > ECHO_MAX_CHARS {
        format!("<{chars}자, 표시하지 않음>")
    } else {
        value
    }
}

impl FromStr for MerchantCode {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MerchantCode::try_from(s.to_string())
    }
}

impl From<MerchantCode> for String {
    fn from(code: MerchantCode) -> String {
        code.0
    }
}

impl fmt::Display for MerchantCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imp_and_eight_digits_is_a_merchant_code() {
        let code: Result<MerchantCode, _> = " imp12345678 ".parse();
        assert_eq!(
            code.map(String::from).ok().as_deref(),
            Some("imp12345678"),
            "trimmed and accepted"
        );
    }

    #[test]
    fn codes_of_the_wrong_shape_are_refused() {
        for bad in [
            "",
            "imp",
            "imp1234567",
            "imp123456789",
            "IMP12345678",
            "imp1234567a",
            "abc12345678",
            "imp１２３４５６７８",
        ] {
            let code: Result<MerchantCode, _> = bad.parse();
            assert!(
                matches!(code, Err(SettingsError::InvalidMerchantCode { .. })),
                "{bad:?} is refused"
            );
        }
    }

    #[test]
    fn a_pasted_rest_secret_is_never_echoed_in_the_error() {
        let secret = "S3cr3tRestApiSecretValue0123456789abcdefghijklmnopqrstuvwxyz";
        let err = MerchantCode::try_from(secret.to_string())
            .err()
            .unwrap_or_else(|| panic!("a secret is not a merchant code"));
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(secret), "secret echoed: {shown}");
        let short = MerchantCode::try_from("imp1234567".to_string()).err();
        assert!(
            short.is_some_and(|e| e.to_string().contains("imp1234567")),
            "a mistyped code is still shown so it can be corrected"
        );
    }

    #[test]
    fn a_bad_code_in_json_fails_to_deserialise() {
        let parsed: Result<MerchantCode, _> = serde_json::from_str("\"imp1\"");
        assert!(parsed.is_err(), "serde goes through the same check");
    }
}
