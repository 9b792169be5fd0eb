//! A TCP proxy between the relay and the sandbox that can lose Iamport's replies to writes
//! (POST and DELETE requests): the writes still arrive and take effect, the answers never come back;
//! lookups pass. This is the "charge sent,
//! answer lost" failure that no fault control of the sandbox itself can produce (its faults
//! all strike before the request is handled).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The running proxy.
pub struct CutProxy {
    pub addr: SocketAddr,
    cut: Arc<AtomicBool>,
}

impl CutProxy {
    /// Proxies to `upstream`.
    pub async fn start(upstream: SocketAddr) -> CutProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let cut = Arc::new(AtomicBool::new(false));
        let flag = cut.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let flag = flag.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        pipe(client, server, flag).await;
                    }
                });
            }
        });
        CutProxy { addr, cut }
    }

    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// From now on, replies to POST and DELETE requests are dropped (and their connections closed).
    pub fn lose_replies(&self, on: bool) {
        self.cut.store(on, Ordering::SeqCst);
    }
}

async fn pipe(client: TcpStream, server: TcpStream, cut: Arc<AtomicBool>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    // Set when a POST went up while cutting: its reply must not come back.
    let doomed = Arc::new(AtomicBool::new(false));
    let doomed_up = doomed.clone();
    let up = tokio::spawn(async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let write = buf[..n].starts_with(b"POST ") || buf[..n].starts_with(b"DELETE ");
                    if cut.load(Ordering::SeqCst) && write {
                        doomed_up.store(true, Ordering::SeqCst);
                    }
                    if server_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match server_read.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if doomed.load(Ordering::SeqCst) {
                    break;
                }
                if client_write.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    up.abort();
}
