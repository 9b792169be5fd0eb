//! The `minted_keys` table: every billing-key handle (`customer_uid`) the app minted, for which
//! subscription and which window. Card change and key deletion accept only keys the app itself
//! minted (or that its subscriptions hold), never a handle the webview names that merely
//! exists at Iamport.

use rusqlite::{params, OptionalExtension};

use super::codec::{now, text_enum, to_ms};
use super::error::{SqlContext, StoreError};
use super::Store;

/// Why a billing key was minted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    /// The billing window that starts a subscription.
    Issuance,
    /// A subscription's card-change window.
    CardChange,
}

text_enum!(KeyPurpose, "minted_keys.purpose", {
    Issuance => "issuance",
    CardChange => "card_change",
});

/// A minted key as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintedKey {
    /// The billing-key handle.
    pub customer_uid: String,
    /// The subscription it was minted for.
    pub subscription_id: String,
    /// Which window it was minted for.
    pub purpose: KeyPurpose,
}

impl Store {
    /// Records that the app minted `customer_uid` for `subscription_id`'s `purpose` window.
    pub fn record_minted_key(
        &self,
        customer_uid: &str,
        subscription_id: &str,
        purpose: KeyPurpose,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.prepare_cached(
            "INSERT INTO minted_keys (customer_uid, subscription_id, purpose, created_at) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .ctx("record a minted billing key")?
        .execute(params![
            customer_uid,
            subscription_id,
            purpose,
            to_ms(now())
        ])
        .ctx("record a minted billing key")?;
        Ok(())
    }

    /// The record of a key the app minted, `None` for a key it never minted.
    pub fn minted_key(&self, customer_uid: &str) -> Result<Option<MintedKey>, StoreError> {
        let conn = self.lock();
        let key = conn
            .prepare_cached(
                "SELECT customer_uid, subscription_id, purpose FROM minted_keys \
                 WHERE customer_uid = ?1",
            )
            .ctx("read a minted billing key")?
            .query_row([customer_uid], |row| {
                Ok(MintedKey {
                    customer_uid: row.get(0)?,
                    subscription_id: row.get(1)?,
                    purpose: row.get(2)?,
                })
            })
            .optional()
            .ctx("read a minted billing key")?;
        Ok(key)
    }

    /// Whether `customer_uid` is one of ours: minted by the app, or held now or before by one
    /// of its subscriptions or their charges.
    pub fn is_our_billing_key(&self, customer_uid: &str) -> Result<bool, StoreError> {
        let conn = self.lock();
        let ours: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM minted_keys WHERE customer_uid = ?1) \
                 OR EXISTS (SELECT 1 FROM subscriptions WHERE customer_uid = ?1) \
                 OR EXISTS (SELECT 1 FROM subscription_charges WHERE customer_uid = ?1)",
            )
            .ctx("check a billing key is ours")?
            .query_row([customer_uid], |row| row.get(0))
            .ctx("check a billing key is ours")?;
        Ok(ours)
    }
}
