//! `POST /users/getToken` with a store's key and secret, and the extractor that turns a relay
//! token into the store it belongs to (checked against PostgreSQL on every request, so a
//! disabled store is refused at once, by every instance).

use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;

use crate::db::{stores, tokens};
use crate::envelope;
use crate::state::Shared;

#[derive(Deserialize)]
struct TokenRequest {
    imp_key: Option<String>,
    imp_secret: Option<String>,
}

/// `POST /users/getToken`: a relay token for the store whose key and secret these are. Each
/// call issues a new token valid 30 minutes (only hashes are stored, so an existing one
/// cannot be handed back); the real Iamport token never leaves the relay.
pub async fn get_token(State(state): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    let Some(TokenRequest {
        imp_key: Some(key),
        imp_secret: Some(secret),
    }) = super::body::<TokenRequest>(&headers, &bytes)
    else {
        return envelope::invalid("imp_key, imp_secret");
    };
    let Ok(db) = state.db.get().await else {
        return envelope::db_unavailable();
    };
    let store = match stores::authenticate(&**db, &key, &secret).await {
        Ok(Some(store)) => store,
        Ok(None) => return envelope::unauthorized("imp_key, imp_secret 인증에 실패하였습니다."),
        Err(e) => {
            tracing::warn!(error = %e, "getToken: database");
            return envelope::db_unavailable();
        }
    };
    let mut raw = [0u8; 20];
    rand::rng().fill(&mut raw);
    let token = hex::encode(raw);
    match tokens::insert(&**db, store.id, &token).await {
        Ok(()) => {
            // Iamport's clock, so the store's money timing follows Iamport's as in direct mode.
            let now = state.clock.now();
            envelope::ok(json!({
                "access_token": token,
                "now": now,
                "expired_at": now + tokens::LIFETIME_SECS,
            }))
        }
        Err(e) => {
            tracing::warn!(error = %e, "getToken: database");
            envelope::db_unavailable()
        }
    }
}

/// The authenticated, rate-limited store making this request.
pub struct Authed(pub stores::Store);

fn token_of(headers: &HeaderMap) -> Option<String> {
    let raw = headers
        .get(axum::http::header::AUTHORIZATION)
        .or_else(|| headers.get("X-ImpTokenHeader"))?
        .to_str()
        .ok()?
        .trim();
    let token = raw.strip_prefix("Bearer ").unwrap_or(raw).trim();
    (!token.is_empty()).then(|| token.to_owned())
}

impl FromRequestParts<Shared> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Response> {
        let Some(token) = token_of(&parts.headers) else {
            return Err(envelope::unauthorized("Unauthorized"));
        };
        let db = state
            .db
            .get()
            .await
            .map_err(|_| envelope::db_unavailable())?;
        let store = match stores::by_token(&**db, &token).await {
            Ok(Some(store)) => store,
            Ok(None) => return Err(envelope::unauthorized("Unauthorized")),
            Err(e) => {
                tracing::warn!(error = %e, "token check: database");
                return Err(envelope::db_unavailable());
            }
        };
        match crate::limit::admit(&**db, store.id, store.requests_per_second).await {
            Ok(crate::limit::Admission::Admitted) => {}
            // A dead Iamport never answers "too many requests": while Iamport is marked
            // unreachable, a store over its rate is told that instead (a 429 would tell its
            // offline probe that Iamport answered).
            Ok(crate::limit::Admission::Refused { retry_after_secs }) => {
                let unreachable = crate::reach::unreachable(state, &**db).await;
                return Err(if unreachable {
                    envelope::unreachable()
                } else {
                    envelope::rate_limited(retry_after_secs)
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "rate limit: database");
                return Err(envelope::db_unavailable());
            }
        }
        Ok(Authed(store))
    }
}
