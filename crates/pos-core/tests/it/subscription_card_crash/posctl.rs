//! `posctl subscriptions change-card` given the key of a paid card-change window (the owner's
//! 카드 변경, confirmed at the terminal when the app missed the window's result): the 100원
//! check is verified and refunded in full before the subscription moves, as in the app.

use super::case::CardCase;
use crate::relay_support::{over_both, Backend};

async fn change_card_to_a_window_key_refunds_its_check_before_moving(backend: Backend) {
    let case = CardCase::paid_window(backend).await;
    let before = case.before().await;
    let key = case.window.customer_uid.clone();
    let args = [
        "subscriptions",
        "change-card",
        &case.sub_id,
        "--customer-uid",
        &key,
    ];
    let out = case.run_ok(case.posctl(&args), "posctl change-card").await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("카드를 변경했습니다"), "Korean first: {text}");
    case.assert_settled(&before, &key, "after posctl change-card")
        .await;
    case.sbx.stop().await;
}
over_both!(change_card_to_a_window_key_refunds_its_check_before_moving);
