//! Every answer in Iamport's `{code, message, response}` envelope, and the exact answers Iamport
//! gives for things that do not exist (what a store gets for another store's payments).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// `{code: 0, message: null, response}` with HTTP 200.
pub fn ok(response: impl Serialize) -> Response {
    ok_with(StatusCode::OK, response)
}

/// A success with another status (207 for partial batch lookups).
pub fn ok_with(status: StatusCode, response: impl Serialize) -> Response {
    (
        status,
        Json(json!({"code": 0, "message": null, "response": response})),
    )
        .into_response()
}

/// An error envelope.
pub fn error(status: StatusCode, code: i64, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"code": code, "message": message.into(), "response": null})),
    )
        .into_response()
}

/// Missing, unknown, expired or disabled token; wrong store key or secret.
pub fn unauthorized(message: &str) -> Response {
    let mut r = error(StatusCode::UNAUTHORIZED, -1, message);
    r.headers_mut().insert(
        "WWW-Authorize",
        axum::http::HeaderValue::from_static("iamport"),
    );
    r
}

/// Iamport's answer for a payment that does not exist (lookup, find, batch with none found).
pub fn payment_not_found() -> Response {
    error(StatusCode::NOT_FOUND, -1, "존재하지 않는 결제정보입니다.")
}

/// Iamport's answer to a cancel of a payment that does not exist.
pub fn nothing_to_cancel() -> Response {
    error(StatusCode::OK, 1, "취소할 결제건이 존재하지 않습니다.")
}

/// Iamport's answer for a billing key that does not exist.
pub fn customer_not_found(customer_uid: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        1,
        format!("요청하신 customer_uid({customer_uid})로 등록된 정보를 찾을 수 없습니다."),
    )
}

/// Iamport's answer to `again` with a billing key that does not exist.
pub fn unknown_buyer() -> Response {
    error(StatusCode::OK, 1, "등록되지 않은 구매자입니다.")
}

/// Iamport's answer to `schedule` for a billing key that does not exist.
pub fn no_customer_info() -> Response {
    error(StatusCode::OK, 1, "등록된 고객정보가 없습니다.")
}

/// Iamport's answer to `unschedule` with nothing to revoke.
pub fn nothing_to_unschedule() -> Response {
    error(
        StatusCode::OK,
        1,
        "취소할 예약결제 기록이 존재하지 않습니다.",
    )
}

/// Iamport's answer for a schedule that does not exist.
pub fn schedule_not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        1,
        "merchant_uid로 조회되는 예약결제건이 존재하지 않습니다.",
    )
}

/// Iamport's answer for a `prepare` registration that does not exist.
pub fn prepare_not_found() -> Response {
    error(StatusCode::NOT_FOUND, 1, "사전등록된 결제정보가 없습니다.")
}

/// A path the relay does not serve.
pub fn unknown_path() -> Response {
    error(StatusCode::NOT_FOUND, 1, "요청하신 API를 찾을 수 없습니다.")
}

/// A V1 operation stores may not use through the relay.
pub fn not_allowed() -> Response {
    error(
        StatusCode::FORBIDDEN,
        1,
        "중계 서버에서는 사용할 수 없는 API입니다. (not available through the relay)",
    )
}

/// A write naming a uid without the store's prefix.
pub fn foreign_uid(uid: &str) -> Response {
    error(
        StatusCode::FORBIDDEN,
        1,
        format!(
            "이 매장의 주문번호/고객번호가 아닙니다: {uid}. 설정의 매장 접두어를 확인하세요. \
             (uid lacks the store's prefix)"
        ),
    )
}

/// A malformed or out-of-range parameter.
pub fn invalid(what: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        1,
        format!("잘못된 요청 파라미터입니다: {what}"),
    )
}

/// The relay's database is unavailable: nothing was forwarded. Marked like [`unreachable`]: to the
/// store Iamport cannot be reached just now, nothing reached it, and repeating is safe (a write is
/// not left "of unknown outcome" for the store to look up).
pub fn db_unavailable() -> Response {
    let mut r = error(
        StatusCode::SERVICE_UNAVAILABLE,
        -1,
        "중계 서버의 데이터베이스를 사용할 수 없어 요청을 보내지 않았습니다. 잠시 후 다시 시도하세요. \
         (relay database unavailable; nothing was sent)",
    );
    r.headers_mut().insert(
        iamport::UNREACHABLE_HEADER,
        axum::http::HeaderValue::from_static(iamport::UNREACHABLE_VALUE),
    );
    r
}

/// Too many requests from one store, with `Retry-After: retry_after_secs` (at least 1): the
/// store's client sends nothing more until then.
pub fn rate_limited(retry_after_secs: i64) -> Response {
    let mut r = error(
        StatusCode::TOO_MANY_REQUESTS,
        -1,
        "요청이 너무 많습니다. 잠시 후 다시 시도하세요. (rate limit)",
    );
    r.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(retry_after_secs.max(1)),
    );
    r
}

/// `response` as is, unless it is a 429 without `Retry-After`: then it gets one, the whole
/// seconds of `left` (what is left of Iamport's pause), at least 1.
pub fn with_retry_after(mut response: Response, left: Option<std::time::Duration>) -> Response {
    let headers = response.headers();
    if response.status() != StatusCode::TOO_MANY_REQUESTS
        || headers.contains_key(axum::http::header::RETRY_AFTER)
    {
        return response;
    }
    let secs = left.map_or(1, |left| {
        left.as_secs()
            .saturating_add(u64::from(left.subsec_nanos() > 0))
            .max(1)
    });
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(secs),
    );
    response
}

/// The answer for an upstream failure, in the store's terms.
pub fn upstream(e: &iamport::Error) -> Response {
    use iamport::Error as E;
    match e {
        E::NotFound { code, message, .. } => {
            error(StatusCode::NOT_FOUND, code.unwrap_or(1), message.clone())
        }
        E::Api {
            http_status,
            code,
            message,
            ..
        } => error(
            StatusCode::from_u16(*http_status).unwrap_or(StatusCode::BAD_REQUEST),
            *code,
            message.clone(),
        ),
        E::InvalidRequest { reason, .. } => invalid(reason),
        // Never a 401: the store would think its own token is bad.
        E::Auth { .. } | E::Config { .. } | E::InsecureBaseUrl { .. } => error(
            StatusCode::BAD_GATEWAY,
            -1,
            "중계 서버가 Iamport에 인증하지 못했습니다. Panmusic에 문의하세요. (relay upstream credentials refused)",
        ),
        E::OutcomeUnknown { .. } => error(
            StatusCode::GATEWAY_TIMEOUT,
            -1,
            "Iamport의 응답을 받지 못해 결과를 알 수 없습니다. 결제를 조회한 뒤 다시 시도하세요. \
             (outcome unknown: look it up before retrying)",
        ),
        // Nothing reached Iamport (a write) or repeating is harmless (a lookup): the store's
        // client takes this as it takes a dead Iamport, and goes offline.
        E::Transport { .. } => unreachable(),
        E::Server { .. } | E::Decode { .. } => error(
            StatusCode::BAD_GATEWAY,
            -1,
            "Iamport가 오류로 응답했습니다. 잠시 후 다시 시도하세요. (upstream failing)",
        ),
    }
}

/// The answer to a write the relay did not send because the lookup it must make first (whose
/// payment this is, what the schedule looked like) failed. Nothing reached Iamport, so the
/// store must be able to send it again as is: an Iamport failure is answered as "unreachable"
/// (503 with [`iamport::UNREACHABLE_HEADER`], the one answer a store's client takes as "not
/// sent, safe to repeat"), never as the lookup's own 5xx, which the client of a write must take
/// as "outcome unknown" (and then look the payment up before every later attempt). Iamport's
/// real answers (not found, refused) are passed on as for the lookup.
pub fn not_sent(e: &iamport::Error) -> Response {
    use iamport::Error as E;
    match e {
        E::Transport { .. } | E::Server { .. } | E::Decode { .. } | E::OutcomeUnknown { .. } => {
            let mut r = error(
                StatusCode::SERVICE_UNAVAILABLE,
                -1,
                "Iamport가 응답하지 않아 요청을 보내지 않았습니다. 잠시 후 다시 시도하세요. \
                 (Iamport failing; nothing was sent)",
            );
            r.headers_mut().insert(
                iamport::UNREACHABLE_HEADER,
                axum::http::HeaderValue::from_static(iamport::UNREACHABLE_VALUE),
            );
            r
        }
        _ => upstream(e),
    }
}

/// Iamport cannot be reached from the relay: 503 with [`iamport::UNREACHABLE_HEADER`], which
/// the store's client classifies exactly as a failed connection to Iamport itself (retryable,
/// nothing sent, offline). Only for requests that did not reach Iamport.
pub fn unreachable() -> Response {
    let mut r = error(
        StatusCode::SERVICE_UNAVAILABLE,
        -1,
        "Iamport에 연결할 수 없습니다. 잠시 후 다시 시도하세요. (Iamport unreachable)",
    );
    r.headers_mut().insert(
        iamport::UNREACHABLE_HEADER,
        axum::http::HeaderValue::from_static(iamport::UNREACHABLE_VALUE),
    );
    r
}
