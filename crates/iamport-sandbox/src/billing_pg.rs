//! How a PG's billing-key window treats its amount (REFERENCE §8 pitfall 6), so the sandbox's
//! window behaves as the PG chosen for it (`pg` of `IMP.request_pay`) does:
//!
//! - most PGs (Inicis, KCP, Toss Payments, NICE, Settle, …) issue the key for `amount: 0` and
//!   charge nothing; a window with an amount charges it and issues the key;
//! - KakaoPay and Danal T-pay charge the window's amount **and** issue the key; the docs never
//!   say they take 0, so the sandbox refuses a 0원 window for them (the stricter reading);
//! - NaverPay and the old KG Mobilians refuse less than their minimum (10원, 100원);
//! - Danal issues the key for a 0원 window with a 10원 test charge of its own, which it cancels
//!   about 30 minutes later ([`test_charge`]): the window's payment is paid 10원, then
//!   `cancelled` on the sandbox clock.

use crate::envelope::ApiError;

/// PG codes whose billing window charges its amount with the issuance and refuses 0원.
const CHARGES_AT_ISSUANCE: &[&str] = &["kakaopay", "danal_tpay"];

/// PG codes with a smallest billing-window amount.
const MINIMUM: &[(&str, i64)] = &[("naverpay", 10), ("mobilians", 100)];

/// PG codes whose 0원 billing window makes a test charge the PG cancels itself, and its amount.
const TEST_CHARGE: &[(&str, i64)] = &[("danal", 10)];

/// Seconds after the issuance at which the PG cancels its test charge (Danal: about 30 minutes).
pub const TEST_CHARGE_CANCEL_AFTER: i64 = 30 * 60;

/// Why the PG cancelled its test charge (the cancel history's reason).
pub const TEST_CHARGE_CANCEL_REASON: &str = "카드 인증 테스트 결제 자동 취소 (PG)";

/// Won the 0원 billing window of `pg` (a `pg` parameter or a payment's `pg_provider`) charges as
/// a test and cancels later, if it does.
pub fn test_charge(pg: &str) -> Option<i64> {
    let pg = code(pg);
    TEST_CHARGE
        .iter()
        .find(|(name, _)| *name == pg)
        .map(|(_, amount)| *amount)
}

/// The PG code of a `pg` parameter (`code` or `code.MID`), lower case.
fn code(pg: &str) -> String {
    pg.split('.')
        .next()
        .unwrap_or(pg)
        .trim()
        .to_ascii_lowercase()
}

/// The smallest amount the billing window of `pg` accepts (0 for most PGs).
pub fn least_amount(pg: Option<&str>) -> i64 {
    let Some(pg) = pg.map(code) else {
        return 0;
    };
    if CHARGES_AT_ISSUANCE.contains(&pg.as_str()) {
        return 1;
    }
    MINIMUM
        .iter()
        .find(|(name, _)| *name == pg)
        .map_or(0, |(_, least)| *least)
}

/// Refuses a billing window whose amount `pg` does not accept, before the window shows.
pub fn check_window(pg: Option<&str>, amount: i64) -> Result<(), ApiError> {
    let least = least_amount(pg);
    if amount < least {
        return Err(ApiError::BillingAmountTooSmall {
            pg: pg.map(code).unwrap_or_default(),
            least,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pg_window_takes_the_amounts_its_pg_does() {
        let cases = [
            (None, 0, true),
            (Some("html5_inicis.INIBillTst"), 0, true),
            (Some("kcp_billing"), 0, true),
            (Some("kakaopay.TCSUBSCRIP"), 0, false),
            (Some("kakaopay.TCSUBSCRIP"), 9900, true),
            (Some("danal_tpay"), 0, false),
            (Some("naverpay"), 9, false),
            (Some("naverpay"), 10, true),
            (Some("mobilians"), 99, false),
            (Some("danal"), 0, true),
        ];
        for (pg, amount, accepted) in cases {
            assert_eq!(
                check_window(pg, amount).is_ok(),
                accepted,
                "a {amount}원 billing window of {pg:?}"
            );
        }
    }

    #[test]
    fn only_danal_makes_a_test_charge_for_a_0_won_window() {
        assert_eq!(
            test_charge("danal"),
            Some(10),
            "Danal charges 10원 and cancels it"
        );
        assert_eq!(test_charge("Danal.A010002002"), Some(10), "with a MID too");
        assert_eq!(
            test_charge("danal_tpay"),
            None,
            "T-pay charges the window's amount instead"
        );
        assert_eq!(test_charge("html5_inicis"), None, "Inicis charges nothing");
    }
}
