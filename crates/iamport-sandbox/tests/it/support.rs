//! A sandbox per test plus a small HTTP client that speaks the envelope.

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A started sandbox, an HTTP client and a valid token.
pub struct Env {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    token: parking_lot::Mutex<String>,
}

impl Env {
    /// Starts a sandbox on 127.0.0.1:0 and fetches a token.
    pub async fn start() -> Env {
        Env::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox with a given configuration and fetches a token.
    pub async fn start_with(config: SandboxConfig) -> Env {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let http = reqwest::Client::new();
        let env = Env {
            sandbox,
            http,
            token: parking_lot::Mutex::new(String::new()),
        };
        env.refresh_token().await;
        env
    }

    /// The current access token.
    pub fn token(&self) -> String {
        self.token.lock().clone()
    }

    /// Fetches a token (the same one until it expires) and keeps it.
    pub async fn refresh_token(&self) {
        let (status, body) = self
            .post_anon(
                "/users/getToken",
                json!({"imp_key": DEFAULT_IMP_KEY, "imp_secret": DEFAULT_IMP_SECRET}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "getToken with the default key works: {body}"
        );
        *self.token.lock() = body["response"]["access_token"]
            .as_str()
            .expect("token is a string")
            .to_owned();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.base_url(), path)
    }

    async fn read(resp: reqwest::Response) -> (StatusCode, Value) {
        let status = resp.status();
        let text = resp.text().await.expect("reply body readable");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("reply is JSON ({e}): {status} {text}"));
        (status, body)
    }

    /// GET with the token.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .get(self.url(path))
            .header("Authorization", self.token())
            .send()
            .await
            .expect("request sent");
        Self::read(resp).await
    }

    /// POST a JSON body with the token.
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .header("Authorization", format!("Bearer {}", self.token()))
            .json(&body)
            .send()
            .await
            .expect("request sent");
        Self::read(resp).await
    }

    /// PUT a JSON body with the token.
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .put(self.url(path))
            .header("Authorization", self.token())
            .json(&body)
            .send()
            .await
            .expect("request sent");
        Self::read(resp).await
    }

    /// DELETE with the token.
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .delete(self.url(path))
            .header("Authorization", self.token())
            .send()
            .await
            .expect("request sent");
        Self::read(resp).await
    }

    /// POST a raw form body with the token.
    pub async fn post_form(&self, path: &str, form: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .header("Authorization", self.token())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await
            .expect("request sent");
        Self::read(resp).await
    }

    /// GET without a token.
    pub async fn get_anon(&self, path: &str) -> (StatusCode, Value) {
        let resp = self
            .http
            .get(self.url(path))
            .send()
            .await
            .expect("request sent");
        Self::read(resp).await
    }

    /// POST a JSON body without a token.
    pub async fn post_anon(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request sent");
        Self::read(resp).await
    }

    /// Calls the control API and insists on success; returns `response`.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let (status, reply) = self.post_anon(path, body).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "control call {path} succeeds: {reply}"
        );
        assert_eq!(reply["code"], 0, "control call {path} has code 0: {reply}");
        reply["response"].clone()
    }

    /// A paid card payment made through the control API.
    pub async fn paid(&self, merchant_uid: &str, amount: i64) -> Value {
        self.control(
            "/__sandbox/payments",
            json!({"merchant_uid": merchant_uid, "amount": amount, "name": "월간 이용권"}),
        )
        .await
    }

    /// Moves the sandbox clock and renews the token if it expired; returns the new `now`.
    pub async fn advance(&self, seconds: i64) -> i64 {
        let r = self
            .control("/__sandbox/clock", json!({"advance": seconds}))
            .await;
        if seconds > 0 {
            self.refresh_token().await;
        }
        r["now"].as_i64().expect("clock returns now")
    }

    /// The sandbox clock's current time.
    pub async fn now(&self) -> i64 {
        self.advance(0).await
    }
}

/// Asserts an error envelope: `response` null, non-empty message, the given HTTP status and code.
pub fn assert_error(
    status: StatusCode,
    body: &Value,
    want_status: StatusCode,
    want_code: i64,
    what: &str,
) {
    assert_eq!(status, want_status, "{what}: HTTP status ({body})");
    assert_eq!(body["code"], want_code, "{what}: envelope code ({body})");
    assert!(
        body["response"].is_null(),
        "{what}: response is null ({body})"
    );
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: message explains ({body})"
    );
}

/// Asserts a success envelope and returns `response`.
pub fn assert_ok(status: StatusCode, body: &Value, what: &str) -> Value {
    assert_eq!(status, StatusCode::OK, "{what}: HTTP 200 ({body})");
    assert_eq!(body["code"], 0, "{what}: code 0 ({body})");
    assert!(
        body["message"].is_null(),
        "{what}: message is null on success ({body})"
    );
    body["response"].clone()
}
