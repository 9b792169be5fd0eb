//! Billing-key issuance: what the SDK window must be given for the configured PG, and the
//! check that a key really was issued (REFERENCE §5, §8 pitfall 6).
//!
//! Most PGs issue a key for `amount: 0` without charging. Some charge whatever amount the window
//! carries *and* issue the key (KakaoPay): the issuance payment is then the first period. Some
//! need a minimum (NaverPay 10원, the old KG Mobilians 100원): that charge is refunded.

use serde::Serialize;
use ts_rs::TS;

/// How a PG's billing window treats the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum IssuanceRule {
    /// `amount: 0` issues the key and charges nothing.
    Free,
    /// `amount: 0` is accepted but the PG makes a small test charge it cancels itself
    /// (Danal: 10원, cancelled about 30 minutes later).
    FreeWithTestCharge {
        /// Won the PG charges and cancels.
        #[ts(type = "number")]
        test_amount: i64,
    },
    /// Any amount > 0 is charged and the key issued at once: the window charges the first
    /// period's price and that payment is the first period.
    ChargesFirstPeriod,
    /// The PG refuses less than `amount`; that much is charged and must be refunded.
    Minimum {
        /// The smallest amount the PG accepts.
        #[ts(type = "number")]
        amount: i64,
    },
}

/// Won a card-change window charges on a PG that charges whatever its billing window carries;
/// refunded in full once the new key is verified (see [`IssuanceRule::card_change_amount`]).
pub const CARD_CHECK_AMOUNT: i64 = 100;

/// PG codes (the part before `.` of `pg`, lower case) and their rule. Anything not listed is
/// treated as [`IssuanceRule::Free`], the documented behaviour of most PGs.
const RULES: &[(&str, IssuanceRule)] = &[
    ("html5_inicis", IssuanceRule::Free),
    ("inicis", IssuanceRule::Free),
    ("kcp", IssuanceRule::Free),
    ("kcp_billing", IssuanceRule::Free),
    ("tosspayments", IssuanceRule::Free),
    ("nice_v2", IssuanceRule::Free),
    ("mobilians_v2", IssuanceRule::Free),
    ("settle", IssuanceRule::Free),
    // Galaxia shows 1,000원 in the window for amount 0 but charges nothing.
    ("galaxia", IssuanceRule::Free),
    ("kakaopay", IssuanceRule::ChargesFirstPeriod),
    (
        "danal",
        IssuanceRule::FreeWithTestCharge { test_amount: 10 },
    ),
    ("danal_tpay", IssuanceRule::ChargesFirstPeriod),
    ("naverpay", IssuanceRule::Minimum { amount: 10 }),
    ("mobilians", IssuanceRule::Minimum { amount: 100 }),
];

/// The rule of the configured billing channel (`pg`, `pg.MID`, or `None` for the default).
pub fn issuance_rule(billing_pg: Option<&str>) -> IssuanceRule {
    billing_pg
        .and_then(known)
        .map_or(IssuanceRule::Free, |(_, rule)| *rule)
}

/// The PG code of `pg` (`pg` or `pg.MID`) when its billing window's rule is known, without the
/// MID; `None` for a channel key or a PG not listed.
pub fn known_billing_pg(pg: &str) -> Option<&'static str> {
    known(pg).map(|(name, _)| *name)
}

fn known(pg: &str) -> Option<&'static (&'static str, IssuanceRule)> {
    let code = pg
        .split('.')
        .next()
        .unwrap_or(pg)
        .trim()
        .to_ascii_lowercase();
    RULES.iter().find(|(name, _)| *name == code)
}

impl IssuanceRule {
    /// The amount the SDK window gets for a plan priced `price`.
    pub fn window_amount(self, price: i64) -> i64 {
        match self {
            IssuanceRule::Free | IssuanceRule::FreeWithTestCharge { .. } => 0,
            IssuanceRule::ChargesFirstPeriod => price,
            IssuanceRule::Minimum { amount } => amount,
        }
    }

    /// The amount of a card-change window (a new key for a subscription already paid up).
    ///
    /// Nothing may be paid for a period there: the periods keep their own `renew_` charges. So
    /// a PG that issues a key for 0원 gets 0 (Danal's own 10원 test charge is cancelled by
    /// Danal). A PG that charges whatever the window carries (KakaoPay, Danal T-pay) gets the
    /// smallest check charge, [`CARD_CHECK_AMOUNT`], which the app refunds in full as soon as
    /// the key is verified: whether such a PG would take 0 is not documented (the sandbox refuses
    /// it, the stricter reading), and 100원 is above every minimum documented (10원, 100원) and
    /// the undocumented generic 100원 one, so the window works under either reading and no
    /// period is ever charged twice. A PG with a minimum gets its minimum, refunded the same way.
    pub fn card_change_amount(self) -> i64 {
        match self {
            IssuanceRule::Free | IssuanceRule::FreeWithTestCharge { .. } => 0,
            IssuanceRule::ChargesFirstPeriod => CARD_CHECK_AMOUNT,
            IssuanceRule::Minimum { amount } => amount,
        }
    }

    /// Whether the issuance payment pays the first period.
    pub fn pays_first_period(self) -> bool {
        self == IssuanceRule::ChargesFirstPeriod
    }
}

/// What the webview needs to open the billing-key window. The UI never chooses an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IssuanceTicket {
    /// The new subscription.
    pub subscription_id: String,
    /// The `billing_` order (`merchant_uid` of the window).
    pub merchant_uid: String,
    /// The billing key's handle to issue.
    pub customer_uid: String,
    /// Won for the window (0 where the PG allows).
    #[ts(type = "number")]
    pub amount: i64,
    /// The PG's rule, for the UI to explain a charge.
    pub rule: IssuanceRule,
    /// The configured billing PG/channel, if any.
    pub pg: Option<String>,
    /// Order name for the window.
    pub name: String,
    /// Which opening of the registration's window this is (1, 2, … for each 다시 등록): the
    /// window's ending is recorded only while it is the latest (Rust's, never sent to the UI).
    #[serde(skip)]
    #[ts(skip)]
    pub attempt: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pg_gets_the_amount_its_billing_window_needs() {
        let cases = [
            (None, 0, IssuanceRule::Free),
            (Some("html5_inicis.INIBillTst"), 0, IssuanceRule::Free),
            (Some("KCP"), 0, IssuanceRule::Free),
            (
                Some("kakaopay.TCSUBSCRIP"),
                9900,
                IssuanceRule::ChargesFirstPeriod,
            ),
            (
                Some("danal"),
                0,
                IssuanceRule::FreeWithTestCharge { test_amount: 10 },
            ),
            (Some("naverpay"), 10, IssuanceRule::Minimum { amount: 10 }),
            (
                Some("mobilians"),
                100,
                IssuanceRule::Minimum { amount: 100 },
            ),
            (Some("some_new_pg"), 0, IssuanceRule::Free),
        ];
        for (pg, _, _) in cases {
            let rule = issuance_rule(pg);
            let expected = match rule {
                IssuanceRule::ChargesFirstPeriod => CARD_CHECK_AMOUNT,
                IssuanceRule::Minimum { amount } => amount,
                _ => 0,
            };
            assert_eq!(
                rule.card_change_amount(),
                expected,
                "a card change on {pg:?} never charges a period"
            );
        }
        for (pg, amount, rule) in cases {
            assert_eq!(issuance_rule(pg), rule, "rule of {pg:?}");
            assert_eq!(
                issuance_rule(pg).window_amount(9900),
                amount,
                "window amount of {pg:?}"
            );
        }
    }
}
