//! What the payment page is told: the SDK script to load, the merchant code for `IMP.init` and
//! every `IMP.request_pay` parameter, all decided in Rust and carried in the page's query string.
//! The page adds nothing of its own; whatever it sends back is verified, never believed.

use pos_core::checkout::{CheckoutTicket, M_REDIRECT_URL};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::payments::subscription_models::BillingWindow;

/// The page the payment window loads (the UI build's second entry, `ui/pay.html`).
pub const PAY_PAGE: &str = "pay.html";
/// The query parameter that carries the request as JSON.
pub const REQUEST_PARAM: &str = "request";

/// What the owner reads when the window closed without a result.
pub const CLOSED_MESSAGE: &str = "결제창이 닫혔습니다.";

/// One payment window's work, as the page reads it (camelCase JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayRequest {
    /// The SDK script: Iamport's CDN in live mode, the in-process sandbox in sandbox mode.
    pub sdk_url: String,
    /// The merchant code for `IMP.init`.
    pub merchant_code: String,
    /// `IMP.request_pay`'s parameters. `m_redirect_url` is always the app-local return URL: the
    /// page's callback navigates there too, so every result reaches Rust the same way.
    pub params: Map<String, Value>,
}

fn text(params: &mut Map<String, Value>, key: &str, value: &str) {
    params.insert(key.to_owned(), Value::String(value.to_owned()));
}

fn optional(params: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
        text(params, key, value);
    }
}

/// `custom_data` as the object it is (the SDK serialises it; Iamport stores the JSON text).
fn custom_data(params: &mut Map<String, Value>, json: Option<&str>) {
    if let Some(value) = json.and_then(|j| serde_json::from_str::<Value>(j).ok()) {
        params.insert("custom_data".to_owned(), value);
    }
}

impl PayRequest {
    /// A one-time payment for the order `ticket` names, at the ticket's (catalog) amount.
    pub fn for_ticket(ticket: &CheckoutTicket) -> PayRequest {
        let mut params = Map::new();
        let pay_method = serde_json::to_value(ticket.pay_method).unwrap_or(Value::Null);
        params.insert("pay_method".into(), pay_method);
        text(&mut params, "merchant_uid", &ticket.merchant_uid);
        text(&mut params, "name", &ticket.name);
        params.insert("amount".into(), Value::from(ticket.amount));
        text(&mut params, "currency", &ticket.currency);
        text(&mut params, "m_redirect_url", M_REDIRECT_URL);
        optional(&mut params, "pg", ticket.pg.as_deref());
        optional(&mut params, "channelKey", ticket.channel_key.as_deref());
        optional(&mut params, "buyer_name", ticket.buyer_name.as_deref());
        optional(&mut params, "buyer_tel", ticket.buyer_tel.as_deref());
        optional(&mut params, "buyer_email", ticket.buyer_email.as_deref());
        if ticket.digital {
            params.insert("digital".into(), Value::Bool(true));
        }
        optional(&mut params, "vbank_due", ticket.vbank_due.as_deref());
        custom_data(&mut params, ticket.custom_data.as_deref());
        PayRequest {
            sdk_url: ticket.sdk_url.clone(),
            merchant_code: ticket.merchant_code.clone(),
            params,
        }
    }

    /// A billing-key window (subscribe or card change): a card payment carrying `customer_uid`.
    pub fn for_billing(window: &BillingWindow) -> PayRequest {
        let mut params = Map::new();
        text(&mut params, "pay_method", "card");
        text(&mut params, "merchant_uid", &window.merchant_uid);
        text(&mut params, "customer_uid", &window.customer_uid);
        text(&mut params, "name", &window.name);
        params.insert("amount".into(), Value::from(window.amount));
        text(&mut params, "m_redirect_url", M_REDIRECT_URL);
        optional(&mut params, "pg", window.pg.as_deref());
        custom_data(&mut params, window.custom_data.as_deref());
        PayRequest {
            sdk_url: window.sdk_url.clone(),
            merchant_code: window.merchant_code.clone(),
            params,
        }
    }

    /// The order the window is for.
    pub fn merchant_uid(&self) -> &str {
        self.params
            .get("merchant_uid")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// A script run before every page of the window (the payment page and any PG page in it):
    /// `window.close()` (a PG closing its window when done or cancelled) becomes a return to
    /// `m_redirect_url` naming the order and no payment, so Rust closes the window and looks the
    /// order up at Iamport, instead of the page disappearing with no word to the app.
    pub fn close_script(&self) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("merchant_uid", self.merchant_uid())
            .append_pair("imp_uid", "")
            .append_pair("imp_success", "false")
            .append_pair("error_msg", CLOSED_MESSAGE)
            .finish();
        let target =
            serde_json::to_string(&format!("{M_REDIRECT_URL}?{query}")).unwrap_or_default();
        format!(
            "(function () {{ var to = {target}; window.close = function () {{ window.location.href = to; }}; }})();"
        )
    }

    /// The page's path and query (`pay.html?request=…`), relative to the app's origin.
    pub fn page_path(&self) -> String {
        // A map of strings, numbers and booleans always serialises.
        let json = serde_json::to_string(self).unwrap_or_default();
        let encoded: String = url::form_urlencoded::byte_serialize(json.as_bytes()).collect();
        format!("{PAY_PAGE}?{REQUEST_PARAM}={encoded}")
    }
}

#[cfg(test)]
mod tests {
    use pos_core::checkout::PrepareStatus;
    use pos_core::PayMethod;

    use super::*;

    fn ticket() -> CheckoutTicket {
        CheckoutTicket {
            merchant_uid: "order_1".into(),
            amount: 9_900,
            currency: "KRW".into(),
            name: "1개월 이용권".into(),
            pay_method: PayMethod::Phone,
            pg: Some("danal".into()),
            channel_key: None,
            buyer_name: Some("판뮤직".into()),
            buyer_tel: Some(" ".into()),
            buyer_email: None,
            digital: true,
            vbank_due: None,
            m_redirect_url: M_REDIRECT_URL.into(),
            sdk_url: "http://127.0.0.1:4000/sdk/iamport.js".into(),
            merchant_code: "imp00000000".into(),
            prepare: PrepareStatus::Registered,
            custom_data: Some(r#"{"account_id":"pm-1","plan":"pass_1m"}"#.into()),
        }
    }

    #[test]
    fn a_checkout_window_carries_the_ticket_and_nothing_else() {
        let request = PayRequest::for_ticket(&ticket());
        let params = Value::Object(request.params.clone());
        assert_eq!(params["merchant_uid"], "order_1", "the order");
        assert_eq!(params["amount"], 9_900, "the catalog amount");
        assert_eq!(
            params["pay_method"], "phone",
            "the method as Iamport spells it"
        );
        assert_eq!(
            params["digital"], true,
            "phone payments are digital content"
        );
        assert_eq!(params["pg"], "danal", "the PG from the settings");
        assert_eq!(
            params["m_redirect_url"], M_REDIRECT_URL,
            "the app-local return"
        );
        assert!(params.get("buyer_tel").is_none(), "a blank is left out");
        assert_eq!(
            params["custom_data"]["account_id"], "pm-1",
            "the order's custom_data travels as an object"
        );
        assert!(params.get("channelKey").is_none(), "an absent one too");
        assert_eq!(request.merchant_code, "imp00000000", "IMP.init's code");
    }

    #[test]
    fn a_billing_window_issues_the_key_rust_minted() {
        let window = BillingWindow {
            subscription_id: "sub_1".into(),
            merchant_uid: "billing_1".into(),
            customer_uid: "cust_1".into(),
            amount: 0,
            name: "월 정기결제 카드 등록".into(),
            pg: None,
            merchant_code: "imp00000000".into(),
            sdk_url: "https://cdn.iamport.kr/v1/iamport.js".into(),
            custom_data: Some(r#"{"account_id":"pm-1"}"#.into()),
        };
        let params = Value::Object(PayRequest::for_billing(&window).params);
        assert_eq!(params["customer_uid"], "cust_1", "the key Rust named");
        assert_eq!(
            params["custom_data"]["account_id"], "pm-1",
            "the shop's account travels as an object"
        );
        assert_eq!(params["merchant_uid"], "billing_1", "the window's order");
        assert_eq!(params["amount"], 0, "the amount Rust decided");
        assert_eq!(
            params["m_redirect_url"], M_REDIRECT_URL,
            "the app-local return"
        );
    }

    #[test]
    fn the_close_script_returns_to_the_app_naming_the_order_only() {
        let script = PayRequest::for_ticket(&ticket()).close_script();
        assert!(script.contains("window.close = function"), "{script}");
        let start = script.find('"').expect("a string literal");
        let end = script[start + 1..].find('"').expect("its end") + start + 1;
        let target = url::Url::parse(&script[start + 1..end]).expect("a URL");
        let redirect = pos_core::checkout::parse_redirect(target.as_str()).expect("a return");
        assert_eq!(redirect.merchant_uid, "order_1", "the window's order");
        assert_eq!(redirect.imp_uid, None, "no payment is claimed");
        assert_eq!(
            redirect.error_msg.as_deref(),
            Some(CLOSED_MESSAGE),
            "shown as closed"
        );
    }

    #[test]
    fn the_page_path_round_trips_through_the_query() {
        let request = PayRequest::for_ticket(&ticket());
        let path = request.page_path();
        let url = url::Url::parse("tauri://localhost/")
            .and_then(|base| base.join(&path))
            .expect("the path joins the app origin");
        assert_eq!(url.path(), "/pay.html", "the payment page");
        let carried = url
            .query_pairs()
            .find(|(k, _)| k == REQUEST_PARAM)
            .map(|(_, v)| v.into_owned())
            .expect("the request is in the query");
        let decoded: Value = serde_json::from_str(&carried).expect("JSON");
        assert_eq!(
            decoded["params"]["name"], "1개월 이용권",
            "Korean survives the encoding"
        );
        assert_eq!(decoded["sdkUrl"], request.sdk_url, "the SDK to load");
    }
}
