//! The address the client talks to: `https://`, or plain `http://` only to this machine.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use iamport::{Client, Config, Error};

fn client(base: &str) -> Result<Client, Error> {
    Client::new(Config::new(base, "my-rest-key", "my-rest-secret"))
}

/// This machine's address on its network (never a loopback one), if it has one. Connecting a
/// UDP socket sends nothing; it only picks the outgoing interface.
fn lan_address() -> Option<std::net::IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("10.255.255.255:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn plain_http_to_another_host_is_refused_naming_https() {
    for base in [
        "http://api.iamport.kr",
        "http://10.0.0.7:8080",
        "http://[2001:db8::1]/",
        "HTTP://Example.COM/v1",
    ] {
        let err = client(base).err();
        assert!(
            matches!(err, Some(Error::InsecureBaseUrl { .. })),
            "{base} is refused: {err:?}"
        );
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("https://"),
            "the message says to use https: {message}"
        );
    }
}

#[test]
fn https_anywhere_and_http_to_loopback_are_accepted() {
    for base in [
        "https://api.iamport.kr",
        "https://10.0.0.7:8443/v1",
        "http://127.0.0.1:4010",
        "http://127.8.9.10",
        "http://[::1]:4010/",
        "http://localhost:4010",
    ] {
        assert!(client(base).is_ok(), "{base} is accepted");
    }
}

#[tokio::test]
async fn nothing_reaches_a_plain_http_server_on_the_network() {
    let Some(ip) = lan_address() else {
        eprintln!("no non-loopback address on this machine; the constructor test covers it");
        return;
    };
    let listener = TcpListener::bind((ip, 0)).expect("listen on the LAN address");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    let server = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while std::time::Instant::now() < deadline {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                counter.fetch_add(1, Ordering::SeqCst);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let base = match ip {
        std::net::IpAddr::V4(v4) => format!("http://{v4}:{port}"),
        std::net::IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
    };
    let sent = match client(&base) {
        Ok(c) => c.check_credentials().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(
        matches!(sent, Err(Error::InsecureBaseUrl { .. })),
        "the secret is not sent in clear text: {sent:?}"
    );
    server.join().expect("listener thread");
    assert_eq!(
        received.load(Ordering::SeqCst),
        0,
        "no connection reached the plain-http server"
    );
}
