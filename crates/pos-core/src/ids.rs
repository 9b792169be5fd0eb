//! Minting of `merchant_uid` and `customer_uid`.
//!
//! A `merchant_uid` is a kind prefix plus a ULID (26 Crockford base-32 characters, time first), so
//! ids of one kind sort by creation time as plain strings, and the longest (`billing_` + 26 = 34
//! characters) stays under Iamport's 40-character limit. Ids are minted from one monotonic
//! generator per process, so two ids minted in the same millisecond still sort in minting order.
//! A retry reuses the id it was given; nothing here re-mints.
//!
//! In relay mode every id also starts with the store's [`UidPrefix`] (issued by panmusic-relay,
//! e.g. `ab12_`), which the relay checks on every request: `ab12_billing_` + 26 = 39 characters.
//! A prefix is at most [`UID_PREFIX_MAX_LEN`] characters so the longest id still fits 40.

use std::sync::{Mutex, PoisonError};

use ulid::{Generator, Ulid};

use crate::store::OrderKind;

/// Iamport's limit on `merchant_uid` length.
pub const MERCHANT_UID_MAX_LEN: usize = 40;

/// Prefix of billing-key handles.
pub const CUSTOMER_UID_PREFIX: &str = "cust_";

/// The longest kind prefix (`billing_`) plus a ULID.
const LONGEST_UNPREFIXED: usize = "billing_".len() + 26;

/// The longest store prefix that keeps every minted id within [`MERCHANT_UID_MAX_LEN`].
pub const UID_PREFIX_MAX_LEN: usize = MERCHANT_UID_MAX_LEN - LONGEST_UNPREFIXED;

/// A relay store's uid prefix: 1 to 5 lowercase letters or digits, then `_` (the relay issues 4
/// characters and `_`). Every `merchant_uid` and `customer_uid` minted in relay mode starts with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UidPrefix(String);

/// A uid prefix that is not of the relay's shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("매장 구분 접두어는 영문 소문자나 숫자 1~{max}자 뒤에 '_'입니다 (예: ab12_). 받은 값: {value:?}. (uid prefix must be like ab12_)", max = UID_PREFIX_MAX_LEN - 1)]
pub struct InvalidUidPrefix {
    /// The value given.
    pub value: String,
}

impl UidPrefix {
    /// Checks the shape (trimmed): `[a-z0-9]{1,5}_`.
    pub fn parse(value: &str) -> Result<UidPrefix, InvalidUidPrefix> {
        let v = value.trim();
        let body = v.strip_suffix('_').unwrap_or("");
        let ok = v.len() <= UID_PREFIX_MAX_LEN
            && !body.is_empty()
            && body
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if ok {
            Ok(UidPrefix(v.to_owned()))
        } else {
            Err(InvalidUidPrefix {
                value: value.to_owned(),
            })
        }
    }

    /// The prefix text, e.g. `ab12_`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

static GENERATOR: Mutex<Option<Generator>> = Mutex::new(None);

fn next_ulid() -> Ulid {
    let mut guard = GENERATOR.lock().unwrap_or_else(PoisonError::into_inner);
    let generator = guard.get_or_insert_with(Generator::new);
    // The monotonic generator only fails when 2^80 ids were minted in one millisecond; a fresh
    // random id is still unique then, it just does not sort after the previous one.
    generator.generate().unwrap_or_else(|_| Ulid::generate())
}

/// A fresh `merchant_uid` for an order of `kind`, e.g. `order_01JDXS7N6V3Q8Z4C2M5B9R1T0W`.
pub fn mint_merchant_uid(kind: OrderKind) -> String {
    format!("{}{}", kind.merchant_uid_prefix(), next_ulid())
}

/// A fresh `customer_uid` (billing-key handle), e.g. `cust_01JDXS7N6V3Q8Z4C2M5B9R1T0W`.
pub fn mint_customer_uid() -> String {
    format!("{CUSTOMER_UID_PREFIX}{}", next_ulid())
}

/// [`mint_merchant_uid`] behind the store's prefix when there is one (relay mode).
pub fn mint_merchant_uid_for(store_prefix: Option<&UidPrefix>, kind: OrderKind) -> String {
    let bare = mint_merchant_uid(kind);
    match store_prefix {
        Some(p) => format!("{}{bare}", p.as_str()),
        None => bare,
    }
}

/// [`mint_customer_uid`] behind the store's prefix when there is one (relay mode).
pub fn mint_customer_uid_for(store_prefix: Option<&UidPrefix>) -> String {
    let bare = mint_customer_uid();
    match store_prefix {
        Some(p) => format!("{}{bare}", p.as_str()),
        None => bare,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds() -> impl Strategy<Value = OrderKind> {
        prop_oneof![
            Just(OrderKind::OneTime),
            Just(OrderKind::Billing),
            Just(OrderKind::Renewal)
        ]
    }

    proptest! {
        #[test]
        fn merchant_uids_are_unique_sorted_prefixed_and_short(kind in kinds(), n in 1usize..300) {
            let ids: Vec<String> = (0..n).map(|_| mint_merchant_uid(kind)).collect();
            for id in &ids {
                prop_assert!(id.len() <= MERCHANT_UID_MAX_LEN, "{id} is longer than 40 characters");
                prop_assert!(id.starts_with(kind.merchant_uid_prefix()), "{id} lacks its kind prefix");
                prop_assert!(id.is_ascii(), "{id} is not plain ASCII");
            }
            for pair in ids.windows(2) {
                prop_assert!(pair[0] < pair[1], "ids must sort in minting order: {} then {}", pair[0], pair[1]);
            }
        }

        #[test]
        fn customer_uids_are_unique_and_prefixed(n in 1usize..300) {
            let ids: Vec<String> = (0..n).map(|_| mint_customer_uid()).collect();
            let unique: std::collections::HashSet<&String> = ids.iter().collect();
            prop_assert_eq!(unique.len(), ids.len(), "every customer_uid must be unique");
            prop_assert!(ids.iter().all(|id| id.starts_with(CUSTOMER_UID_PREFIX) && id.len() <= 40),
                "customer_uids carry the cust_ prefix and fit 40 characters");
        }
    }

    #[test]
    fn prefixed_ids_carry_the_store_prefix_and_fit_40_characters() {
        let prefix = UidPrefix::parse("zz9zz_").expect("the longest prefix is accepted");
        for kind in [OrderKind::OneTime, OrderKind::Billing, OrderKind::Renewal] {
            let id = mint_merchant_uid_for(Some(&prefix), kind);
            assert!(
                id.starts_with("zz9zz_"),
                "{id} must start with the store prefix"
            );
            assert!(
                id.len() <= MERCHANT_UID_MAX_LEN,
                "{id} must fit 40 characters"
            );
        }
        let cust = mint_customer_uid_for(Some(&prefix));
        assert!(
            cust.starts_with("zz9zz_cust_"),
            "{cust} must carry the prefix"
        );
    }

    #[test]
    fn prefixes_of_the_wrong_shape_are_refused() {
        for bad in [
            "", "_", "ab12", "AB12_", "ab-1_", "abcdef_", "ab 1_", "가나_",
        ] {
            assert!(UidPrefix::parse(bad).is_err(), "{bad:?} must be refused");
        }
        for good in ["ab12_", "a_", " k3m9_ "] {
            assert!(UidPrefix::parse(good).is_ok(), "{good:?} must be accepted");
        }
    }

    #[test]
    fn ids_minted_on_many_threads_never_collide() {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    (0..2000)
                        .map(|_| mint_merchant_uid(OrderKind::OneTime))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all = std::collections::HashSet::new();
        for handle in handles {
            let ids = handle.join().unwrap_or_default();
            for id in ids {
                assert!(
                    all.insert(id),
                    "a merchant_uid was minted twice across threads"
                );
            }
        }
        assert_eq!(all.len(), 8000, "every thread minted its 2000 ids");
    }
}
