//! Every implemented operation's success and error replies validated against the official
//! Swagger 2.0 file (`tests/data/openapi.json`, a copy of `shared/iamport/openapi.json`).
//!
//! Swagger 2.0 cannot say "nullable", and the file has a few copy-paste bugs, so the definitions
//! are adjusted before validation. Each adjustment is listed in [`corrected_definitions`] with
//! its reason; none of them loosens a type, a required field, or the envelope.

use crate::support::Env;
use reqwest::{Method, StatusCode};
use serde_json::{json, Map, Value};

fn spec() -> Value {
    let text = include_str!("../data/openapi.json");
    serde_json::from_str(text).expect("openapi.json parses")
}

/// Turns numeric strings into numbers where JSON Schema wants numbers (`"maxLength": "32"`).
fn fix_numeric_keywords(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for key in ["maxLength", "minLength", "maximum", "minimum"] {
                if let Some(Value::String(s)) = map.get(key) {
                    match s.parse::<i64>() {
                        Ok(n) => {
                            map.insert(key.to_owned(), json!(n));
                        }
                        Err(_) => {
                            map.remove(key);
                        }
                    }
                }
            }
            map.values_mut().for_each(fix_numeric_keywords);
        }
        Value::Array(items) => items.iter_mut().for_each(fix_numeric_keywords),
        _ => {}
    }
}

/// Allows `null` for every property but the envelope's `code`: the real API sends `null` for
/// unset values (`message: null` on success, `response: null` on errors, `bank_code: null`...),
/// which Swagger 2.0 cannot express. Presence (`required`) and non-null types are still checked.
fn allow_null(defs: &mut Map<String, Value>) {
    for (name, def) in defs.iter_mut() {
        let parts: Vec<&mut Value> = match def.get_mut("allOf") {
            Some(Value::Array(parts)) => parts.iter_mut().collect(),
            _ => vec![def],
        };
        for part in parts {
            let Some(Value::Object(props)) = part.get_mut("properties") else {
                continue;
            };
            for (prop, schema) in props.iter_mut() {
                if name == "ResponseAnnotation" && prop == "code" {
                    continue;
                }
                let original = std::mem::take(schema);
                *schema = json!({"anyOf": [original, {"type": "null"}]});
            }
        }
    }
}

/// The definitions as validated, with each correction and its reason.
fn corrected_definitions() -> Value {
    let mut spec = spec();
    let mut defs = spec["definitions"].take();
    fix_numeric_keywords(&mut defs);
    let map = defs.as_object_mut().expect("definitions object");
    // Copy-paste bug: PaymentPrepareAnnotation requires the paging fields of another type.
    map.insert(
        "PaymentPrepareAnnotation".to_owned(),
        json!({"required": ["merchant_uid", "amount"], "properties": {
            "merchant_uid": {"type": "string"}, "amount": {"type": "number"}, "currency": {"type": "string"}}}),
    );
    // VbankDepositAnnotation requires `reason`, which is not one of its properties.
    if let Some(req) = map["VbankDepositAnnotation"]["required"].as_array_mut() {
        req.retain(|r| r != "reason");
    }
    // The envelope's code and message are always present.
    map["ResponseAnnotation"]["required"] = json!(["code", "message"]);
    allow_null(map);
    // Paged schedule lists: the file says `response` is an array, but both official clients
    // (Java ScheduleList, Node 'collection') parse {total, previous, next, list} (REFERENCE §5.5).
    map.insert(
        "PagedScheduleResponse".to_owned(),
        json!({"allOf": [{"$ref": "#/definitions/ResponseAnnotation"}, {"properties": {"response": {"anyOf": [
            {"type": "null"},
            {"required": ["total", "previous", "next", "list"], "properties": {
                "total": {"type": "integer"}, "previous": {"type": "integer"}, "next": {"type": "integer"},
                "list": {"type": "array", "items": {"$ref": "#/definitions/ScheduleResultAnnotation"}}}}
        ]}}}]}),
    );
    defs
}

/// The response definition the file declares for an operation and status; `None` when the
/// status is not declared.
fn declared(spec: &Value, method: &Method, path: &str, status: StatusCode) -> Option<String> {
    let op = &spec["paths"][path][method.as_str().to_ascii_lowercase()];
    assert!(op.is_object(), "{method} {path} is in openapi.json");
    let resp = op["responses"].get(status.as_str())?;
    let name = match resp["schema"]["$ref"].as_str() {
        Some(r) => r.rsplit('/').next().unwrap_or(r).to_owned(),
        // GET|DELETE /subscribe/customers/{uid}: an inline schema whose description says
        // "CustomerResponse for a normal billing key".
        None if resp["schema"].is_object() => "CustomerResponse".to_owned(),
        // Error statuses are declared without a schema: they carry the bare envelope.
        None => "ResponseAnnotation".to_owned(),
    };
    Some(name)
}

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
    let mut c = Checker::new();
    use Method as M;
    use StatusCode as S;
    let key = json!({"imp_key": iamport_sandbox::DEFAULT_IMP_KEY, "imp_secret": iamport_sandbox::DEFAULT_IMP_SECRET});
    c.call(
        &env,
        M::POST,
        "/users/getToken",
        "/users/getToken",
        Some(key),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        "/users/getToken",
        "/users/getToken",
        Some(json!({"imp_key": "x", "imp_secret": "y"})),
        S::UNAUTHORIZED,
        None,
    )
    .await;

    let paid = env.paid("oa_paid", 5000).await;
    let imp = paid["imp_uid"].as_str().unwrap_or("").to_owned();
    let vbank = env
        .control("/__sandbox/payments", json!({"merchant_uid": "oa_vbank", "amount": 3000, "pay_method": "vbank", "outcome": "ready"}))
        .await;
    env.control(
        &format!(
            "/__sandbox/payments/{}/deposit",
            vbank["imp_uid"].as_str().unwrap_or("")
        ),
        json!({}),
    )
    .await;
    let p = "/payments/{imp_uid}";
    c.call(
        &env,
        M::GET,
        p,
        &format!("/payments/{imp}"),
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        p,
        "/payments/imp_000000000000",
        None,
        S::NOT_FOUND,
        None,
    )
    .await;
    let noauth = env
        .http
        .get(env.url(&format!("/payments/{imp}")))
        .send()
        .await
        .expect("sent");
    assert_eq!(noauth.status(), S::UNAUTHORIZED, "401 without token");
    let body: Value = noauth.json().await.expect("json");
    c.validate("ResponseAnnotation", &body, "401 body");
    let b = "/payments";
    c.call(
        &env,
        M::GET,
        b,
        &format!("/payments?imp_uid[]={imp}&merchant_uid[]=oa_vbank"),
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        b,
        &format!("/payments?imp_uid[]={imp}&imp_uid[]=imp_1"),
        None,
        S::MULTI_STATUS,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        b,
        "/payments?imp_uid[]=imp_1",
        None,
        S::NOT_FOUND,
        None,
    )
    .await;
    let f = "/payments/find/{merchant_uid}/{payment_status}";
    c.call(
        &env,
        M::GET,
        f,
        "/payments/find/oa_paid/paid",
        None,
        S::OK,
        None,
    )
    .await;
    c.call(&env, M::GET, f, "/payments/find/oa_paid", None, S::OK, None)
        .await;
    c.call(
        &env,
        M::GET,
        f,
        "/payments/find/oa_paid/cancelled",
        None,
        S::NOT_FOUND,
        None,
    )
    .await;
    let fa = "/payments/findAll/{merchant_uid}/{payment_status}";
    c.call(
        &env,
        M::GET,
        fa,
        "/payments/findAll/oa_paid",
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        fa,
        "/payments/findAll/oa_paid/weird",
        None,
        S::BAD_REQUEST,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        fa,
        "/payments/findAll/none",
        None,
        S::NOT_FOUND,
        None,
    )
    .await;
    let st = "/payments/status/{payment_status}";
    c.call(
        &env,
        M::GET,
        st,
        "/payments/status/all?sorting=-updated",
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        st,
        "/payments/status/weird",
        None,
        S::BAD_REQUEST,
        None,
    )
    .await;

    let pr = "/payments/prepare";
    c.call(
        &env,
        M::POST,
        pr,
        pr,
        Some(json!({"merchant_uid": "oa_prep", "amount": 100})),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::PUT,
        pr,
        pr,
        Some(json!({"merchant_uid": "oa_prep", "amount": 200})),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::PUT,
        pr,
        pr,
        Some(json!({"merchant_uid": "oa_none", "amount": 200})),
        S::NOT_FOUND,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        "/payments/prepare/{merchant_uid}",
        "/payments/prepare/oa_prep",
        None,
        S::OK,
        None,
    )
    .await;

    let cn = "/payments/cancel";
    c.call(
        &env,
        M::POST,
        cn,
        cn,
        Some(json!({"imp_uid": imp, "amount": 1000, "checksum": 5000})),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        cn,
        cn,
        Some(json!({"imp_uid": imp, "amount": 99999})),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        cn,
        cn,
        Some(json!({"imp_uid": "imp_1"})),
        S::OK,
        None,
    )
    .await;

    env.control("/__sandbox/customers/oa_cu", json!({})).await;
    env.control("/__sandbox/customers/oa_decl", json!({"decline": true}))
        .await;
    let cu = "/subscribe/customers/{customer_uid}";
    c.call(
        &env,
        M::GET,
        cu,
        "/subscribe/customers/oa_cu",
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        cu,
        "/subscribe/customers/oa_none",
        None,
        S::NOT_FOUND,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        cu,
        "/subscribe/customers/oa_card",
        Some(json!({"card_number": "1234-1234-1234-1234", "expiry": "2030-01"})),
        S::OK,
        None,
    )
    .await;
    let cs = "/subscribe/customers";
    c.call(
        &env,
        M::GET,
        cs,
        "/subscribe/customers?customer_uid[]=oa_cu",
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        cs,
        "/subscribe/customers?customer_uid[]=oa_cu&customer_uid[]=x",
        None,
        S::MULTI_STATUS,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        cs,
        "/subscribe/customers?customer_uid[]=x",
        None,
        S::NOT_FOUND,
        None,
    )
    .await;

    let ag = "/subscribe/payments/again";
    let again = |cu: &str, m: &str| json!({"customer_uid": cu, "merchant_uid": m, "amount": 900, "name": "정기"});
    c.call(
        &env,
        M::POST,
        ag,
        ag,
        Some(again("oa_cu", "oa_again")),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        ag,
        ag,
        Some(again("oa_decl", "oa_again_d")),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        ag,
        ag,
        Some(again("oa_nobody", "oa_again_x")),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        "/subscribe/customers/{customer_uid}/payments",
        "/subscribe/customers/oa_cu/payments",
        None,
        S::OK,
        None,
    )
    .await;

    let now = env.now().await;
    let sc = "/subscribe/payments/schedule";
    let sched = |m: &str, at: i64| json!({"customer_uid": "oa_cu", "schedules": [{"merchant_uid": m, "schedule_at": at, "amount": 900, "name": "정기"}]});
    c.call(
        &env,
        M::POST,
        sc,
        sc,
        Some(sched("oa_s1", now + 100)),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        sc,
        sc,
        Some(sched("oa_s2", now + 200)),
        S::OK,
        None,
    )
    .await;
    let window = format!("?schedule_from={now}&schedule_to={}", now + 86_400);
    c.call(
        &env,
        M::GET,
        sc,
        &format!("{sc}{window}"),
        None,
        S::OK,
        Some("PagedScheduleResponse"),
    )
    .await;
    c.call(&env, M::GET, sc, sc, None, S::BAD_REQUEST, None)
        .await;
    let bc = "/subscribe/payments/schedule/customers/{customer_uid}";
    let by_customer = format!(
        "/subscribe/payments/schedule/customers/oa_cu?from={now}&to={}",
        now + 86_400
    );
    c.call(
        &env,
        M::GET,
        bc,
        &by_customer,
        None,
        S::OK,
        Some("PagedScheduleResponse"),
    )
    .await;
    let one = "/subscribe/payments/schedule/{merchant_uid}";
    c.call(
        &env,
        M::GET,
        one,
        "/subscribe/payments/schedule/oa_s1",
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::GET,
        one,
        "/subscribe/payments/schedule/oa_none",
        None,
        S::NOT_FOUND,
        None,
    )
    .await;
    c.call(
        &env,
        M::PUT,
        one,
        "/subscribe/payments/schedule/oa_s1",
        Some(json!({"schedule_at": now + 300})),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::PUT,
        one,
        "/subscribe/payments/schedule/oa_s1",
        Some(json!({"schedule_at": now - 300})),
        S::BAD_REQUEST,
        None,
    )
    .await;
    let un = "/subscribe/payments/unschedule";
    c.call(
        &env,
        M::POST,
        un,
        un,
        Some(json!({"customer_uid": "oa_cu", "merchant_uid": ["oa_s2"]})),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        un,
        un,
        Some(json!({"customer_uid": "oa_cu", "merchant_uid": ["oa_s2"]})),
        S::OK,
        None,
    )
    .await;
    let rs = "/subscribe/payments/schedule/{merchant_uid}/reschedule";
    c.call(
        &env,
        M::POST,
        rs,
        "/subscribe/payments/schedule/oa_s2/reschedule",
        Some(json!({"schedule_at": now + 400})),
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        rs,
        "/subscribe/payments/schedule/oa_none/reschedule",
        Some(json!({"schedule_at": now + 400})),
        S::NOT_FOUND,
        None,
    )
    .await;
    env.post(un, json!({"merchant_uid": ["oa_s2"]})).await;
    let rt = "/subscribe/payments/schedule/{merchant_uid}/retry";
    c.call(
        &env,
        M::POST,
        rt,
        "/subscribe/payments/schedule/oa_s2/retry",
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::POST,
        rt,
        "/subscribe/payments/schedule/oa_s2/retry",
        None,
        S::BAD_REQUEST,
        None,
    )
    .await;
    c.call(
        &env,
        M::DELETE,
        cu,
        "/subscribe/customers/oa_cu",
        None,
        S::OK,
        None,
    )
    .await;
    c.call(
        &env,
        M::DELETE,
        cu,
        "/subscribe/customers/oa_cu",
        None,
        S::NOT_FOUND,
        None,
    )
    .await;

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
