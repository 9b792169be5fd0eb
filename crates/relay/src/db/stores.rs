//! `stores`: the shops, their credentials, uid prefix and policy.
//!
//! A store secret is 256 random bits shown once and stored as its SHA-256. A slow password hash
//! (Argon2) protects secrets people choose, which can be guessed; nobody can guess 2^256, so a
//! fast hash loses nothing, and every `getToken` stays a microsecond of CPU instead of tens of
//! milliseconds (thousands of shops refresh tokens every half hour).

use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio_postgres::GenericClient;

use crate::error::{RelayError, Result};
use crate::policy::RefundPolicy;

/// A store as the relay enforces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Store {
    /// Row id.
    pub id: i64,
    /// Operator-chosen name.
    pub name: String,
    /// The prefix every merchant_uid and customer_uid of the store carries.
    pub prefix: String,
    /// Sustained request rate allowed per relay instance.
    pub requests_per_second: i32,
    /// Refund rules.
    pub policy: RefundPolicy,
    /// Disabled stores cannot get or use tokens.
    pub disabled: bool,
}

/// What `stores add` prints once: the store's credentials and prefix.
#[derive(Debug, Clone, Serialize)]
pub struct NewStore {
    /// The store's REST key (`imp_key` in relay mode).
    pub key: String,
    /// The store's REST secret (`imp_secret`); never shown again.
    pub secret: String,
    /// The uid prefix the desktop app puts on every merchant_uid and customer_uid.
    pub prefix: String,
}

/// SHA-256 of a secret or token.
pub fn digest(text: &str) -> Vec<u8> {
    Sha256::digest(text.as_bytes()).to_vec()
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(buf.as_mut_slice());
    hex::encode(buf)
}

fn random_prefix() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let mut prefix: String = (0..4)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    prefix.push('_');
    prefix
}

const COLUMNS: &str = "id, name, uid_prefix, requests_per_second, refund_window_days, \
                       refunds_per_day, disabled_at IS NOT NULL";

fn from_row(row: &tokio_postgres::Row) -> Store {
    Store {
        id: row.get(0),
        name: row.get(1),
        prefix: row.get(2),
        requests_per_second: row.get(3),
        policy: RefundPolicy {
            window_days: row.get(4),
            per_day: row.get(5),
        },
        disabled: row.get(6),
    }
}

/// Creates a store with fresh credentials and a free uid prefix.
pub async fn add(db: &impl GenericClient, name: &str) -> Result<NewStore> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(RelayError::BadStoreName);
    }
    if db
        .query_opt("SELECT 1 FROM stores WHERE name = $1", &[&name])
        .await?
        .is_some()
    {
        return Err(RelayError::StoreExists(name.to_owned()));
    }
    let key = format!("pmr_{}", random_hex(10));
    let secret = random_hex(32);
    for _ in 0..20 {
        let prefix = random_prefix();
        let inserted = db
            .execute(
                "INSERT INTO stores (name, api_key, secret_sha256, uid_prefix) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&name, &key, &digest(&secret), &prefix],
            )
            .await?;
        if inserted == 1 {
            return Ok(NewStore {
                key,
                secret,
                prefix,
            });
        }
        if db
            .query_opt("SELECT 1 FROM stores WHERE name = $1", &[&name])
            .await?
            .is_some()
        {
            return Err(RelayError::StoreExists(name.to_owned()));
        }
    }
    Err(RelayError::NoFreePrefix)
}

/// Every store, by name.
pub async fn list(db: &impl GenericClient) -> Result<Vec<Store>> {
    let rows = db
        .query(&format!("SELECT {COLUMNS} FROM stores ORDER BY name"), &[])
        .await?;
    Ok(rows.iter().map(from_row).collect())
}

/// Disables a store at once: its tokens stop working on their next request.
pub async fn disable(db: &impl GenericClient, name: &str) -> Result<()> {
    let n = db
        .execute(
            "UPDATE stores SET disabled_at = COALESCE(disabled_at, now()) WHERE name = $1",
            &[&name],
        )
        .await?;
    if n == 0 {
        return Err(RelayError::NoSuchStore(name.to_owned()));
    }
    Ok(())
}

/// Sets a store's rate limit and refund policy (`None` keeps the rate, lifts a refund rule).
pub async fn set_policy(
    db: &impl GenericClient,
    name: &str,
    requests_per_second: Option<i32>,
    policy: RefundPolicy,
) -> Result<()> {
    let n = db
        .execute(
            "UPDATE stores SET requests_per_second = COALESCE($2, requests_per_second), \
             refund_window_days = $3, refunds_per_day = $4 WHERE name = $1",
            &[
                &name,
                &requests_per_second,
                &policy.window_days,
                &policy.per_day,
            ],
        )
        .await?;
    if n == 0 {
        return Err(RelayError::NoSuchStore(name.to_owned()));
    }
    Ok(())
}

/// The enabled store whose key and secret these are.
pub async fn authenticate(
    db: &impl GenericClient,
    key: &str,
    secret: &str,
) -> Result<Option<Store>> {
    let row = db
        .query_opt(
            &format!(
                "SELECT {COLUMNS}, secret_sha256 FROM stores WHERE api_key = $1 AND disabled_at IS NULL"
            ),
            &[&key],
        )
        .await?;
    Ok(row.and_then(|row| {
        let stored: Vec<u8> = row.get(7);
        same_bytes(&stored, &digest(secret)).then(|| from_row(&row))
    }))
}

/// The enabled store holding this unexpired relay token.
pub async fn by_token(db: &impl GenericClient, token: &str) -> Result<Option<Store>> {
    let row = db
        .query_opt(
            "SELECT s.id, s.name, s.uid_prefix, s.requests_per_second, s.refund_window_days, \
                    s.refunds_per_day, s.disabled_at IS NOT NULL \
             FROM store_tokens t JOIN stores s ON s.id = t.store_id \
             WHERE t.token_sha256 = $1 AND t.expires_at > now() AND s.disabled_at IS NULL",
            &[&digest(token)],
        )
        .await?;
    Ok(row.as_ref().map(from_row))
}

/// Compares in time independent of where the bytes differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_fit_the_schema_rule() {
        for _ in 0..200 {
            let p = random_prefix();
            assert_eq!(p.len(), 5, "4 characters and `_`: {p}");
            assert!(
                p.ends_with('_'),
                "the `_` terminator keeps prefixes prefix-free: {p}"
            );
            assert!(
                p[..4]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                "lowercase letters and digits only: {p}"
            );
        }
    }

    #[test]
    fn secret_comparison_needs_every_byte() {
        assert!(
            same_bytes(&digest("a"), &digest("a")),
            "equal digests match"
        );
        assert!(
            !same_bytes(&digest("a"), &digest("b")),
            "different digests differ"
        );
        assert!(!same_bytes(b"ab", b"a"), "lengths must match");
    }
}
