//! The two ways a live store reaches Iamport, for suites that run over both: 직접 연결 (the
//! sandbox itself) and 중계 서버 (panmusic-relay in front of the sandbox, a fresh PostgreSQL
//! database, a store key and the store's uid prefix on every id the store handle mints).

use std::time::Duration;

use iamport_sandbox::{DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use panmusic_relay::testing::TestRelay;
use pos_core::ids::UidPrefix;
use pos_core::Store;

/// Which connection a test runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Straight to the sandbox with its REST key.
    Direct,
    /// Through a relay whose upstream is the sandbox, as a relay store.
    Relay,
}

/// What a test talks to: the sandbox directly, or a relay in front of it.
pub struct Front {
    base: String,
    key: String,
    secret: String,
    prefix: Option<UidPrefix>,
    relay: Option<TestRelay>,
}

impl Front {
    /// The front of `backend` for the sandbox at `sandbox_base`.
    pub async fn start(backend: Backend, sandbox_base: &str) -> Front {
        Front::start_with(backend, sandbox_base, None).await
    }

    /// [`Front::start`] with the relay's upstream timeout set to `upstream_timeout` (fault
    /// tests: the sandbox holds a `timeout` fault until the relay gives up).
    pub async fn start_with(
        backend: Backend,
        sandbox_base: &str,
        upstream_timeout: Option<Duration>,
    ) -> Front {
        match backend {
            Backend::Direct => Front {
                base: sandbox_base.to_owned(),
                key: DEFAULT_IMP_KEY.to_owned(),
                secret: DEFAULT_IMP_SECRET.to_owned(),
                prefix: None,
                relay: None,
            },
            Backend::Relay => {
                let relay =
                    TestRelay::start_with(sandbox_base, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET, |c| {
                        if let Some(t) = upstream_timeout {
                            c.upstream_timeout = t;
                        }
                    })
                    .await;
                let prefix = UidPrefix::parse(&relay.store.prefix)
                    .unwrap_or_else(|e| panic!("the relay issues prefixes the app accepts: {e}"));
                Front {
                    base: relay.base_url(),
                    key: relay.store.key.clone(),
                    secret: relay.store.secret.clone(),
                    prefix: Some(prefix),
                    relay: Some(relay),
                }
            }
        }
    }

    /// Whether this is the relay (중계 서버) connection.
    pub fn is_relay(&self) -> bool {
        self.relay.is_some()
    }

    /// The base URL the store talks to (the relay's, or the sandbox's).
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// The REST key the store uses (the relay store key through the relay).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The REST secret the store uses (the relay store secret through the relay).
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// A client as the store PC builds it, with `timeout` per request.
    pub fn client(&self, timeout: Duration) -> iamport::Client {
        self.client_with(timeout, Duration::from_secs(2))
    }

    /// [`Front::client`] with `connect` to connect.
    pub fn client_with(&self, timeout: Duration, connect: Duration) -> iamport::Client {
        let mut config = iamport::Config::new(&self.base, &self.key, &self.secret);
        config.timeout = timeout;
        config.connect_timeout = connect;
        iamport::Client::new(config).unwrap_or_else(|e| panic!("client: {e}"))
    }

    /// `store` minting ids as this connection needs (behind the relay store's prefix).
    pub fn book(&self, store: Store) -> Store {
        store.with_uid_prefix(self.prefix.clone())
    }

    /// `uid` as the store names it (behind its prefix through the relay).
    pub fn uid(&self, uid: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{}{uid}", p.as_str()),
            None => uid.to_owned(),
        }
    }

    /// After the sandbox's clock moved: the relay re-reads Iamport's clock at once.
    pub async fn sync_clock(&self) {
        if let Some(relay) = &self.relay {
            relay.sync_clock().await;
        }
    }

    /// Through the relay: lets the store send `per_second` requests a second (20 by default).
    pub async fn set_rate(&self, per_second: i32) {
        if let Some(relay) = &self.relay {
            relay.set_rate(per_second).await;
        }
    }

    /// After a change made upstream behind the app's back: waits until the relay's feed has it.
    pub async fn catch_up(&self) {
        if let Some(relay) = &self.relay {
            relay.catch_up().await;
        }
    }
}

/// Runs the async test function `$name(backend)` twice: `$name::direct` straight against the
/// sandbox and `$name::relay` through the relay in front of it, the test itself unchanged.
macro_rules! over_both {
    ($name:ident) => {
        mod $name {
            use crate::relay_support::Backend;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn direct() {
                super::$name(Backend::Direct).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn relay() {
                super::$name(Backend::Relay).await
            }
        }
    };
    // The relay variant is known to fail and is kept out of the normal run, with the reason shown
    // by the test runner; `cargo test -p pos-core --test it -- --ignored` runs it.
    ($name:ident, relay_fails = $why:literal) => {
        mod $name {
            use crate::relay_support::Backend;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn direct() {
                super::$name(Backend::Direct).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = $why]
            async fn relay() {
                super::$name(Backend::Relay).await
            }
        }
    };
}
pub(crate) use over_both;

/// The data dir of an app saved in 중계 서버 mode for `front`'s relay, its store key in the
/// relay's secrets entry (file backend).
pub fn relay_data_dir(front: &Front, dir: &std::path::Path) {
    let prefix = front
        .prefix
        .as_ref()
        .map(UidPrefix::as_str)
        .unwrap_or_default();
    let settings = serde_json::json!({ "settings": {
        "mode": "live", "merchantCode": "imp12345678",
        "relay": { "url": front.base, "uidPrefix": prefix },
    }});
    std::fs::write(
        dir.join(pos_core::settings::STORE_FILE),
        settings.to_string(),
    )
    .unwrap_or_else(|e| panic!("settings file: {e}"));
    pos_core::secrets::CredentialStore::relay_with_backend(
        dir,
        pos_core::secrets::SecretBackend::File,
        "relay-test",
    )
    .set(&pos_core::secrets::Credentials::new(
        &front.key,
        &front.secret,
    ))
    .unwrap_or_else(|e| panic!("relay store key: {e}"));
}
