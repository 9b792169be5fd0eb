//! A local update host for tests: a key pair made at start (minisign, the format Tauri's updater
//! and `tauri signer` use), a stand-in bundle signed with it, and the update manifest that
//! announces it, served over HTTP on loopback until [`UpdateHost::stop`].
//!
//! The manifest is Tauri's static format (`version`, `notes`, `pub_date`, `platforms`), the one
//! Panmusic's real update host serves. A tampered host signs the bundle, then serves it with one
//! byte changed: the signature is genuine, the bytes are not.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use futures::StreamExt;
use serde_json::{json, Value};
use tokio::sync::oneshot;

/// Why the host could not start.
#[derive(Debug)]
pub enum HostError {
    /// The key pair could not be made or the bundle not signed.
    Sign(minisign::PError),
    /// The loopback port could not be bound.
    Bind(std::io::Error),
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostError::Sign(e) => write!(f, "signing the test bundle failed: {e}"),
            HostError::Bind(e) => write!(f, "the update host could not bind loopback: {e}"),
        }
    }
}

impl std::error::Error for HostError {}

/// The release the host offers.
#[derive(Debug, Clone)]
pub struct Release {
    /// The version announced (and signed for, as `tauri signer` records it).
    pub version: String,
    /// The release notes shown to the owner.
    pub notes: String,
    /// RFC 3339 publication time.
    pub pub_date: String,
    /// The bundle's bytes as signed.
    pub bundle: Vec<u8>,
    /// Serve the bundle with one byte changed after signing.
    pub tampered: bool,
    /// A pause between the bundle's chunks, so a progress bar can be seen moving.
    pub chunk_pause: Duration,
}

impl Release {
    /// Version `version` of a stand-in .deb of `size` bytes, served at full speed.
    pub fn of(version: &str, size: usize) -> Release {
        Release {
            version: version.to_owned(),
            notes: "정산 화면 개선과 안정성 향상".to_owned(),
            pub_date: "2026-11-30T03:00:00Z".to_owned(),
            bundle: stand_in_deb(size),
            tampered: false,
            chunk_pause: Duration::ZERO,
        }
    }
}

/// The bytes of a stand-in .deb: an `ar` archive whose first member is `debian-binary`, as a
/// real .deb starts (what the updater checks before `dpkg -i`), padded to `size` bytes. It is
/// never installed by the tests.
pub fn stand_in_deb(size: usize) -> Vec<u8> {
    let mut bytes =
        b"!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n".to_vec();
    let mut n: u32 = 0x9e37_79b9;
    while bytes.len() < size {
        // Deterministic filler that does not compress to nothing.
        n = n.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        bytes.push((n >> 24) as u8);
    }
    bytes
}

/// Bytes per chunk of the bundle's response.
const CHUNK: usize = 64 * 1024;

struct Served {
    manifest: Value,
    bundle: Vec<u8>,
    chunk_pause: Duration,
    bundle_requests: AtomicUsize,
}

/// A running update host.
pub struct UpdateHost {
    addr: SocketAddr,
    pubkey: String,
    served: Arc<Served>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl UpdateHost {
    /// Makes a key pair, signs `release` with it, and serves the manifest and the bundle on a free
    /// loopback port.
    pub async fn start(release: Release) -> Result<UpdateHost, HostError> {
        let keys = minisign::KeyPair::generate_unencrypted_keypair().map_err(HostError::Sign)?;
        let pk_box = keys.pk.to_box().map_err(HostError::Sign)?;
        let pubkey = base64(pk_box.to_string().as_bytes());
        let file = format!("panmusic-pos_{}_amd64.deb", release.version);
        // The trusted comment as the Tauri CLI writes it, version included.
        let trusted = format!(
            "timestamp:1764471600\tfile:{file}\tversion:{}",
            release.version
        );
        let signature = minisign::sign(
            None,
            &keys.sk,
            std::io::Cursor::new(&release.bundle),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )
        .map_err(HostError::Sign)?;
        let signature = base64(signature.into_string().as_bytes());

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(HostError::Bind)?;
        let addr = listener.local_addr().map_err(HostError::Bind)?;
        let url = format!("http://{addr}/bundles/{file}");
        let platform = json!({ "url": url, "signature": signature });
        let manifest = json!({
            "version": release.version,
            "notes": release.notes,
            "pub_date": release.pub_date,
            "platforms": {
                "linux-x86_64": platform,
                "linux-x86_64-deb": platform,
                "windows-x86_64": platform,
                "windows-x86_64-nsis": platform,
            },
        });
        let mut bundle = release.bundle;
        if release.tampered {
            let middle = bundle.len() / 2;
            bundle[middle] ^= 0x01;
        }
        let served = Arc::new(Served {
            manifest,
            bundle,
            chunk_pause: release.chunk_pause,
            bundle_requests: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/latest.json", get(manifest_route))
            .route("/bundles/{file}", get(bundle_route))
            .with_state(served.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await
            {
                eprintln!("update host stopped with an error: {error}");
            }
        });
        Ok(UpdateHost {
            addr,
            pubkey,
            served,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The manifest's address (what the app is pointed at).
    pub fn manifest_url(&self) -> String {
        format!("http://{}/latest.json", self.addr)
    }

    /// The test key pair's public key, as `plugins.updater.pubkey` holds one (base64 of the
    /// minisign public key file).
    pub fn pubkey(&self) -> &str {
        &self.pubkey
    }

    /// How many times the bundle was requested.
    pub fn bundle_requests(&self) -> usize {
        self.served.bundle_requests.load(Ordering::SeqCst)
    }

    /// Stops serving and waits until the port is closed.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for UpdateHost {
    fn drop(&mut self) {
        // A test that failed before `stop`: stop serving anyway.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn manifest_route(State(served): State<Arc<Served>>) -> Json<Value> {
    Json(served.manifest.clone())
}

async fn bundle_route(State(served): State<Arc<Served>>) -> Response {
    served.bundle_requests.fetch_add(1, Ordering::SeqCst);
    let chunks: Vec<Vec<u8>> = served.bundle.chunks(CHUNK).map(<[u8]>::to_vec).collect();
    let pause = served.chunk_pause;
    let stream = futures::stream::iter(chunks).then(move |chunk| async move {
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        Ok::<_, std::io::Error>(chunk)
    });
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_LENGTH, served.bundle.len().to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
