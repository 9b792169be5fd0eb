//! The official definitions, corrected where Swagger 2.0 cannot say what the real API sends.

use reqwest::{Method, StatusCode};
use serde_json::{json, Map, Value};

pub fn spec() -> Value {
    let text = include_str!("../../data/openapi.json");
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
pub fn corrected_definitions() -> Value {
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
pub fn declared(spec: &Value, method: &Method, path: &str, status: StatusCode) -> Option<String> {
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
