//! A relay in front of a sandbox on loopback, a fresh database each, and raw HTTP helpers.

use std::net::SocketAddr;
use std::time::Duration;

use iamport_sandbox::{Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use panmusic_relay::db::stores::{self, NewStore};
use panmusic_relay::{Relay, RelayConfig};
use serde_json::{json, Value};

use crate::pg;

/// A raw HTTP answer: status and JSON body.
pub type Answer = (u16, Value);

/// A sandbox, a database and one relay instance.
pub struct Env {
    pub db_url: String,
    pub sandbox: Sandbox,
    pub relay: Relay,
    pub http: reqwest::Client,
}

/// Relay settings for tests: a quick feed, no freshness shortcut unless a test wants one.
pub fn config(db_url: &str, upstream: &str) -> RelayConfig {
    let mut c = RelayConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        db_url,
        upstream,
        DEFAULT_IMP_KEY,
        DEFAULT_IMP_SECRET,
    );
    c.feed_interval = Duration::from_millis(300);
    c.fresh = Duration::ZERO;
    c.upstream_timeout = Duration::from_secs(3);
    c.pool_size = 8;
    c
}

impl Env {
    /// Everything with the test defaults.
    pub async fn start() -> Env {
        Env::start_with(|_| {}).await
    }

    /// Everything, with the relay configuration adjusted by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut RelayConfig)) -> Env {
        let db_url = pg::shared().fresh_db().await;
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox starts");
        let mut c = config(&db_url, &sandbox.base_url());
        adjust(&mut c);
        let relay = Relay::start(c).await.expect("relay starts");
        Env {
            db_url,
            sandbox,
            relay,
            http: reqwest::Client::new(),
        }
    }

    /// A new store.
    pub async fn add_store(&self, name: &str) -> NewStore {
        let (client, conn) = tokio_postgres::connect(&self.db_url, tokio_postgres::NoTls)
            .await
            .expect("db");
        tokio::spawn(conn);
        stores::add(&client, name).await.expect("store added")
    }

    /// Runs SQL on the relay's database.
    pub async fn sql(&self, statement: &str) -> Vec<tokio_postgres::Row> {
        let (client, conn) = tokio_postgres::connect(&self.db_url, tokio_postgres::NoTls)
            .await
            .expect("db");
        tokio::spawn(conn);
        client.query(statement, &[]).await.expect("sql")
    }

    /// The desktop app's client in relay mode for `store`.
    pub fn store_client(&self, store: &NewStore) -> iamport::Client {
        iamport::Client::new(iamport::Config::new(
            self.relay.base_url(),
            &store.key,
            &store.secret,
        ))
        .expect("client")
    }

    /// A relay token for `store`.
    pub async fn token(&self, store: &NewStore) -> String {
        let (status, body) = send(
            &self.http,
            reqwest::Method::POST,
            &format!("{}/users/getToken", self.relay.base_url()),
            None,
            Some(json!({"imp_key": store.key, "imp_secret": store.secret})),
        )
        .await;
        assert_eq!(status, 200, "getToken as the store: {body}");
        body["response"]["access_token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// A token of the sandbox itself (the real key).
    pub async fn sandbox_token(&self) -> String {
        let (status, body) = send(
            &self.http,
            reqwest::Method::POST,
            &format!("{}/users/getToken", self.sandbox.base_url()),
            None,
            Some(json!({"imp_key": DEFAULT_IMP_KEY, "imp_secret": DEFAULT_IMP_SECRET})),
        )
        .await;
        assert_eq!(status, 200, "getToken at the sandbox: {body}");
        body["response"]["access_token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// `method path` at the relay with `token`.
    pub async fn relay(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        send(
            &self.http,
            method,
            &format!("{}{path}", self.relay.base_url()),
            Some(token),
            body,
        )
        .await
    }

    /// `method path` at the sandbox with `token` (Iamport's own answer).
    pub async fn iamport(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        send(
            &self.http,
            method,
            &format!("{}{path}", self.sandbox.base_url()),
            Some(token),
            body,
        )
        .await
    }

    /// A paid card payment made as if a buyer had finished the window; returns its imp_uid.
    pub async fn paid(&self, merchant_uid: &str, amount: i64) -> String {
        let (status, body) = self
            .control(
                "/__sandbox/payments",
                json!({"merchant_uid": merchant_uid, "amount": amount, "name": "1개월 이용권",
                       "pay_method": "card", "outcome": "paid", "buyer_name": "김사장",
                       "buyer_tel": "010-1234-5678"}),
            )
            .await;
        assert_eq!(status, 200, "sandbox payment: {body}");
        body["response"]["imp_uid"]
            .as_str()
            .expect("imp_uid")
            .to_owned()
    }

    /// A billing key at the sandbox.
    pub async fn billing_key(&self, customer_uid: &str) {
        let (status, body) = self
            .control(
                &format!("/__sandbox/customers/{customer_uid}"),
                json!({"decline": false}),
            )
            .await;
        assert_eq!(status, 200, "sandbox billing key: {body}");
    }

    /// POST to the sandbox's control API.
    pub async fn control(&self, path: &str, body: Value) -> Answer {
        send(
            &self.http,
            reqwest::Method::POST,
            &format!("{}{path}", self.sandbox.base_url()),
            None,
            Some(body),
        )
        .await
    }

    /// How many requests of `route` (e.g. `POST /subscribe/payments/again`) the sandbox served.
    pub async fn upstream_count(&self, route: &str) -> u64 {
        let stats = self
            .http
            .get(format!("{}/__sandbox/stats", self.sandbox.base_url()))
            .send()
            .await
            .expect("stats")
            .json::<Value>()
            .await
            .expect("stats json");
        stats["response"]["by_route"][route].as_u64().unwrap_or(0)
    }

    /// The payment as the sandbox holds it.
    pub async fn upstream_payment(&self, imp_uid: &str) -> Value {
        let token = self.sandbox_token().await;
        let (status, body) = self
            .iamport(
                &token,
                reqwest::Method::GET,
                &format!("/payments/{imp_uid}?include_sandbox=true"),
                None,
            )
            .await;
        assert_eq!(status, 200, "payment at the sandbox: {body}");
        body["response"].clone()
    }
}

/// One raw request.
pub async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut req = http.request(method, url);
    if let Some(token) = token {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A future time on the sandbox clock (schedules must be in the future).
pub fn in_a_month() -> i64 {
    chrono::Utc::now().timestamp() + 30 * 86_400
}

impl Env {
    /// Everything, with the relay reaching the sandbox through a [`CutProxy`].
    pub async fn start_behind_proxy() -> (Env, crate::proxy::CutProxy) {
        Env::start_behind_proxy_with(|_| {}).await
    }

    /// [`Env::start_behind_proxy`], with the relay configuration adjusted by `adjust`.
    pub async fn start_behind_proxy_with(
        adjust: impl FnOnce(&mut RelayConfig),
    ) -> (Env, crate::proxy::CutProxy) {
        let db_url = pg::shared().fresh_db().await;
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox starts");
        let proxy = crate::proxy::CutProxy::start(sandbox.addr()).await;
        let mut c = config(&db_url, &proxy.base_url());
        adjust(&mut c);
        let relay = Relay::start(c).await.expect("relay starts");
        (
            Env {
                db_url,
                sandbox,
                relay,
                http: reqwest::Client::new(),
            },
            proxy,
        )
    }
}
