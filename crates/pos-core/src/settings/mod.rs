//! The app's settings: one typed struct kept under one key (`settings`) of the
//! tauri-plugin-store file `settings.json` in the data dir. Secrets are never here (see
//! [`crate::secrets`]).
//!
//! Every field has a safe default (`serde(default)`), so a missing or partial file still loads.
//! [`load_store_file`] never fails and never writes: a broken file gives defaults plus a Korean
//! problem message, and the file stays as it was for a person to look at.

mod load;
mod merchant_code;
mod relay;
mod save;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::account::ShopAccount;
use crate::contact::{is_valid_email, is_valid_tel};
use crate::error::ErrorCode;
use crate::ids::UidPrefix;

pub use load::{load_store_file, parse_store_value, SettingsLoad};
pub use merchant_code::MerchantCode;
pub use relay::{Connection, RelaySettings};
pub use save::save_store_file;

/// File name of the tauri-plugin-store file, relative to the data dir.
pub const STORE_FILE: &str = "settings.json";
/// The key the settings live under in that file.
pub const STORE_KEY: &str = "settings";

/// The longest store name accepted.
pub const STORE_NAME_MAX_CHARS: usize = 50;
/// Allowed sweep interval of the sync engine, in seconds.
pub const SWEEP_SECS_RANGE: std::ops::RangeInclusive<u32> = 30..=3600;

/// Sandbox (the embedded fake Iamport, the default) or live (real money).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Mode {
    /// The in-process sandbox; nothing is charged.
    #[default]
    Sandbox,
    /// The real Iamport API.
    Live,
}

impl Mode {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sandbox => "sandbox",
            Mode::Live => "live",
        }
    }
}

/// The PG or channel key to use per pay method (`None`: the merchant's default channel).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct PayMethodChannels {
    /// Card payments.
    pub card: Option<String>,
    /// Virtual accounts.
    pub vbank: Option<String>,
    /// Phone micro-payments.
    pub phone: Option<String>,
    /// Billing-key (subscription) payments.
    pub billing: Option<String>,
}

/// Buyer details filled in by default at checkout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct BuyerDefaults {
    /// Name.
    pub name: Option<String>,
    /// Phone number.
    pub tel: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// Cadence of the sync engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct PollSettings {
    /// Seconds between slow sweeps when nothing is open (30..=3600, default 300).
    pub sweep_secs: u32,
}

impl Default for PollSettings {
    fn default() -> Self {
        PollSettings { sweep_secs: 300 }
    }
}

/// All settings. `Settings::default()` is a fresh install: sandbox mode, nothing configured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Settings {
    /// Sandbox or live.
    pub mode: Mode,
    /// Iamport merchant code, required for live mode.
    pub merchant_code: Option<MerchantCode>,
    /// PG or channel per pay method.
    pub channels: PayMethodChannels,
    /// Shop name shown on receipts and the title bar.
    pub store_name: String,
    /// The shop's Panmusic account id (판뮤직 계정): every payment names it in `custom_data`.
    /// `None` until it is entered in 설정 or with `posctl account set`.
    pub account_id: Option<String>,
    /// 사업자등록번호, 10 digits (dashes allowed) with a right check digit. Cash receipts
    /// (지출증빙) are issued to it by default.
    pub business_number: Option<String>,
    /// Issue a cash receipt (지출증빙 to `business_number`) automatically when a virtual-account,
    /// bank-transfer or phone payment is verified paid. Off: the owner issues it from the order page.
    pub auto_cash_receipt: bool,
    /// Default buyer details.
    pub buyer: BuyerDefaults,
    /// Sync engine cadence.
    pub poll: PollSettings,
    /// In live mode: `Some` goes through this relay (중계 서버), `None` straight to Iamport
    /// (직접 연결). Ignored in sandbox mode. Both use the live order book.
    #[ts(optional)]
    pub relay: Option<RelaySettings>,
    /// A folder the owner picked (a USB stick, a synced folder) that gets a copy of every backup
    /// of the order book; `None`: backups stay in the data dir only.
    #[ts(optional)]
    pub backup_folder: Option<String>,
}

/// Settings that do not hold together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// The merchant code is not `imp` + 8 digits.
    #[error("가맹점 식별코드는 'imp'와 숫자 8자리입니다 (예: imp12345678). 받은 값: {value:?}. (merchant code must be imp + 8 digits)")]
    InvalidMerchantCode { value: String },
    /// Live mode needs a merchant code.
    #[error("실제 결제 모드에는 가맹점 식별코드가 필요합니다. (live mode needs a merchant code)")]
    LiveNeedsMerchantCode,
    /// The store name is too long.
    #[error("매장 이름은 {max}자 이하여야 합니다. (store name too long)")]
    StoreNameTooLong { max: usize },
    /// The business number is not 10 digits.
    #[error("사업자등록번호는 숫자 10자리입니다 (예: 123-45-67891). (business number must be 10 digits)")]
    InvalidBusinessNumber,
    /// The business number has 10 digits but its check digit is wrong (a typo).
    #[error("사업자등록번호의 마지막 자리(검증 번호)가 맞지 않습니다. 사업자등록증의 번호를 다시 확인해 입력하세요. (business number check digit is wrong)")]
    BusinessNumberChecksum,
    /// A channel value is empty, too long or has spaces.
    #[error("{method} 결제 채널 값이 올바르지 않습니다 (공백 없이 100자 이하). (invalid channel)")]
    InvalidChannel { method: &'static str },
    /// The sweep interval is out of range.
    #[error("동기화 주기는 {min}초에서 {max}초 사이여야 합니다 (받은 값: {value}). (sweep interval out of range)")]
    SweepOutOfRange { value: u32, min: u32, max: u32 },
    /// The relay URL is not an https URL (http only to this PC).
    #[error("중계 서버 주소가 올바르지 않습니다 (https://로 시작하는 주소, 예: https://relay.panmusic.kr). (invalid relay URL)")]
    InvalidRelayUrl,
    /// The relay uid prefix is not of the shape the relay issues.
    #[error("매장 구분 접두어는 영문 소문자나 숫자 1~5자 뒤에 '_'입니다 (예: ab12_). 받은 값: {value:?}. 중계 서버에서 받은 값을 그대로 입력하세요. (invalid uid prefix)")]
    InvalidUidPrefix { value: String },
    /// The Panmusic account id is empty, too long or has characters other than letters,
    /// digits, `-`, `_`, `.` and `@`.
    #[error("판뮤직 계정 ID가 올바르지 않습니다 (영문·숫자·-_.@ 1~64자). 받은 값: {value:?}. 판뮤직에서 받은 계정 ID를 그대로 입력하세요. (invalid account id)")]
    InvalidAccountId { value: String },
    /// A default buyer field is malformed.
    #[error("기본 구매자 {field}이(가) 올바르지 않습니다 (전화번호는 010-1234-5678, 02-123-4567 같은 국내 번호). (invalid default buyer {field})")]
    InvalidBuyer { field: &'static str },
}

impl SettingsError {
    /// The code the UI branches on.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Validation
    }
}

fn channel_ok(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| {
        !v.is_empty() && v.len() <= 100 && !v.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

impl Settings {
    /// Checks the settings hold together; the first problem found is returned.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.mode == Mode::Live && self.merchant_code.is_none() {
            return Err(SettingsError::LiveNeedsMerchantCode);
        }
        if let Some(relay) = &self.relay {
            relay.base_url()?;
            relay.prefix()?;
        }
        if self.store_name.chars().count() > STORE_NAME_MAX_CHARS {
            return Err(SettingsError::StoreNameTooLong {
                max: STORE_NAME_MAX_CHARS,
            });
        }
        if let Some(id) = &self.account_id {
            crate::account::validate_account_id(id)?;
        }
        if let Some(number) = &self.business_number {
            use crate::tax::BusinessNumberProblem;
            match crate::tax::business_number_digits(number) {
                Ok(_) => {}
                Err(BusinessNumberProblem::Shape) => {
                    return Err(SettingsError::InvalidBusinessNumber)
                }
                Err(BusinessNumberProblem::Checksum) => {
                    return Err(SettingsError::BusinessNumberChecksum)
                }
            }
        }
        let channels = [
            ("카드", &self.channels.card),
            ("가상계좌", &self.channels.vbank),
            ("휴대폰", &self.channels.phone),
            ("정기결제", &self.channels.billing),
        ];
        for (method, value) in channels {
            if !channel_ok(value) {
                return Err(SettingsError::InvalidChannel { method });
            }
        }
        if !SWEEP_SECS_RANGE.contains(&self.poll.sweep_secs) {
            return Err(SettingsError::SweepOutOfRange {
                value: self.poll.sweep_secs,
                min: *SWEEP_SECS_RANGE.start(),
                max: *SWEEP_SECS_RANGE.end(),
            });
        }
        if self
            .buyer
            .name
            .as_deref()
            .is_some_and(|n| n.chars().count() > 50)
        {
            return Err(SettingsError::InvalidBuyer { field: "이름" });
        }
        if self.buyer.tel.as_deref().is_some_and(|t| !is_valid_tel(t)) {
            return Err(SettingsError::InvalidBuyer {
                field: "전화번호"
            });
        }
        if self
            .buyer
            .email
            .as_deref()
            .is_some_and(|e| !is_valid_email(e))
        {
            return Err(SettingsError::InvalidBuyer { field: "이메일" });
        }
        Ok(())
    }

    /// Resets the field behind `error` to its safe default (used when loading a bad file).
    pub(crate) fn reset_offending(&mut self, error: &SettingsError) {
        let defaults = Settings::default();
        match error {
            SettingsError::InvalidMerchantCode { .. } => self.merchant_code = None,
            SettingsError::LiveNeedsMerchantCode => self.mode = Mode::Sandbox,
            SettingsError::StoreNameTooLong { .. } => {
                self.store_name = self.store_name.chars().take(STORE_NAME_MAX_CHARS).collect();
            }
            SettingsError::InvalidBusinessNumber | SettingsError::BusinessNumberChecksum => {
                self.business_number = None
            }
            SettingsError::InvalidAccountId { .. } => self.account_id = None,
            SettingsError::InvalidChannel { .. } => self.channels = defaults.channels,
            SettingsError::SweepOutOfRange { .. } => self.poll = defaults.poll,
            SettingsError::InvalidBuyer { .. } => self.buyer = defaults.buyer,
            // A broken relay must not fall back to a direct live connection unasked.
            SettingsError::InvalidRelayUrl | SettingsError::InvalidUidPrefix { .. } => {
                self.relay = None;
                self.mode = Mode::Sandbox;
            }
        }
    }

    /// The connection in effect: sandbox mode is 테스트; live mode is 중계 서버 when a relay is
    /// set, 직접 연결 otherwise.
    pub fn connection(&self) -> Connection {
        match (self.mode, &self.relay) {
            (Mode::Sandbox, _) => Connection::Sandbox,
            (Mode::Live, Some(_)) => Connection::Relay,
            (Mode::Live, None) => Connection::Direct,
        }
    }

    /// The shop's Panmusic account, once its id is set (the store name may be empty).
    pub fn account(&self) -> Option<ShopAccount> {
        let id = self.account_id.as_deref().map(str::trim)?;
        (!id.is_empty()).then(|| ShopAccount {
            account_id: id.to_string(),
            store: self.store_name.trim().to_string(),
        })
    }

    /// The uid prefix new ids get: the relay's in relay mode, none otherwise.
    pub fn uid_prefix(&self) -> Option<UidPrefix> {
        match self.connection() {
            Connection::Relay => self.relay.as_ref().and_then(|r| r.prefix().ok()),
            Connection::Direct | Connection::Sandbox => None,
        }
    }

    /// The value to store under [`STORE_KEY`].
    pub fn to_store_value(&self) -> serde_json::Value {
        // Serialising plain strings, options and integers cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests;
