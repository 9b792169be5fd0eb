//! The harness itself: a WebDriver session opens however late WebKitWebDriver starts, a ready driver
//! has nothing in tauri-driver's pool for the new-session request to trip on, and a stopped driver
//! leaves no WebKitWebDriver behind. (The "Connection refused" seen on a loaded machine was
//! tauri-driver forwarding the new-session request before WebKitWebDriver listened; the later
//! "client error (SendRequest)" was the new-session request sent on a pooled connection that
//! WebKitWebDriver had closed after the readiness check.)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::driver::Driver;
use crate::harness::{scenario_with, App, Result, Start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_opens_when_webkitwebdriver_starts_seconds_after_tauri_driver() {
    let start = Start {
        slow_webdriver: Some(Duration::from_secs(3)),
        ..Start::default()
    };
    scenario_with("slow_webdriver", start, async |app: &mut App| -> Result {
        app.wait_for("nav-plans").await?;
        Ok(())
    })
    .await;
}

/// How many drivers the new-session test starts: with the old readiness check (a `/status` through
/// tauri-driver) a request was dropped within the first ten drivers in each of four tries.
const READY_DRIVERS: usize = 20;

#[test]
fn a_new_session_request_sent_the_moment_the_driver_is_ready_gets_an_answer() {
    for attempt in 1..=READY_DRIVERS {
        let driver =
            Driver::start(None, None).expect("tauri-driver and WebKitWebDriver start and answer");
        // A browser that cannot start: WebKitWebDriver answers with an error, but it answers.
        let answer = new_session_request(driver.port, "/nonexistent/panmusic-pos");
        assert!(
            answer.starts_with("HTTP/1.1 "),
            "driver {attempt} of {READY_DRIVERS}: the new-session request sent right after the \
             driver was ready is answered, not dropped (got {answer:?})"
        );
    }
}

/// Sends `POST /session` for `binary` to tauri-driver on `port`; returns what came back.
fn new_session_request(port: u16, binary: &str) -> String {
    let body = format!(
        r#"{{"capabilities":{{"alwaysMatch":{{"browserName":"wry","tauri:options":{{"application":"{binary}"}}}}}}}}"#
    );
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("tauri-driver listens");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    write!(
        stream,
        "POST /session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("request sent");
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    // The status line is enough; tauri-driver keeps the connection open after it.
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn a_stopped_driver_leaves_no_webkitwebdriver_behind() {
    let driver =
        Driver::start(None, None).expect("tauri-driver and WebKitWebDriver start and answer");
    let native = driver.native_pid();
    assert!(
        std::fs::metadata(format!("/proc/{native}")).is_ok(),
        "WebKitWebDriver {native} runs while the driver is up"
    );
    drop(driver);
    let deadline = Instant::now() + Duration::from_secs(2);
    let gone = || {
        std::fs::read_to_string(format!("/proc/{native}/stat")).map_or(true, |stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z'))
        })
    };
    while !gone() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        gone(),
        "WebKitWebDriver {native} is gone once the driver is dropped"
    );
}
