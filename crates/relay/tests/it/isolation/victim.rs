//! Store B's objects, made for real before store A attacks them: a paid order that B's own reads
//! put in the relay's table, a billing key with a renewal scheduled on it, and two bank
//! transfers, one with B's cash receipt and one without any yet.

use panmusic_relay::db::stores::NewStore;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{in_a_month, Env};

/// What B holds at Iamport, reached through the relay.
pub(super) struct Victim {
    /// B's uid prefix.
    pub(super) pb: String,
    /// B's access token at the relay.
    pub(super) b_token: String,
    /// A paid order's merchant_uid.
    pub(super) b_order: String,
    /// That order's payment.
    pub(super) b_imp: String,
    /// The customer_uid of B's billing key, with `{pb}renew_1` scheduled on it.
    pub(super) b_customer: String,
    /// A paid bank transfer with B's cash receipt.
    pub(super) b_cash_imp: String,
    /// A paid bank transfer without a cash receipt yet.
    pub(super) b_cash2_imp: String,
    /// The body that issues a cash receipt.
    pub(super) receipt_body: Value,
}

impl Victim {
    /// Makes B's objects in `env`, checking that B itself could schedule, read and issue each.
    pub(super) async fn set_up(env: &Env, b: &NewStore) -> Victim {
        let pb = &b.prefix;
        let b_order = format!("{pb}order_1");
        let b_imp = env.paid(&b_order, 9900).await;
        let b_customer = format!("{pb}cust_1");
        env.billing_key(&b_customer).await;
        let b_token = env.token(b).await;
        let (status, body) = env
        .relay(
            &b_token,
            Method::POST,
            "/subscribe/payments/schedule",
            Some(json!({"customer_uid": b_customer, "schedules": [
                {"merchant_uid": format!("{pb}renew_1"), "schedule_at": in_a_month(), "amount": 9900, "name": "정기결제"}]})),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_i64()),
            (200, Some(0)),
            "B schedules on its own key: {body}"
        );
        // B's own reads put its payment in the relay's table (fresh for a minute in one variant).
        for path in [
            format!("/payments/{b_imp}"),
            format!("/payments?merchant_uid[]={b_order}"),
        ] {
            let (status, _) = env.relay(&b_token, Method::GET, &path, None).await;
            assert_eq!(status, 200, "B reads {path}");
        }
        // B's bank transfers: one with B's cash receipt, one without any yet.
        let b_cash_imp = crate::receipts::paid_transfer(env, &format!("{pb}order_cash")).await;
        let b_cash2_imp = crate::receipts::paid_transfer(env, &format!("{pb}order_cash2")).await;
        let receipt_body = json!({"identifier": "01012345678", "type": "person"});
        let (status, body) = env
            .relay(
                &b_token,
                Method::POST,
                &format!("/receipts/{b_cash_imp}"),
                Some(receipt_body.clone()),
            )
            .await;
        assert_eq!(status, 200, "B issues its own cash receipt: {body}");
        Victim {
            pb: pb.clone(),
            b_token,
            b_order,
            b_imp,
            b_customer,
            b_cash_imp,
            b_cash2_imp,
            receipt_body,
        }
    }
}
