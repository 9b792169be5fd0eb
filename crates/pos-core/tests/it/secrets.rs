use pos_core::secrets::{
    backend_from_env, keyring_available, CredentialStore, Credentials, SecretBackend, SecretError,
    CREDENTIALS_FILE,
};

fn creds() -> Credentials {
    Credentials {
        imp_key: "1234567890123456".into(),
        imp_secret: "s3cr3t-VALUE-never-shown".into(),
    }
}

fn file_store() -> (tempfile::TempDir, CredentialStore) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = CredentialStore::with_backend(dir.path(), SecretBackend::File, "iamport-rest-test");
    (dir, store)
}

#[test]
fn the_file_backend_round_trips_and_clears() {
    let (_dir, store) = file_store();
    assert!(!store.is_set(), "nothing is set at first");
    assert!(store.set(&creds()).is_ok(), "set works");
    assert_eq!(
        store.get().ok().flatten(),
        Some(creds()),
        "get returns what was set"
    );
    assert!(store.is_set(), "is_set after set");
    assert!(store.clear().is_ok(), "clear works");
    assert_eq!(store.get().ok().flatten(), None, "nothing after clear");
}

#[cfg(unix)]
#[test]
fn the_credentials_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = file_store();
    assert!(store.set(&creds()).is_ok(), "set works");
    let mode = std::fs::metadata(dir.path().join(CREDENTIALS_FILE))
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    assert_eq!(mode, 0o600, "credentials.json is 0600");
}

#[test]
fn pasted_credentials_are_trimmed_and_blank_ones_refused() {
    let (_dir, store) = file_store();
    let padded = Credentials {
        imp_key: "  key123 ".into(),
        imp_secret: "\tsecret456\n".into(),
    };
    assert!(store.set(&padded).is_ok(), "padded values are accepted");
    assert_eq!(
        store
            .get()
            .ok()
            .flatten()
            .map(|c| (c.imp_key, c.imp_secret)),
        Some(("key123".into(), "secret456".into())),
        "trimmed"
    );
    let blank = Credentials {
        imp_key: " ".into(),
        imp_secret: "x".into(),
    };
    assert!(
        matches!(store.set(&blank), Err(SecretError::Invalid { .. })),
        "a blank key is refused"
    );
    assert_eq!(
        store.get().ok().flatten().map(|c| c.imp_key),
        Some("key123".into()),
        "the old value stays"
    );
}

#[test]
fn debug_output_never_shows_the_secret() {
    let shown = format!("{:?}", creds());
    assert!(
        !shown.contains("s3cr3t") && !shown.contains("1234567890123456"),
        "Debug redacts: {shown}"
    );
    assert!(
        shown.contains("redacted"),
        "Debug says it redacted: {shown}"
    );
}

#[test]
fn a_malformed_credentials_file_is_an_error_that_shows_no_content_and_keeps_the_file() {
    let (dir, store) = file_store();
    let path = dir.path().join(CREDENTIALS_FILE);
    std::fs::write(&path, b"impSecret=s3cr3t-VALUE").unwrap_or_else(|e| panic!("write: {e}"));
    let err = store.get().err();
    assert!(
        matches!(err, Some(SecretError::Malformed { .. })),
        "got {err:?}"
    );
    let text = err.map(|e| format!("{e} {e:?}")).unwrap_or_default();
    assert!(
        !text.contains("s3cr3t"),
        "the error does not quote the file: {text}"
    );
    assert!(!store.is_set(), "an unreadable store counts as not set");
    assert_eq!(
        std::fs::read(&path).ok(),
        Some(b"impSecret=s3cr3t-VALUE".to_vec()),
        "the file is kept"
    );
}

#[test]
fn the_environment_can_force_the_file_backend() {
    assert_eq!(
        backend_from_env(Some("file")),
        Some(SecretBackend::File),
        "file forces the file"
    );
    assert_eq!(
        backend_from_env(Some(" FILE ")),
        Some(SecretBackend::File),
        "case and spaces are forgiven"
    );
    assert_eq!(
        backend_from_env(Some("keyring")),
        Some(SecretBackend::Keyring),
        "keyring forces the keyring"
    );
    assert_eq!(backend_from_env(None), None, "unset: probe at runtime");
}

#[test]
fn the_keyring_backend_round_trips_when_a_keyring_answers() {
    if !keyring_available() {
        eprintln!(
            "no OS keyring answers here; the keyring round trip is not checked on this machine"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store =
        CredentialStore::with_backend(dir.path(), SecretBackend::Keyring, "iamport-rest-test");
    assert!(
        store.set(&creds()).is_ok(),
        "set in the keyring (or the file if it refuses to store)"
    );
    assert_eq!(store.get().ok().flatten(), Some(creds()), "read back");
    let file_exists = dir.path().join(CREDENTIALS_FILE).exists();
    match store.backend() {
        SecretBackend::Keyring => assert!(!file_exists, "no file when the keyring holds them"),
        SecretBackend::File => assert!(
            file_exists,
            "a keyring that refused to store falls back to the file"
        ),
    }
    assert!(store.clear().is_ok(), "clear");
    assert_eq!(store.get().ok().flatten(), None, "gone after clear");
}
