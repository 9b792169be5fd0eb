//! The refund bank of a virtual-account refund: a standard bank code (금융결제원 표준코드) chosen
//! from a list, never free text. The list comes from Iamport's `GET /banks`, is kept in the
//! book (so it is there offline), and a built-in copy stands in until Iamport has answered once.
//! The account number is checked by shape and the holder is required.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::CheckoutError;
use super::refund::RefundAccount;
use crate::store::Store;

/// `sync_state` key of the last bank list Iamport returned (JSON).
const BANKS_KEY: &str = "refund_banks";

/// A bank the owner can pick for a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Bank {
    /// Standard code, three digits (sent as `refund_bank`).
    pub code: String,
    /// Name shown in the picker.
    pub name: String,
}

/// Where a bank list came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BankSource {
    /// Iamport answered just now.
    Iamport,
    /// Iamport's last answer, kept in the book (Iamport unreachable now).
    Cached,
    /// The copy built into the app (Iamport has never answered).
    BuiltIn,
}

/// The banks to pick from, and where the list came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BankList {
    /// Banks in Iamport's order.
    pub banks: Vec<Bank>,
    /// Where they came from.
    pub source: BankSource,
}

/// The standard codes built into the app (the codes Iamport's `GET /banks` lists).
pub const BUILT_IN_BANKS: &[(&str, &str)] = &[
    ("002", "KDB산업은행"),
    ("003", "IBK기업은행"),
    ("004", "KB국민은행"),
    ("007", "수협은행"),
    ("011", "NH농협은행"),
    ("012", "지역농축협"),
    ("020", "우리은행"),
    ("023", "SC제일은행"),
    ("027", "한국씨티은행"),
    ("031", "iM뱅크(대구은행)"),
    ("032", "부산은행"),
    ("034", "광주은행"),
    ("035", "제주은행"),
    ("037", "전북은행"),
    ("039", "경남은행"),
    ("045", "새마을금고"),
    ("048", "신협"),
    ("050", "저축은행"),
    ("064", "산림조합"),
    ("071", "우체국"),
    ("081", "하나은행"),
    ("088", "신한은행"),
    ("089", "케이뱅크"),
    ("090", "카카오뱅크"),
    ("092", "토스뱅크"),
];

fn built_in() -> Vec<Bank> {
    BUILT_IN_BANKS
        .iter()
        .map(|(code, name)| Bank {
            code: (*code).to_string(),
            name: (*name).to_string(),
        })
        .collect()
}

/// A standard bank code: exactly three ASCII digits.
fn is_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

fn cached(store: &Store) -> Option<Vec<Bank>> {
    let text = store.sync_value(BANKS_KEY).ok().flatten()?;
    serde_json::from_str::<Vec<Bank>>(&text)
        .ok()
        .filter(|banks| !banks.is_empty())
}

/// The banks to pick from: Iamport's list (kept in the book for next time), else the kept
/// list, else the built-in copy. Never fails: a refund account can always be entered.
pub async fn refund_banks(store: &Store, client: Option<&iamport::Client>) -> BankList {
    if let Some(client) = client {
        match client.banks().await {
            Ok(list) => {
                let banks: Vec<Bank> = list
                    .into_iter()
                    .filter(|b| is_code(&b.code) && !b.name.trim().is_empty())
                    .map(|b| Bank {
                        code: b.code,
                        name: b.name.trim().chars().take(40).collect(),
                    })
                    .collect();
                if !banks.is_empty() {
                    if let Ok(text) = serde_json::to_string(&banks) {
                        if let Err(error) = store.set_sync_value(BANKS_KEY, &text) {
                            tracing::warn!(%error, "the bank list was not kept");
                        }
                    }
                    return BankList {
                        banks,
                        source: BankSource::Iamport,
                    };
                }
            }
            Err(error) => tracing::info!(%error, "bank list from Iamport unavailable"),
        }
    }
    match cached(store) {
        Some(banks) => BankList {
            banks,
            source: BankSource::Cached,
        },
        None => BankList {
            banks: built_in(),
            source: BankSource::BuiltIn,
        },
    }
}

/// The bank with `code` in the kept list or the built-in copy.
pub fn known_bank(store: &Store, code: &str) -> Option<Bank> {
    cached(store)
        .unwrap_or_default()
        .into_iter()
        .chain(built_in())
        .find(|b| b.code == code)
}

/// A refund account checked and trimmed: the bank a known standard code (never a name typed
/// in), the number 10–16 digits with single dashes between groups, the holder 1–30 characters.
pub fn clean_account(
    store: &Store,
    account: &RefundAccount,
) -> Result<RefundAccount, CheckoutError> {
    let bank = account.bank.trim();
    let number = account.number.trim();
    let holder = account.holder.trim();
    if !is_code(bank) || known_bank(store, bank).is_none() {
        return Err(CheckoutError::InvalidRefundAccount {
            field: "은행",
            reason: "목록에서 은행을 고르세요 (은행 표준코드 3자리)",
        });
    }
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let shaped = number.chars().all(|c| c.is_ascii_digit() || c == '-')
        && !number.starts_with('-')
        && !number.ends_with('-')
        && !number.contains("--");
    if !shaped || !(10..=16).contains(&digits) {
        return Err(CheckoutError::InvalidRefundAccount {
            field: "계좌번호",
            reason: "숫자 10~16자리여야 합니다 (숫자 사이 대시 허용)",
        });
    }
    let holder_ok = (1..=30).contains(&holder.chars().count())
        && !holder.chars().any(char::is_control)
        && !holder.chars().all(|c| c.is_ascii_digit() || c == '-');
    if !holder_ok {
        return Err(CheckoutError::InvalidRefundAccount {
            field: "예금주",
            reason: "이름 1~30자여야 합니다",
        });
    }
    Ok(RefundAccount {
        bank: bank.to_string(),
        number: number.to_string(),
        holder: holder.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(bank: &str, number: &str, holder: &str) -> RefundAccount {
        RefundAccount {
            bank: bank.into(),
            number: number.into(),
            holder: holder.into(),
        }
    }

    #[test]
    fn a_refund_account_is_checked_by_shape_and_the_bank_must_be_a_listed_code() {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("store: {e}"));
        let cases = [
            (account("004", "123-4567-8901", "김사장"), None),
            (account(" 088 ", "110123456789", " 홍길동 "), None),
            (account("국민은행", "123-4567-8901", "김사장"), Some("은행")),
            (account("KB", "123-4567-8901", "김사장"), Some("은행")),
            (account("999", "123-4567-8901", "김사장"), Some("은행")),
            (account("88", "123-4567-8901", "김사장"), Some("은행")),
            (account("004", "123-456", "김사장"), Some("계좌번호")),
            (
                account("004", "12345678901234567", "김사장"),
                Some("계좌번호"),
            ),
            (account("004", "-1234567890", "김사장"), Some("계좌번호")),
            (account("004", "123--4567890", "김사장"), Some("계좌번호")),
            (account("004", "1234 5678 90", "김사장"), Some("계좌번호")),
            (account("004", "1234567890", ""), Some("예금주")),
            (account("004", "1234567890", "1234"), Some("예금주")),
            (account("004", "1234567890", "김\u{0007}"), Some("예금주")),
        ];
        for (given, refused) in cases {
            let got = clean_account(&store, &given);
            match (refused, &got) {
                (None, Ok(clean)) => assert_eq!(
                    (clean.bank.as_str(), clean.holder.as_str()),
                    (given.bank.trim(), given.holder.trim()),
                    "{given:?} is accepted, trimmed"
                ),
                (Some(field), Err(CheckoutError::InvalidRefundAccount { field: f, .. })) => {
                    assert_eq!(*f, field, "{given:?} is refused for its {field}");
                }
                _ => panic!("{given:?}: expected refusal of {refused:?}, got {got:?}"),
            }
        }
    }

    #[tokio::test]
    async fn offline_the_built_in_list_is_offered_then_iamports_last_list_is_kept() {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("store: {e}"));
        let list = refund_banks(&store, None).await;
        assert_eq!(list.source, BankSource::BuiltIn, "nothing learned yet");
        assert!(
            list.banks.iter().any(|b| b.code == "004"),
            "the built-in copy has the standard codes"
        );
        let kept = vec![Bank {
            code: "004".into(),
            name: "국민".into(),
        }];
        store
            .set_sync_value(BANKS_KEY, &serde_json::to_string(&kept).unwrap_or_default())
            .unwrap_or_else(|e| panic!("keep: {e}"));
        let list = refund_banks(&store, None).await;
        assert_eq!(
            (list.source, list.banks),
            (BankSource::Cached, kept),
            "Iamport's last list is offered while it cannot be asked"
        );
    }
}
