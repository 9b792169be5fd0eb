//! Scheduled payments (REFERENCE §5.3–5.5, §5.7), executed by the sandbox clock.

use crate::support::{assert_error, assert_ok, Env};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn schedule_one(
    env: &Env,
    customer: &str,
    merchant_uid: &str,
    at: i64,
) -> (StatusCode, Value) {
    env.post(
        "/subscribe/payments/schedule",
        json!({"customer_uid": customer, "schedules": [
            {"merchant_uid": merchant_uid, "schedule_at": at, "amount": 9900, "name": "월 정기결제"}
        ]}),
    )
    .await
}

#[tokio::test]
async fn due_schedule_executes_when_the_clock_moves() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_s", json!({})).await;
    let now = env.now().await;
    let (status, body) = schedule_one(&env, "cu_s", "sched_1", now + 3600).await;
    let list = assert_ok(status, &body, "schedule");
    assert_eq!(list[0]["schedule_status"], "scheduled", "waiting");
    assert!(
        list[0]["payment_status"].is_null(),
        "payment_status null before execution"
    );
    assert!(
        list[0]["imp_uid"].is_null(),
        "imp_uid null before execution"
    );
    assert_eq!(list[0]["executed_at"], 0, "executed_at 0");
    let (_, body) = env.get("/payments/find/sched_1").await;
    assert_eq!(body["code"], -1, "no payment before the time: {body}");
    env.advance(3600).await;
    let (status, body) = env.get("/subscribe/payments/schedule/sched_1").await;
    let s = assert_ok(status, &body, "schedule lookup");
    assert_eq!(s["schedule_status"], "executed", "executed");
    assert_eq!(s["payment_status"], "paid", "paid");
    let (status, body) = env
        .get(&format!(
            "/payments/{}",
            s["imp_uid"].as_str().unwrap_or("")
        ))
        .await;
    let p = assert_ok(status, &body, "scheduled payment");
    assert_eq!(p["customer_uid_usage"], "payment.scheduled", "usage");
    assert_eq!(p["merchant_uid"], "sched_1", "merchant_uid");
}

#[tokio::test]
async fn due_schedule_executes_by_real_time_too() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_rt", json!({})).await;
    let now = env.now().await;
    let (status, body) = schedule_one(&env, "cu_rt", "sched_rt", now + 1).await;
    assert_ok(status, &body, "schedule in one second");
    let mut executed = false;
    for _ in 0..150 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (_, body) = env.get("/subscribe/payments/schedule/sched_rt").await;
        if body["response"]["schedule_status"] == "executed" {
            executed = true;
            break;
        }
    }
    assert!(
        executed,
        "the background tick (every second) runs a due schedule within 15 s"
    );
}

#[tokio::test]
async fn schedule_with_a_declining_key_executes_as_failed() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_sd", json!({"decline": true}))
        .await;
    let now = env.now().await;
    schedule_one(&env, "cu_sd", "sched_d", now + 60).await;
    env.advance(60).await;
    let (_, body) = env.get("/subscribe/payments/schedule/sched_d").await;
    let s = &body["response"];
    assert_eq!(s["schedule_status"], "executed", "attempted");
    assert_eq!(s["payment_status"], "failed", "declined");
    assert!(s["fail_reason"].is_string(), "fail_reason copied");
}

#[tokio::test]
async fn schedule_for_an_unknown_customer_is_code_1() {
    let env = Env::start().await;
    let now = env.now().await;
    let (status, body) = schedule_one(&env, "nobody", "sched_x", now + 60).await;
    assert_error(
        status,
        &body,
        StatusCode::OK,
        1,
        "unknown customer without card data",
    );
}

#[tokio::test]
async fn schedule_with_card_data_issues_the_key_first() {
    let env = Env::start().await;
    let now = env.now().await;
    let (status, body) = env
        .post(
            "/subscribe/payments/schedule",
            json!({"customer_uid": "cu_new", "card_number": "1111-2222-3333-4444", "expiry": "2031-01",
                   "schedules": [{"merchant_uid": "sched_new", "schedule_at": now + 60, "amount": 100, "name": "x"}]}),
        )
        .await;
    assert_ok(status, &body, "schedule issues a key");
    let (status, body) = env.get("/subscribe/customers/cu_new").await;
    assert_ok(status, &body, "key exists");
}

#[tokio::test]
async fn a_merchant_uid_cannot_be_scheduled_twice_or_after_it_was_paid() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_dd", json!({})).await;
    env.paid("sched_paid", 100).await;
    let now = env.now().await;
    let (status, body) = schedule_one(&env, "cu_dd", "sched_paid", now + 60).await;
    assert_error(status, &body, StatusCode::OK, 1, "already paid");
    schedule_one(&env, "cu_dd", "sched_twice", now + 60).await;
    let (status, body) = schedule_one(&env, "cu_dd", "sched_twice", now + 120).await;
    assert_error(status, &body, StatusCode::OK, 1, "already scheduled");
    let (status, body) = schedule_one(&env, "cu_dd", "sched_past", now - 1).await;
    assert_error(status, &body, StatusCode::OK, 1, "in the past");
}

#[tokio::test]
async fn schedule_accepts_php_style_form_bodies() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_f", json!({})).await;
    let at = env.now().await + 600;
    let form = format!(
        "customer_uid=cu_f&schedules[0][merchant_uid]=sf_1&schedules[0][schedule_at]={at}&schedules[0][amount]=1000&schedules[0][name]=a\
         &schedules[1][merchant_uid]=sf_2&schedules[1][schedule_at]={at}&schedules[1][amount]=2000&schedules[1][name]=b"
    );
    let (status, body) = env.post_form("/subscribe/payments/schedule", &form).await;
    let list = assert_ok(status, &body, "form schedule");
    assert_eq!(list.as_array().map(Vec::len), Some(2), "two schedules");
    assert_eq!(list[1]["amount"], 2000, "amount parsed as a number");
    let (status, body) = env
        .post_form(
            "/subscribe/payments/unschedule",
            "customer_uid=cu_f&merchant_uid[]=sf_1",
        )
        .await;
    let revoked = assert_ok(status, &body, "form unschedule");
    assert_eq!(revoked.as_array().map(Vec::len), Some(1), "one revoked");
}

#[tokio::test]
async fn unschedule_revokes_and_nothing_to_revoke_is_code_1() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_u", json!({})).await;
    let now = env.now().await;
    schedule_one(&env, "cu_u", "sched_u", now + 60).await;
    let (status, body) = env
        .post(
            "/subscribe/payments/unschedule",
            json!({"customer_uid": "cu_u", "merchant_uid": ["sched_u"]}),
        )
        .await;
    let list = assert_ok(status, &body, "unschedule");
    assert_eq!(list[0]["schedule_status"], "revoked", "revoked");
    assert!(
        list[0]["revoked_at"].as_i64().unwrap_or(0) > 0,
        "revoked_at set"
    );
    let (status, body) = env
        .post(
            "/subscribe/payments/unschedule",
            json!({"customer_uid": "cu_u"}),
        )
        .await;
    assert_error(status, &body, StatusCode::OK, 1, "nothing left to revoke");
    env.advance(120).await;
    let (_, body) = env.get("/payments/find/sched_u").await;
    assert_eq!(body["code"], -1, "a revoked schedule never charges");
}

#[tokio::test]
async fn put_moves_a_waiting_schedule_and_refuses_an_executed_one() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_p", json!({})).await;
    let now = env.now().await;
    schedule_one(&env, "cu_p", "sched_p", now + 60).await;
    let (status, body) = env
        .put(
            "/subscribe/payments/schedule/sched_p",
            json!({"schedule_at": now + 7200}),
        )
        .await;
    assert_eq!(
        assert_ok(status, &body, "put")["schedule_at"],
        now + 7200,
        "moved"
    );
    env.advance(7200).await;
    let (status, body) = env
        .put(
            "/subscribe/payments/schedule/sched_p",
            json!({"schedule_at": now + 99_999}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        1,
        "executed schedule cannot move",
    );
    let (status, body) = env.get("/subscribe/payments/schedule/nothing").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, 1, "unknown schedule");
}

#[tokio::test]
async fn retry_and_reschedule_a_failed_schedule() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_r", json!({"decline": true}))
        .await;
    let now = env.now().await;
    schedule_one(&env, "cu_r", "sched_r", now + 60).await;
    env.advance(60).await;
    env.control("/__sandbox/customers/cu_r", json!({"decline": false}))
        .await;
    let (status, body) = env
        .post("/subscribe/payments/schedule/sched_r/retry", json!({}))
        .await;
    let p = assert_ok(status, &body, "retry");
    assert_eq!(p["status"], "paid", "retry with a working key pays");
    let (status, body) = env
        .post("/subscribe/payments/schedule/sched_r/retry", json!({}))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        1,
        "a paid schedule cannot be retried",
    );
    schedule_one(&env, "cu_r", "sched_r2", now + 600).await;
    env.post(
        "/subscribe/payments/unschedule",
        json!({"merchant_uid": ["sched_r2"]}),
    )
    .await;
    let at = env.now().await + 3600;
    let (status, body) = env
        .post(
            "/subscribe/payments/schedule/sched_r2/reschedule",
            json!({"schedule_at": at}),
        )
        .await;
    let s = assert_ok(status, &body, "reschedule revoked");
    assert_eq!(s["schedule_status"], "scheduled", "waiting again");
    assert_eq!(s["schedule_at"], at, "new time");
}

#[tokio::test]
async fn schedule_lists_accept_both_parameter_spellings() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_l", json!({})).await;
    env.control("/__sandbox/customers/cu_m", json!({})).await;
    let now = env.now().await;
    schedule_one(&env, "cu_l", "sl_1", now + 100).await;
    schedule_one(&env, "cu_l", "sl_2", now + 200).await;
    schedule_one(&env, "cu_m", "sl_3", now + 300).await;
    let (from, to) = (now, now + 86_400);
    let (status, body) = env
        .get(&format!(
            "/subscribe/payments/schedule?schedule_from={from}&schedule_to={to}"
        ))
        .await;
    let page = assert_ok(status, &body, "list by window");
    assert_eq!(page["total"], 3, "all three");
    assert_eq!(
        page["list"][0]["merchant_uid"], "sl_3",
        "newest schedule_at first"
    );
    let (_, body) = env
        .get(&format!(
            "/subscribe/payments/schedule?schedule_from={from}&schedule_to={to}&sorting=scheduled"
        ))
        .await;
    assert_eq!(
        body["response"]["list"][0]["merchant_uid"], "sl_1",
        "sorting=scheduled is oldest first"
    );
    let (status, body) = env
        .get(&format!("/subscribe/payments/schedule/customers/cu_l?from={from}&to={to}&schedule-status=scheduled"))
        .await;
    assert_eq!(
        assert_ok(status, &body, "dash spelling")["total"],
        2,
        "customer's two"
    );
    let (status, body) = env
        .get(&format!("/subscribe/payments/schedule/customers/cu_l?schedule_from={from}&schedule_to={to}&schedule_status=revoked"))
        .await;
    assert_eq!(
        assert_ok(status, &body, "underscore spelling")["total"],
        0,
        "none revoked"
    );
    let (status, body) = env
        .get(&format!(
            "/subscribe/customers/cu_m/schedules?from={from}&to={to}"
        ))
        .await;
    assert_eq!(
        assert_ok(status, &body, "alias path")["total"],
        1,
        "cu_m's one"
    );
    let (status, body) = env.get("/subscribe/payments/schedule/customers/cu_l").await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        1,
        "from/to required",
    );
    let (status, body) = env
        .get(&format!(
            "/subscribe/payments/schedule?schedule_from={from}&schedule_to={}",
            from + 100 * 86_400
        ))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        1,
        "window over 3 months",
    );
}

#[tokio::test]
async fn schedule_accepts_percent_encoded_brackets_as_php_sends_them() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_php", json!({})).await;
    let at = env.now().await + 600;
    let form = format!(
        "customer_uid=cu_php&schedules%5B0%5D%5Bmerchant_uid%5D=php_1&schedules%5B0%5D%5Bschedule_at%5D={at}\
         &schedules%5B0%5D%5Bamount%5D=1000&schedules%5B0%5D%5Bname%5D=%EC%A0%95%EA%B8%B0"
    );
    let (status, body) = env.post_form("/subscribe/payments/schedule", &form).await;
    let list = assert_ok(status, &body, "http_build_query-style body");
    assert_eq!(list[0]["merchant_uid"], "php_1", "nested keys decoded");
    assert_eq!(list[0]["name"], "정기", "UTF-8 values decoded");
}
