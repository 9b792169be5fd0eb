//! The connection choice (직접 연결 / 중계 서버 / 테스트) and the relay's settings.
//!
//! 직접 연결 and 중계 서버 are both live mode and share the live order book: the same orders,
//! jobs, subscriptions and change-feed cursor. Ids minted through the relay carry the store's
//! prefix; ids minted directly do not, and the relay answers "not found" for them. Switching
//! is therefore refused while the live book holds work that the new connection could not reach
//! (see [`crate::connection::check_switch`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SettingsError;
use crate::ids::UidPrefix;

/// How the app reaches Iamport, as the 설정 screen offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Connection {
    /// 직접 연결: live, the merchant's own REST key on this PC, straight to Iamport.
    Direct,
    /// 중계 서버: live, through panmusic-relay with this store's relay key and uid prefix.
    Relay,
    /// 테스트: the in-process sandbox.
    Sandbox,
}

/// The panmusic-relay this store goes through (중계 서버). The relay's store key and secret are
/// kept in the secrets store ([`crate::secrets::CredentialStore::relay`]), never here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct RelaySettings {
    /// The relay's base URL, e.g. `https://relay.panmusic.kr`.
    pub url: String,
    /// The store's uid prefix the relay issued with its key (e.g. `ab12_`).
    pub uid_prefix: String,
}

impl RelaySettings {
    /// The uid prefix, checked.
    pub fn prefix(&self) -> Result<UidPrefix, SettingsError> {
        UidPrefix::parse(&self.uid_prefix)
            .map_err(|e| SettingsError::InvalidUidPrefix { value: e.value })
    }

    /// The base URL, checked: `https://`, or `http://` to a loopback host (a relay on this PC).
    pub fn base_url(&self) -> Result<String, SettingsError> {
        let url = self.url.trim().trim_end_matches('/');
        let parsed = url::Url::parse(url).ok();
        let ok = parsed.as_ref().is_some_and(|u| {
            let loopback = matches!(
                u.host_str(),
                Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
            );
            u.username().is_empty()
                && u.password().is_none()
                && u.query().is_none()
                && u.host_str().is_some()
                && (u.scheme() == "https" || (u.scheme() == "http" && loopback))
        });
        if ok {
            Ok(url.to_owned())
        } else {
            Err(SettingsError::InvalidRelayUrl)
        }
    }
}
