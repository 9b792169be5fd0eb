//! Standard institution codes (`StandardCodeAnnotation`): banks for virtual-account refunds.

use serde::{Deserialize, Serialize};

/// A bank as `GET /banks` lists it: the KFTC standard code (금융결제원 표준코드, e.g. `"004"`)
/// and its registered name. `refund_bank` of a cancel takes the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bank {
    /// The standard code.
    pub code: String,
    /// The institution's name.
    pub name: String,
}
