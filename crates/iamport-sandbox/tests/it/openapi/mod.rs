//! Every implemented operation's success and error replies validated against the official
//! Swagger 2.0 file (`tests/data/openapi.json`, a copy of `shared/iamport/openapi.json`).
//!
//! Swagger 2.0 cannot say "nullable", and the file has a few copy-paste bugs, so the definitions
//! are adjusted before validation. Each adjustment is listed in `schema::corrected_definitions` with
//! its reason; none of them loosens a type, a required field, or the envelope.

use crate::support::Env;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

mod cases;
mod schema;
use cases::cases;
use schema::{corrected_definitions, declared, spec};

struct Checker {
    spec: Value,
    defs: Value,
    checked: usize,
}

impl Checker {
    fn new() -> Self {
        Checker {
            spec: spec(),
            defs: corrected_definitions(),
            checked: 0,
        }
    }

    fn validate(&mut self, definition: &str, body: &Value, what: &str) {
        let schema = json!({"definitions": self.defs, "allOf": [{"$ref": format!("#/definitions/{definition}")}]});
        let validator = jsonschema::draft4::new(&schema).expect("corrected definitions compile");
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} matches {definition}: {errors:#?}\n{body}"
        );
        self.checked += 1;
    }

    /// Calls an operation and validates the reply against what the file declares for its
    /// status. `override_def` replaces the declared schema where the file is known wrong.
    #[allow(clippy::too_many_arguments)]
    async fn call(
        &mut self,
        env: &Env,
        method: Method,
        spec_path: &str,
        path: &str,
        body: Option<Value>,
        want: StatusCode,
        override_def: Option<&str>,
    ) -> Value {
        let mut req = env.http.request(method.clone(), env.url(path));
        if spec_path != "/users/getToken" {
            req = req.header("Authorization", env.token());
        }
        if let Some(b) = &body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("sent");
        let status = resp.status();
        let reply: Value = resp.json().await.expect("envelope JSON");
        let what = format!("{method} {path} -> {status}");
        assert_eq!(status, want, "{what}: status ({reply})");
        let def = declared(&self.spec, &method, spec_path, status)
            .unwrap_or_else(|| panic!("{what}: status {status} is declared in openapi.json"));
        self.validate(override_def.unwrap_or(&def), &reply, &what);
        reply
    }
}

#[tokio::test]
async fn every_implemented_operation_matches_the_official_swagger_definitions() {
    let env = Env::start().await;
    let paid = env.paid("oa_paid", 5000).await;
    let imp = paid["imp_uid"].as_str().unwrap_or("").to_owned();
    let vbank = env
        .control(
            "/__sandbox/payments",
            json!({"merchant_uid": "oa_vbank", "amount": 3000, "pay_method": "vbank", "outcome": "ready"}),
        )
        .await;
    let deposit = format!(
        "/__sandbox/payments/{}/deposit",
        vbank["imp_uid"].as_str().unwrap_or("")
    );
    env.control(&deposit, json!({})).await;
    env.control("/__sandbox/customers/oa_cu", json!({})).await;
    env.control("/__sandbox/customers/oa_decl", json!({"decline": true}))
        .await;
    let now = env.now().await;

    let mut c = Checker::new();
    let noauth = env
        .http
        .get(env.url(&format!("/payments/{imp}")))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        noauth.status(),
        StatusCode::UNAUTHORIZED,
        "401 without token"
    );
    let body: Value = noauth.json().await.expect("json");
    c.validate("ResponseAnnotation", &body, "401 body");
    let vbank_imp = vbank["imp_uid"].as_str().unwrap_or("").to_owned();
    for (method, spec_path, path, body, want, override_def) in cases(&imp, &vbank_imp, now) {
        c.call(&env, method, spec_path, &path, body, want, override_def)
            .await;
    }
    assert!(
        c.checked >= 50,
        "a broad sample was validated ({} replies)",
        c.checked
    );
}

#[test]
fn the_corrected_definitions_still_reject_a_wrong_payment() {
    let defs = corrected_definitions();
    let schema = json!({"definitions": defs, "allOf": [{"$ref": "#/definitions/PaymentResponse"}]});
    let validator = jsonschema::draft4::new(&schema).expect("compiles");
    let missing_amount = json!({"code": 0, "message": null, "response": {
        "imp_uid": "imp_1", "merchant_uid": "m", "cancel_amount": 0, "currency": "KRW", "status": "paid", "sandbox": false}});
    assert!(
        !validator.is_valid(&missing_amount),
        "a required field is still required"
    );
    let string_amount = json!({"code": 0, "message": null, "response": {
        "imp_uid": "imp_1", "merchant_uid": "m", "amount": "100", "cancel_amount": 0, "currency": "KRW", "status": "paid", "sandbox": false}});
    assert!(
        !validator.is_valid(&string_amount),
        "types are still checked"
    );
    assert!(
        !validator.is_valid(&json!({"message": null, "response": null})),
        "the envelope needs code"
    );
}
