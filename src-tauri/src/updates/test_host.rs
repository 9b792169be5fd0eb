//! Where a test points the updater instead of Panmusic's update host.
//!
//! The real endpoint and public key are in `tauri.conf.json` (`plugins.updater`). The e2e suite
//! serves its own signed update from loopback, so it needs another endpoint and its own test key.
//! That override must never become a way to push a foreign update to a shop, so it is honoured
//! only when all of these hold:
//! - the binary is a debug build: what a shop installs is a release build made by `tauri build`,
//!   where [`from_env`] always answers `None` (and the plugin refuses plain-http endpoints too);
//! - it was in the process environment at start-up ([`ENDPOINT_VAR`] and [`PUBKEY_VAR`]), never
//!   from the webview, a command or the settings file, so a compromised page cannot set it;
//! - the book in effect is the sandbox's at the moment of the check ([`TestHost::applies`]): once
//!   a shop takes real payments, only the real host and key are used.

use pos_core::settings::Mode;
use url::Url;

/// The update manifest a test serves (`http://127.0.0.1:PORT/latest.json`).
pub const ENDPOINT_VAR: &str = "PANMUSIC_TEST_UPDATE_ENDPOINT";
/// The test key pair's public key (base64 of the minisign public key, as in `tauri.conf.json`).
pub const PUBKEY_VAR: &str = "PANMUSIC_TEST_UPDATE_PUBKEY";

/// A test's update host: its manifest and the key its bundles are signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestHost {
    /// The manifest's address.
    pub endpoint: Url,
    /// The public key that replaces the real one.
    pub pubkey: String,
}

impl TestHost {
    /// Whether the override applies while `mode`'s book is in effect (`None`: no book open).
    pub fn applies(&self, mode: Option<Mode>) -> bool {
        mode == Some(Mode::Sandbox)
    }
}

/// The test host named by the environment, in a debug build only.
pub fn from_env() -> Option<TestHost> {
    from_values(
        cfg!(debug_assertions),
        std::env::var(ENDPOINT_VAR).ok(),
        std::env::var(PUBKEY_VAR).ok(),
    )
}

/// The test host for these values: both set and the endpoint a URL, in a debug build.
pub fn from_values(
    debug_build: bool,
    endpoint: Option<String>,
    pubkey: Option<String>,
) -> Option<TestHost> {
    if !debug_build {
        return None;
    }
    let endpoint = Url::parse(endpoint?.trim()).ok()?;
    let pubkey = pubkey?.trim().to_owned();
    if pubkey.is_empty() {
        return None;
    }
    tracing::warn!(%endpoint, "updates come from a test host (debug build, sandbox mode only)");
    Some(TestHost { endpoint, pubkey })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(debug: bool) -> Option<TestHost> {
        from_values(
            debug,
            Some("http://127.0.0.1:8123/latest.json".into()),
            Some("dW50cnVzdGVk".into()),
        )
    }

    #[test]
    fn a_release_build_ignores_the_test_host() {
        assert_eq!(
            values(false),
            None,
            "a shop's build never takes an override"
        );
    }

    #[test]
    fn a_debug_build_takes_a_complete_test_host() {
        let host = values(true).expect("both values set in a debug build");
        assert_eq!(host.endpoint.as_str(), "http://127.0.0.1:8123/latest.json");
        assert_eq!(
            host.pubkey, "dW50cnVzdGVk",
            "the test key replaces the real one"
        );
    }

    #[test]
    fn half_an_override_is_no_override() {
        assert_eq!(
            from_values(true, Some("http://127.0.0.1:1/x".into()), None),
            None,
            "an endpoint without its key would be checked against the real key: refuse both"
        );
        assert_eq!(
            from_values(true, None, Some("key".into())),
            None,
            "a key without an endpoint"
        );
        assert_eq!(
            from_values(true, Some("not a url".into()), Some("key".into())),
            None,
            "an endpoint that is not a URL"
        );
    }

    #[test]
    fn the_test_host_applies_only_while_the_sandbox_book_is_in_effect() {
        let host = values(true).expect("set");
        assert!(host.applies(Some(Mode::Sandbox)), "sandbox mode");
        assert!(
            !host.applies(Some(Mode::Live)),
            "a live shop uses the real host"
        );
        assert!(!host.applies(None), "no book open: the real host");
    }
}
