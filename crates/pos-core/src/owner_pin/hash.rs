//! Argon2id (RustCrypto's `argon2`, its default parameters: 19 MiB, 2 passes, 1 lane) with a
//! random salt per PIN. Verification reads the parameters from the stored PHC string, so a
//! later change of parameters keeps old hashes working.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::PinError;

/// The PHC string of `pin`.
pub(super) fn hash(pin: &str) -> Result<String, PinError> {
    // 16 bytes from rand's thread RNG (a CSPRNG seeded by the OS), as the PHC salt.
    let bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&bytes).map_err(|error| {
        tracing::error!(%error, "could not encode the PIN salt");
        PinError::Hash
    })?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|error| {
            tracing::error!(%error, "argon2 could not hash the PIN");
            PinError::Hash
        })
}

/// Whether `pin` matches the PHC string `stored`.
pub(super) fn verify(pin: &str, stored: &str) -> Result<bool, PinError> {
    let parsed = PasswordHash::new(stored).map_err(|error| {
        tracing::error!(%error, "the stored PIN hash does not parse");
        PinError::Hash
    })?;
    match Argon2::default().verify_password(pin.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(error) => {
            tracing::error!(%error, "argon2 could not verify the PIN");
            Err(PinError::Hash)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_salted_and_verifies_only_its_pin() {
        let first = hash("1234").unwrap_or_else(|e| panic!("hash: {e}"));
        let second = hash("1234").unwrap_or_else(|e| panic!("hash: {e}"));
        assert!(first.starts_with("$argon2id$"), "Argon2id: {first}");
        assert!(!first.contains("1234"), "the PIN is not in the hash");
        assert_ne!(first, second, "a fresh salt each time");
        assert!(matches!(verify("1234", &first), Ok(true)), "its PIN");
        assert!(matches!(verify("1235", &first), Ok(false)), "another PIN");
        assert!(matches!(verify("", &first), Ok(false)), "no PIN");
    }

    #[test]
    fn a_stored_hash_that_does_not_parse_is_an_error_not_a_match() {
        assert!(
            matches!(verify("1234", "not-a-phc-string"), Err(PinError::Hash)),
            "refused, never accepted"
        );
    }
}
