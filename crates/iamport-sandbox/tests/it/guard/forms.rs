//! A guarded sandbox against web form posts and no-cors fetches from another site.

use super::{guarded, host_of, payments_for, raw, FORM_PAYMENT};
use iamport_sandbox::CONTROL_TOKEN_HEADER;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guarded_sandbox_refuses_web_form_posts_and_no_cors_fetches() {
    let (env, token) = guarded().await;
    let host = host_of(&env);
    let addr = env.sandbox.addr();
    // What a page can send without a preflight: a form, text/plain, or no body at all.
    let simple = [
        ("application/x-www-form-urlencoded", FORM_PAYMENT),
        ("multipart/form-data; boundary=x", "--x--"),
        ("text/plain", r#"{"merchant_uid":"csrf_3","amount":1000}"#),
    ];
    for (content_type, body) in simple {
        // Even with the token (which a page cannot have), the content type alone is refused.
        let control = raw(
            addr,
            "POST",
            "/__sandbox/payments",
            &host,
            &[
                ("Content-Type", content_type),
                (CONTROL_TOKEN_HEADER, &token),
            ],
            body,
        );
        assert_eq!(
            control.status, 415,
            "control API, {content_type}: {}",
            control.body
        );
        let sdk = raw(
            addr,
            "POST",
            "/__sdk/open",
            &host,
            &[("Content-Type", content_type)],
            body,
        );
        assert_eq!(sdk.status, 415, "SDK open, {content_type}: {}", sdk.body);
        let login = raw(
            addr,
            "POST",
            "/users/getToken",
            &host,
            &[("Content-Type", content_type)],
            body,
        );
        assert_eq!(
            login.status, 415,
            "getToken, {content_type}: {}",
            login.body
        );
    }
    let bodiless = raw(addr, "POST", "/__sdk/complete", &host, &[], "");
    assert_eq!(
        bodiless.status, 415,
        "a bodiless no-cors POST is refused: {}",
        bodiless.body
    );
    let reset = raw(
        addr,
        "POST",
        "/__sandbox/reset",
        &host,
        &[(CONTROL_TOKEN_HEADER, &token)],
        "",
    );
    assert_eq!(
        reset.status, 415,
        "state changes are JSON, even a reset: {}",
        reset.body
    );
    assert_eq!(
        payments_for(&env, "csrf_1").await + payments_for(&env, "csrf_3").await,
        0,
        "nothing was created"
    );

    // The app's own REST client is unaffected: JSON bodies, and bodiless calls with a token.
    let (status, body) = env.delete("/subscribe/customers/nobody").await;
    assert_ne!(
        status.as_u16(),
        415,
        "a bodiless DELETE with the access token is not a form post: {body}"
    );
    let (status, body) = env.post_form("/payments/cancel", "imp_uid=imp_1").await;
    assert_eq!(
        status.as_u16(),
        415,
        "a form body is refused on REST routes too: {body}"
    );
}
