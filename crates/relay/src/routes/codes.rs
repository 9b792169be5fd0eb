//! `GET /banks`: Iamport's standard bank codes, which the desktop app offers for a refund
//! account (a virtual-account refund names its bank by code). The same for every store and
//! about no payment, so it is forwarded as it is.

use axum::extract::State;
use axum::response::Response;

use super::auth::Authed;
use crate::envelope;
use crate::state::Shared;

/// `GET /banks`.
pub async fn banks(State(state): State<Shared>, Authed(_store): Authed) -> Response {
    let result = state.upstream.banks().await;
    crate::reach::saw(&state, &result).await;
    match result {
        Ok(list) => envelope::ok(list),
        Err(e) => envelope::upstream(&e),
    }
}
