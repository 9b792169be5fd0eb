//! Operations over HTTP against the fake: batching, paging, ids in paths, cancel, again.

use futures::TryStreamExt;
use iamport::{CancelRequest, Error, PaymentStatus, StatusQuery};

use crate::fake::{Fake, Knobs};

#[tokio::test]
async fn batch_of_250_ids_is_split_into_calls_of_at_most_100() {
    let fake = Fake::start().await;
    let imp_uids: Vec<String> = (0..200).map(|i| format!("imp_{i:012}")).collect();
    let mut merchant_uids: Vec<String> = (0..45).map(|i| format!("order_{i}")).collect();
    merchant_uids.extend((0..5).map(|i| format!("missing_{i}")));
    let found = fake
        .client()
        .payments_by_ids(&imp_uids, &merchant_uids)
        .await
        .expect("batched lookup");
    assert_eq!(
        found.len(),
        245,
        "every existing payment, the 5 missing ones absent"
    );
    assert_eq!(
        fake.knobs().batch_sizes,
        vec![100, 100, 50],
        "calls of at most 100 ids"
    );
    fake.stop().await;
}

#[tokio::test]
async fn batch_where_nothing_exists_is_empty_not_an_error() {
    let fake = Fake::start().await;
    let found = fake
        .client()
        .payments_by_ids(&["missing_1".into()], &["missing_2".into()])
        .await
        .expect("404 means none found");
    assert!(found.is_empty(), "nothing found");
    fake.stop().await;
}

#[tokio::test]
async fn empty_batch_sends_nothing() {
    let fake = Fake::start().await;
    let found = fake
        .client()
        .payments_by_ids(&[], &[])
        .await
        .expect("empty");
    assert!(found.is_empty(), "nothing asked, nothing found");
    assert_eq!(
        fake.token_calls() + fake.business_calls(),
        0,
        "no request at all"
    );
    fake.stop().await;
}

#[tokio::test]
async fn page_stream_walks_every_page_in_order() {
    let fake = Fake::start_with(Knobs {
        status_total: 45,
        ..Knobs::default()
    })
    .await;
    let q = StatusQuery {
        status: Some(PaymentStatus::Paid),
        limit: Some(20),
        ..StatusQuery::default()
    };
    let pages: Vec<_> = fake
        .client()
        .payments_by_status_pages(q)
        .try_collect()
        .await
        .expect("all pages");
    let sizes: Vec<usize> = pages.iter().map(|p| p.list.len()).collect();
    assert_eq!(sizes, vec![20, 20, 5], "three pages of 20, 20, 5");
    assert!(
        pages
            .iter()
            .flat_map(|p| &p.list)
            .all(|p| p.status == PaymentStatus::Paid),
        "the status filter reached the server"
    );
    assert_eq!(pages[2].next, None, "the last page has no next");
    fake.stop().await;
}

#[tokio::test]
async fn merchant_uid_with_a_slash_stays_one_path_segment() {
    let fake = Fake::start().await;
    fake.client()
        .find_payment("a/b c", Some(PaymentStatus::Paid))
        .await
        .expect("found");
    assert_eq!(
        fake.knobs().find_paths,
        vec!["/payments/find/a%2Fb%20c/paid".to_owned()],
        "the id is percent-encoded, the status is its own segment"
    );
    fake.stop().await;
}

#[tokio::test]
async fn cancel_with_a_wrong_checksum_is_refused_as_an_api_error() {
    let fake = Fake::start().await;
    let client = fake.client();
    let req = CancelRequest {
        imp_uid: Some("imp_088022300265".into()),
        checksum: Some(999),
        reason: Some("테스트".into()),
        ..CancelRequest::default()
    };
    let err = client.cancel(&req).await.expect_err("checksum differs");
    assert!(matches!(err, Error::Api { code: 1, .. }), "got {err:?}");
    let ok = client
        .cancel(&CancelRequest {
            checksum: Some(1),
            ..req
        })
        .await
        .expect("checksum matches");
    assert_eq!(ok.refundable(), 0, "fully cancelled");
    fake.stop().await;
}

#[tokio::test]
async fn declined_again_is_reported_as_a_failed_payment() {
    let fake = Fake::start().await;
    let p = fake
        .client()
        .again(&iamport::AgainRequest {
            customer_uid: "store17_card1".into(),
            merchant_uid: "renew_01HZX9".into(),
            amount: 9900,
            name: "월간 이용권".into(),
            ..Default::default()
        })
        .await
        .expect("a decline is an answer, not an error");
    assert_eq!(p.status, PaymentStatus::Failed, "declined");
    assert!(!p.is_paid(), "not paid");
    assert!(p.fail_reason.is_some(), "with a reason");
    fake.stop().await;
}

#[tokio::test]
async fn client_futures_and_page_streams_can_be_spawned() {
    fn is_send_sync_static<T: Send + Sync + 'static>(_: &T) {}
    let fake = Fake::start_with(Knobs {
        status_total: 3,
        ..Knobs::default()
    })
    .await;
    let client = fake.client();
    let c = client.clone();
    let lookup = tokio::spawn(async move { c.payment("imp_1").await });
    let c = client.clone();
    let pages = tokio::spawn(async move {
        c.payments_by_status_pages(StatusQuery::default())
            .try_collect::<Vec<_>>()
            .await
    });
    let payment = lookup.await.expect("task ran").expect("lookup");
    let pages = pages.await.expect("task ran").expect("pages");
    assert_eq!(payment.imp_uid, "imp_1", "spawned lookup answered");
    assert_eq!(pages.len(), 1, "spawned stream walked its page");
    let err = client.payment("missing_1").await.expect_err("404");
    is_send_sync_static(&err);
    is_send_sync_static(&client);
    fake.stop().await;
}

#[tokio::test]
async fn page_stream_stops_at_an_empty_page_even_if_the_server_claims_more() {
    let fake = Fake::start_with(Knobs {
        status_total: 25,
        lying_next: true,
        ..Knobs::default()
    })
    .await;
    let pages: Vec<_> = fake
        .client()
        .payments_by_status_pages(StatusQuery {
            limit: Some(20),
            ..StatusQuery::default()
        })
        .try_collect()
        .await
        .expect("pages");
    let sizes: Vec<usize> = pages.iter().map(|p| p.list.len()).collect();
    assert_eq!(sizes, vec![20, 5, 0], "stops after the first empty page");
    fake.stop().await;
}
