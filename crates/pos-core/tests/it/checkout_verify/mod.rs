//! One-time checkout against the sandbox: the payment is made through the control API as if a
//! buyer finished the window, then verified through `complete_payment`, the one path the SDK
//! callback, the redirect and posctl share.

mod paid;
mod refused;
