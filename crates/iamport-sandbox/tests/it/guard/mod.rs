//! The guard an app turns on for a sandbox on the shop's PC, attacked the way a web page in the
//! shop's browser would: form posts and `no-cors` fetches (CSRF), requests after re-pointing a
//! domain name at 127.0.0.1 (DNS rebinding), calls from a foreign origin, and the control API
//! without the app's token. Every attack is first shown to work on the open test tool.

mod control;
mod forms;
mod origins;

use crate::support::Env;
use iamport_sandbox::{Guard, SandboxConfig};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

const APP_ORIGIN: &str = "tauri://localhost";
const EVIL_ORIGIN: &str = "https://evil.example";

async fn guarded() -> (Env, String) {
    let guard = Guard::strict(&[APP_ORIGIN]);
    let token = guard
        .control_token
        .clone()
        .expect("strict guards have a token");
    let env = Env::start_with(SandboxConfig {
        guard,
        ..SandboxConfig::default()
    })
    .await;
    (env, token)
}

/// A reply: status code, headers (lower-case names) and the body as JSON (Null if not JSON).
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request exactly as written (any `Host`, any headers) and reads the reply.
fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("write");
    let mut text = String::new();
    stream.read_to_string(&mut text).expect("read");
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body_text = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    let body = serde_json::from_str(&body_text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

fn host_of(env: &Env) -> String {
    env.sandbox.addr().to_string()
}

/// How many payments the sandbox holds for `merchant_uid`, asked through the REST API.
async fn payments_for(env: &Env, merchant_uid: &str) -> usize {
    let (_, body) = env.get(&format!("/payments/findAll/{merchant_uid}")).await;
    body["response"]["list"].as_array().map_or(0, Vec::len)
}

const FORM_PAYMENT: &str = "merchant_uid=csrf_1&amount=1000&outcome=paid";
