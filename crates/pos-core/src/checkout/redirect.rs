//! The `m_redirect_url` navigation: the shell intercepts navigations to [`M_REDIRECT_URL`] and
//! hands the URL here; the query's `imp_uid`/`merchant_uid` go to `complete_payment`, the same
//! path as the SDK callback. Nothing else in the query (`imp_success`, `error_msg`) is believed
//! about the payment; `error_msg` is kept only to show while verifying.

use serde::Serialize;
use ts_rs::TS;

use super::start::M_REDIRECT_URL;

/// What the redirect carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RedirectParams {
    /// The order.
    pub merchant_uid: String,
    /// The payment, when Iamport created one.
    pub imp_uid: Option<String>,
    /// The PG's message on failure (shown, never trusted).
    pub error_msg: Option<String>,
}

/// Decodes `%XX` escapes and `+` in a query component. Invalid escapes are kept as they are.
fn decode(component: &str) -> String {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `url` is the app's payment-complete URL (with or without a query).
pub fn is_payment_redirect(url: &str) -> bool {
    url.strip_prefix(M_REDIRECT_URL)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('?') || rest.starts_with('#'))
}

/// The parameters of a payment-complete redirect, or `None` when `url` is not one or carries
/// no `merchant_uid`.
pub fn parse_redirect(url: &str) -> Option<RedirectParams> {
    if !is_payment_redirect(url) {
        return None;
    }
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let query = query.split('#').next().unwrap_or("");
    let mut merchant_uid = None;
    let mut imp_uid = None;
    let mut error_msg = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value).trim().to_string();
        let value = (!value.is_empty()).then_some(value);
        match decode(key).as_str() {
            "merchant_uid" => merchant_uid = value,
            "imp_uid" => imp_uid = value,
            "error_msg" => error_msg = value,
            _ => {}
        }
    }
    Some(RedirectParams {
        merchant_uid: merchant_uid?,
        imp_uid,
        error_msg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_with_both_ids_is_parsed() {
        let url =
            format!("{M_REDIRECT_URL}?imp_success=true&imp_uid=imp_123&merchant_uid=order_01A");
        let p = parse_redirect(&url);
        assert_eq!(
            p,
            Some(RedirectParams {
                merchant_uid: "order_01A".into(),
                imp_uid: Some("imp_123".into()),
                error_msg: None
            }),
            "both ids come through"
        );
    }

    #[test]
    fn failure_message_is_percent_decoded() {
        let url = format!(
            "{M_REDIRECT_URL}?merchant_uid=order_01A&error_msg=%EC%B7%A8%EC%86%8C+%EB%90%A8"
        );
        let p = parse_redirect(&url);
        assert_eq!(
            p.and_then(|p| p.error_msg).as_deref(),
            Some("취소 됨"),
            "UTF-8 and + decode"
        );
    }

    #[test]
    fn other_urls_and_missing_merchant_uid_are_not_redirects() {
        assert_eq!(
            parse_redirect("https://example.com/payment/complete?merchant_uid=x"),
            None,
            "another host"
        );
        assert_eq!(
            parse_redirect(&format!("{M_REDIRECT_URL}extra?merchant_uid=x")),
            None,
            "another path"
        );
        assert_eq!(
            parse_redirect(&format!("{M_REDIRECT_URL}?imp_uid=imp_1")),
            None,
            "no merchant_uid"
        );
    }

    #[test]
    fn broken_escapes_do_not_panic() {
        for tail in ["%", "%4", "%zz", "%%%", "%e"] {
            let url = format!("{M_REDIRECT_URL}?merchant_uid=o{tail}");
            assert!(
                parse_redirect(&url).is_some(),
                "{tail} is kept, not a panic"
            );
        }
    }
}
