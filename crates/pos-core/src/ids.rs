//! Minting of `merchant_uid` and `customer_uid`.
//!
//! A `merchant_uid` is a kind prefix plus a ULID (26 Crockford base-32 characters, time first), so
//! ids of one kind sort by creation time as plain strings, and the longest (`billing_` + 26 = 34
//! characters) stays under Iamport's 40-character limit. Ids are minted from one monotonic
//! generator per process, so two ids minted in the same millisecond still sort in minting order.
//! A retry reuses the id it was given; nothing here re-mints.

use std::sync::{Mutex, PoisonError};

use ulid::{Generator, Ulid};

use crate::store::OrderKind;

/// Iamport's limit on `merchant_uid` length.
pub const MERCHANT_UID_MAX_LEN: usize = 40;

/// Prefix of billing-key handles.
pub const CUSTOMER_UID_PREFIX: &str = "cust_";

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
