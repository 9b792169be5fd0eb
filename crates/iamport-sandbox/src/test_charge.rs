//! A PG's own test charge at billing-key issuance (Danal: 10원 for a 0원 window, cancelled by
//! the PG about 30 minutes later; REFERENCE §8 pitfall 6). The window's payment is paid with the
//! test amount and a cancel is due on the sandbox clock; [`Store::run_due_test_cancels`] runs
//! it as the clock passes (the ticker, `/__sandbox/clock`).

use crate::billing_pg::{TEST_CHARGE_CANCEL_AFTER, TEST_CHARGE_CANCEL_REASON};
use crate::cancel::CancelOrder;
use crate::state::Store;

impl Store {
    /// Turns the 0원 billing window `i` of a PG that makes a test charge into that charge
    /// (`amount`), before it is marked paid, and books the PG's cancel of it.
    pub fn make_test_charge(&mut self, i: usize, amount: i64) {
        let due = self.now().saturating_add(TEST_CHARGE_CANCEL_AFTER);
        let imp_uid = self.update_payment(i, |p, _| {
            p.amount = amount;
            p.imp_uid.clone()
        });
        self.test_cancels.insert(imp_uid, due);
    }

    /// Cancels every test charge whose time has come, as the PG does; returns how many. A charge
    /// already cancelled (by the merchant) is left as it is.
    pub fn run_due_test_cancels(&mut self) -> usize {
        let now = self.now();
        let due: Vec<String> = self
            .test_cancels
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(imp_uid, _)| imp_uid.clone())
            .collect();
        for imp_uid in &due {
            self.test_cancels.remove(imp_uid);
            if let Some(i) = self.index_of(imp_uid) {
                let order = CancelOrder {
                    reason: Some(TEST_CHARGE_CANCEL_REASON.to_owned()),
                    from_console: true,
                    ..CancelOrder::default()
                };
                if let Err(e) = self.cancel_payment(i, order) {
                    tracing::debug!(%imp_uid, error = %e, "test charge already cancelled");
                }
            }
        }
        due.len()
    }
}
