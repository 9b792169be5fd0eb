//! Cash receipts (현금영수증) through the relay: the store's own payments only (the isolation
//! tests attack the others), every issue and cancel audited without the buyer's full number, and an
//! issue or cancel whose answer was lost is looked up, never sent twice.

use serde_json::json;

use crate::support::Env;

/// A paid bank transfer (cash-like, so it can carry a cash receipt); returns its imp_uid.
pub async fn paid_transfer(env: &Env, merchant_uid: &str) -> String {
    let (status, body) = env
        .control(
            "/__sandbox/payments",
            json!({"merchant_uid": merchant_uid, "amount": 9900, "pay_method": "trans",
                   "outcome": "paid"}),
        )
        .await;
    assert_eq!(status, 200, "sandbox payment: {body}");
    body["response"]["imp_uid"]
        .as_str()
        .expect("imp_uid")
        .to_owned()
}

fn person(phone: &str) -> iamport::ReceiptRequest {
    iamport::ReceiptRequest {
        identifier: phone.into(),
        identifier_type: Some("phone".into()),
        receipt_type: iamport::ReceiptType::Person,
        buyer_name: None,
        product_type: Some("digital".into()),
    }
}

async fn outcomes(env: &Env, operation: &str) -> Vec<String> {
    env.sql(&format!(
        "SELECT o.outcome FROM audit a JOIN audit_outcomes o ON o.audit_id = a.id \
         WHERE a.operation = '{operation}' ORDER BY o.id"
    ))
    .await
    .iter()
    .map(|r| r.get(0))
    .collect()
}

#[tokio::test]
async fn a_store_issues_looks_up_and_cancels_its_own_cash_receipt_audited_without_the_number() {
    let env = Env::start().await;
    let store = env.add_store("A").await;
    let imp = paid_transfer(&env, &format!("{}order_1", store.prefix)).await;
    let client = env.store_client(&store);
    let issued = client
        .issue_receipt(&imp, &person("010-1234-5678"))
        .await
        .expect("issued");
    assert!(issued.is_active(), "the receipt stands: {issued:?}");
    assert_eq!(issued.amount, 9900, "for the payment's amount");
    let seen = client.receipt(&imp).await.expect("looked up");
    assert_eq!(seen.receipt_tid, issued.receipt_tid, "the same receipt");
    let cancelled = client.cancel_receipt(&imp).await.expect("cancelled");
    assert!(!cancelled.is_active(), "cancelled: {cancelled:?}");
    let requests: Vec<String> = env
        .sql("SELECT request::text FROM audit WHERE operation = 'issue_receipt'")
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(requests.len(), 1, "the issue is audited");
    assert!(
        requests[0].contains("***5678") && !requests[0].contains("1234"),
        "the audit keeps only the last four digits: {}",
        requests[0]
    );
    assert_eq!(outcomes(&env, "issue_receipt").await, ["answered"]);
    assert_eq!(outcomes(&env, "cancel_receipt").await, ["answered"]);
}

#[tokio::test]
async fn a_receipt_issue_or_cancel_whose_answer_was_lost_is_looked_up_not_sent_again() {
    let (env, proxy) = Env::start_behind_proxy().await;
    let store = env.add_store("A").await;
    let imp = paid_transfer(&env, &format!("{}order_1", store.prefix)).await;
    let client = env.store_client(&store);
    // The relay's own token, and the payment in its table, before replies start getting lost.
    client.payment(&imp).await.expect("the store's payment");

    proxy.lose_replies(true);
    let first = client.issue_receipt(&imp, &person("01012345678")).await;
    proxy.lose_replies(false);
    assert!(
        first
            .as_ref()
            .is_err_and(iamport::Error::is_outcome_unknown),
        "the store is told the outcome is unknown: {first:?}"
    );
    let second = client
        .issue_receipt(&imp, &person("01012345678"))
        .await
        .expect("the retry is answered");
    assert!(second.is_active(), "with the receipt that was issued");
    assert_eq!(
        env.upstream_count("POST /receipts/{imp_uid}").await,
        1,
        "the receipt was issued once: the retry was answered by a look-up"
    );
    assert_eq!(
        outcomes(&env, "issue_receipt").await,
        ["unknown", "applied"]
    );

    proxy.lose_replies(true);
    let first = client.cancel_receipt(&imp).await;
    proxy.lose_replies(false);
    assert!(
        first
            .as_ref()
            .is_err_and(iamport::Error::is_outcome_unknown),
        "the store is told the outcome is unknown: {first:?}"
    );
    let second = client.cancel_receipt(&imp).await.expect("answered");
    assert!(!second.is_active(), "with the receipt cancelled");
    assert_eq!(
        env.upstream_count("DELETE /receipts/{imp_uid}").await,
        1,
        "cancelled once"
    );
    assert_eq!(
        outcomes(&env, "cancel_receipt").await,
        ["unknown", "applied"]
    );

    // Issued again after the cancel: a new write, sent, not answered from the audit.
    let again = client
        .issue_receipt(&imp, &person("01012345678"))
        .await
        .expect("issued again");
    assert!(
        again.is_active() && again.receipt_tid != second.receipt_tid,
        "a new receipt: {again:?}"
    );
    assert_eq!(
        env.upstream_count("POST /receipts/{imp_uid}").await,
        2,
        "the second issue reached Iamport"
    );
}
