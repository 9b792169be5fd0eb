//! `POST /users/getToken` and the token check on every other REST call.
//!
//! Rules (REFERENCE §2): tokens live 30 minutes; a request before expiry hands back the same
//! token and expiry; a request in the last minute extends it by 5 minutes; after expiry a new
//! 40-hex token is minted. `Authorization: <token>` and `Authorization: Bearer <token>` (and the
//! legacy `X-ImpTokenHeader`) are accepted; anything else is a 401 envelope.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

use crate::envelope::{ok, ApiError, ApiResult};
use crate::form::Input;
use crate::state::Shared;

/// Token lifetime in seconds.
pub const TOKEN_TTL: i64 = 30 * 60;
/// A request this close to expiry extends the token.
pub const EXTEND_WINDOW: i64 = 60;
/// How much such a request extends it.
pub const EXTEND_BY: i64 = 5 * 60;

/// Issued tokens and their expiry (Unix seconds, sandbox clock).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TokenBook {
    current: Option<String>,
    expiry: HashMap<String, i64>,
}

/// The outcome of a getToken call.
pub struct Issued {
    /// The token.
    pub token: String,
    /// Its expiry.
    pub expired_at: i64,
    /// True when a new token was minted (not a reuse).
    pub minted: bool,
}

impl TokenBook {
    /// Applies the reuse / extension / re-issue rules at `now`.
    pub fn issue(&mut self, now: i64) -> Issued {
        if let Some(token) = &self.current {
            if let Some(exp) = self.expiry.get_mut(token) {
                if *exp > now {
                    if *exp - now <= EXTEND_WINDOW {
                        *exp = exp.saturating_add(EXTEND_BY);
                    }
                    return Issued {
                        token: token.clone(),
                        expired_at: *exp,
                        minted: false,
                    };
                }
            }
        }
        // Forget expired tokens so the book stays small; they answer 401 either way.
        self.expiry.retain(|_, exp| *exp > now);
        let mut rng = rand::rng();
        let token: String = (0..20)
            .map(|_| format!("{:02x}", rng.random::<u8>()))
            .collect();
        let expired_at = now.saturating_add(TOKEN_TTL);
        self.expiry.insert(token.clone(), expired_at);
        self.current = Some(token.clone());
        Issued {
            token,
            expired_at,
            minted: true,
        }
    }

    /// True when `token` was issued and has not expired at `now`.
    pub fn is_valid(&self, token: &str, now: i64) -> bool {
        self.expiry.get(token).is_some_and(|&exp| exp > now)
    }
}

/// The getToken body (JSON or form).
#[derive(Deserialize)]
pub struct TokenRequest {
    imp_key: Option<String>,
    imp_secret: Option<String>,
}

/// `POST /users/getToken`.
pub async fn get_token(
    State(shared): State<Arc<Shared>>,
    Input(req): Input<TokenRequest>,
) -> ApiResult {
    let cfg = &shared.config;
    if req.imp_key.as_deref() != Some(cfg.imp_key.as_str())
        || req.imp_secret.as_deref() != Some(cfg.imp_secret.as_str())
    {
        return Err(ApiError::BadCredentials);
    }
    let (issued, now) = {
        let mut store = shared.store.lock();
        let now = store.now();
        (store.tokens.issue(now), now)
    };
    if issued.minted {
        shared.stats.lock().tokens_issued += 1;
        shared.mark_dirty();
    }
    Ok(ok(json!({
        "access_token": issued.token,
        "expired_at": issued.expired_at,
        "now": now,
    })))
}

/// The token a request carries, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let raw = headers
        .get("authorization")
        .or_else(|| headers.get("x-imptokenheader"))?
        .to_str()
        .ok()?
        .trim();
    let token = match raw.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => raw,
    };
    (!token.is_empty()).then_some(token)
}

/// Middleware: 401 envelope unless the request carries a live token.
pub async fn require_token(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let valid = bearer(req.headers()).is_some_and(|t| {
        let store = shared.store.lock();
        store.tokens.is_valid(t, store.now())
    });
    if !valid {
        return Err(ApiError::Unauthorized);
    }
    Ok(next.run(req).await)
}
