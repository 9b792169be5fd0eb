//! What the payment window may load and where it may go, decided without a webview.
//!
//! - Its content security policy is set per window (the app-wide one in `tauri.conf.json` allows
//!   scripts from the app alone): live mode allows Iamport's CDN and the PG pages and nothing on
//!   loopback; sandbox mode allows the in-process sandbox's own origin and nothing else.
//! - A navigation to `m_redirect_url` is the window's result: cancelled and verified in Rust.
//! - It may show the payment page of the app and web pages (PG steps), never another app page.

use pos_core::checkout::{is_payment_redirect, parse_redirect, CheckoutEnv, RedirectParams};
use pos_core::settings::Mode;
use url::Url;

use super::request::PAY_PAGE;

/// Iamport's CDN, which serves the live SDK.
const LIVE_SDK_ORIGIN: &str = "https://cdn.iamport.kr";
/// Iamport's own pages and APIs the live SDK talks to.
const IAMPORT: &str = "https://*.iamport.kr";
/// The PG pages the live SDK shows in frames.
const PG_FRAMES: &[&str] = &[
    "https://*.iamport.kr",
    "https://*.iamport.co",
    "https://*.portone.io",
    "https://*.inicis.com",
    "https://*.kcp.co.kr",
    "https://*.tosspayments.com",
    "https://*.kakaopay.com",
    "https://*.kakao.com",
    "https://*.danal.co.kr",
    "https://*.nicepay.co.kr",
    "https://*.payco.com",
    "https://*.naver.com",
];

/// The payment page's policy when no payment window is recorded: nothing runs, nothing loads.
pub const RUN_NOTHING: &str = "default-src 'none'";

/// Whether `path` (of an app URL) is the payment page.
pub fn is_pay_page_path(path: &str) -> bool {
    path.strip_prefix('/') == Some(PAY_PAGE)
}

/// Where the payment window's SDK comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayOrigins {
    /// Iamport's CDN and the PG pages; nothing on loopback.
    Live,
    /// The in-process sandbox, by its exact origin (`http://127.0.0.1:PORT`).
    Sandbox {
        /// Scheme, host and port of the sandbox.
        origin: String,
    },
}

impl PayOrigins {
    /// The origins for the mode in effect: the sandbox's comes from the API root it listens on.
    pub fn for_env(env: &CheckoutEnv) -> PayOrigins {
        match env.settings.mode {
            Mode::Live => PayOrigins::Live,
            Mode::Sandbox => PayOrigins::Sandbox {
                origin: Url::parse(&env.api_base)
                    .map(|u| u.origin().ascii_serialization())
                    .unwrap_or_default(),
            },
        }
    }

    /// The content security policy of the payment page.
    pub fn csp(&self) -> String {
        let (script, connect, img, frame) = match self {
            PayOrigins::Live => (
                LIVE_SDK_ORIGIN.to_owned(),
                IAMPORT.to_owned(),
                IAMPORT.to_owned(),
                PG_FRAMES.join(" "),
            ),
            PayOrigins::Sandbox { origin } => (
                origin.clone(),
                origin.clone(),
                origin.clone(),
                origin.clone(),
            ),
        };
        [
            "default-src 'self'".to_owned(),
            format!("script-src 'self' {script}"),
            // The SDKs style their windows with style attributes.
            "style-src 'self' 'unsafe-inline'".to_owned(),
            format!("img-src 'self' data: {img}"),
            "font-src 'self' data:".to_owned(),
            format!("connect-src 'self' {connect}"),
            format!("frame-src {frame}"),
            "object-src 'none'".to_owned(),
            "base-uri 'none'".to_owned(),
        ]
        .join("; ")
    }

    fn allows_plain_http(&self, url: &Url) -> bool {
        match self {
            PayOrigins::Live => false,
            PayOrigins::Sandbox { origin } => url.origin().ascii_serialization() == *origin,
        }
    }
}

/// What to do with a navigation of the payment window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayNavigation {
    /// Load it: the payment page, a PG's web page, a blank frame.
    Allow,
    /// Refuse it: another page of the app, plain http outside the sandbox, other schemes.
    Deny,
    /// The window's result: cancel and verify in Rust. `None` when it named no order.
    Return(Option<RedirectParams>),
}

/// Whether `url` is served by the app itself (`tauri://localhost`, `http(s)://tauri.localhost`).
pub fn is_app_url(url: &Url) -> bool {
    url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost")
}

/// Decides a navigation of the payment window. Pure, so it is tested without a webview.
pub fn classify(url: &Url, origins: &PayOrigins) -> PayNavigation {
    if is_payment_redirect(url.as_str()) {
        return PayNavigation::Return(parse_redirect(url.as_str()));
    }
    if is_app_url(url) {
        return if is_pay_page_path(url.path()) {
            PayNavigation::Allow
        } else {
            PayNavigation::Deny
        };
    }
    match url.scheme() {
        "https" | "about" | "data" | "blob" => PayNavigation::Allow,
        "http" if origins.allows_plain_http(url) => PayNavigation::Allow,
        _ => PayNavigation::Deny,
    }
}

/// Whether a popup the payment page asks for may open (some PGs show a step in one). It opens
/// as a plain browser window with no access to the app; only web pages over https qualify.
pub fn popup_allowed(url: &Url) -> bool {
    url.scheme() == "https" && !is_payment_redirect(url.as_str())
}

#[cfg(test)]
mod tests {
    use pos_core::checkout::M_REDIRECT_URL;

    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL parses")
    }

    fn sandbox() -> PayOrigins {
        PayOrigins::Sandbox {
            origin: "http://127.0.0.1:43123".into(),
        }
    }

    fn directive<'a>(csp: &'a str, name: &str) -> &'a str {
        csp.split("; ")
            .find(|d| d.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} is in {csp}"))
    }

    #[test]
    fn the_live_policy_allows_nothing_from_loopback() {
        let csp = PayOrigins::Live.csp();
        for loopback in ["127.0.0.1", "localhost", "[::1]", "http:"] {
            assert!(!csp.contains(loopback), "{loopback} is not in {csp}");
        }
        assert_eq!(
            directive(&csp, "script-src"),
            "script-src 'self' https://cdn.iamport.kr",
            "scripts: the app's page and Iamport's CDN"
        );
    }

    #[test]
    fn the_sandbox_policy_names_the_sandbox_alone() {
        let csp = sandbox().csp();
        assert_eq!(
            directive(&csp, "script-src"),
            "script-src 'self' http://127.0.0.1:43123",
            "scripts: the app's page and the sandbox"
        );
        assert!(!csp.contains("iamport.kr"), "no CDN in sandbox mode: {csp}");
        assert!(!csp.contains(":*"), "no wildcard port: {csp}");
    }

    #[test]
    fn the_sandbox_origin_comes_from_its_api_root() {
        let env = CheckoutEnv {
            settings: pos_core::settings::Settings::default(),
            api_base: "http://127.0.0.1:43123/".into(),
        };
        let mut env = env;
        env.settings.mode = Mode::Sandbox;
        assert_eq!(PayOrigins::for_env(&env), sandbox(), "scheme, host, port");
        env.settings.mode = Mode::Live;
        assert_eq!(
            PayOrigins::for_env(&env),
            PayOrigins::Live,
            "live ignores it"
        );
    }

    #[test]
    fn the_redirect_is_the_result() {
        let ret = url(&format!(
            "{M_REDIRECT_URL}?imp_uid=imp_1&merchant_uid=order_1"
        ));
        match classify(&ret, &PayOrigins::Live) {
            PayNavigation::Return(Some(params)) => {
                assert_eq!(params.merchant_uid, "order_1", "the order");
                assert_eq!(params.imp_uid.as_deref(), Some("imp_1"), "the payment");
            }
            other => panic!("the redirect is the result, got {other:?}"),
        }
    }

    #[test]
    fn only_the_payment_page_of_the_app_loads() {
        let live = PayOrigins::Live;
        let page = url("tauri://localhost/pay.html?request=%7B%7D");
        assert_eq!(classify(&page, &live), PayNavigation::Allow, "{page}");
        let windows = url("http://tauri.localhost/pay.html");
        assert_eq!(classify(&windows, &live), PayNavigation::Allow, "{windows}");
        for other in ["tauri://localhost/index.html", "tauri://localhost/"] {
            assert_eq!(
                classify(&url(other), &live),
                PayNavigation::Deny,
                "{other}: the app's own screens never load in the payment window"
            );
        }
    }

    #[test]
    fn plain_http_loads_only_from_the_sandbox() {
        let page = url("http://127.0.0.1:43123/sdk/x");
        assert_eq!(classify(&page, &sandbox()), PayNavigation::Allow, "sandbox");
        assert_eq!(
            classify(&page, &PayOrigins::Live),
            PayNavigation::Deny,
            "live"
        );
        let other = url("http://127.0.0.1:9999/");
        assert_eq!(
            classify(&other, &sandbox()),
            PayNavigation::Deny,
            "another port"
        );
        let pg = url("https://stdpay.inicis.com/pay");
        assert_eq!(
            classify(&pg, &PayOrigins::Live),
            PayNavigation::Allow,
            "a PG page"
        );
        let file = url("file:///etc/passwd");
        assert_eq!(classify(&file, &sandbox()), PayNavigation::Deny, "files");
    }

    #[test]
    fn popups_open_only_for_web_pages_over_https() {
        assert!(
            popup_allowed(&url("https://mobile.inicis.com/x")),
            "a PG step"
        );
        for refused in [
            "http://example.com/",
            "tauri://localhost/index.html",
            "file:///tmp/x",
            M_REDIRECT_URL,
        ] {
            assert!(!popup_allowed(&url(refused)), "{refused} is refused");
        }
    }
}
