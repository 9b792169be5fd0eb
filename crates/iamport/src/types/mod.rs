//! Typed objects of the V1 API: what Iamport returns and what the client sends.

mod bank;
mod customer;
mod enums;
mod payment;
mod receipt;
mod requests;
mod schedule;

pub use bank::Bank;
pub use customer::Customer;
pub use enums::{
    CustomerUidUsage, PayMethod, PaymentStatus, ScheduleSorting, ScheduleStatus, Sorting,
};
pub use payment::{CancelHistory, Payment, PaymentPage, Prepared, VbankDeposit};
pub use receipt::{Receipt, ReceiptRequest, ReceiptType};
pub use requests::{
    AgainRequest, CancelRequest, ScheduleItem, ScheduleQuery, ScheduleRequest, StatusQuery,
};
pub use schedule::{Schedule, SchedulePage};
