//! String enums of the V1 API. Each has an `Unknown(String)` variant so a value Iamport adds
//! tomorrow decodes instead of breaking every lookup that returns it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this client does not know yet, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The wire spelling of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(s) => s.as_str(),
                }
            }

            /// Parses a wire value; never fails (unknown values become `Unknown`).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}

string_enum! {
    /// Payment status (`Payment.status`). Anything other than `Paid` is "not paid".
    PaymentStatus {
        /// Not paid yet (window open or abandoned, or a virtual account issued and awaiting deposit).
        Ready => "ready",
        /// Paid.
        Paid => "paid",
        /// Cancelled (possibly only partially: compare `cancel_amount` with `amount`).
        Cancelled => "cancelled",
        /// Failed (declined, or PayPal pending, which may later become paid).
        Failed => "failed",
    }
}

string_enum! {
    /// Payment method (`Payment.pay_method`).
    PayMethod {
        /// Credit or check card.
        Card => "card",
        /// Real-time bank transfer.
        Trans => "trans",
        /// Virtual account (deposit later).
        Vbank => "vbank",
        /// Mobile-carrier billing.
        Phone => "phone",
        /// Samsung Pay.
        Samsung => "samsung",
        /// Cultureland gift card.
        Cultureland => "cultureland",
        /// Smart culture gift card.
        Smartculture => "smartculture",
        /// Book & life gift card.
        Booknlife => "booknlife",
        /// Easy-pay points or money (KakaoPay money comes back as `point`).
        Point => "point",
        /// SSG Pay.
        Ssgpay => "ssgpay",
        /// L.pay.
        Lpay => "lpay",
        /// PAYCO.
        Payco => "payco",
        /// KakaoPay.
        Kakaopay => "kakaopay",
        /// Toss Pay.
        Tosspay => "tosspay",
        /// Naver Pay.
        Naverpay => "naverpay",
        /// Apple Pay.
        Applepay => "applepay",
        /// PayPal.
        Paypal => "paypal",
    }
}

string_enum! {
    /// What a payment did with a billing key (`Payment.customer_uid_usage`).
    CustomerUidUsage {
        /// The payment window issued a billing key.
        Issue => "issue",
        /// A payment with a stored billing key (`again` / `onetime`).
        Payment => "payment",
        /// A scheduled payment executed by Iamport.
        PaymentScheduled => "payment.scheduled",
    }
}

string_enum! {
    /// State of a scheduled payment (`Schedule.schedule_status`).
    ScheduleStatus {
        /// Waiting for its `schedule_at`.
        Scheduled => "scheduled",
        /// Attempted; see `payment_status` for paid or failed.
        Executed => "executed",
        /// Revoked before execution.
        Revoked => "revoked",
    }
}

string_enum! {
    /// Order of list endpoints (`sorting`). Default on the server: `-started`.
    Sorting {
        /// Window-open time, newest first.
        StartedDesc => "-started",
        /// Window-open time, oldest first.
        StartedAsc => "started",
        /// Paid time, newest first.
        PaidDesc => "-paid",
        /// Paid time, oldest first.
        PaidAsc => "paid",
        /// Last status change, newest first.
        UpdatedDesc => "-updated",
        /// Last status change, oldest first (the order of a change feed).
        UpdatedAsc => "updated",
    }
}

string_enum! {
    /// Order of schedule lists. Default on the server: newest `schedule_at` first.
    ScheduleSorting {
        /// Oldest `schedule_at` first.
        ScheduledAsc => "scheduled",
        /// Newest `schedule_at` first.
        ScheduledDesc => "-scheduled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_decodes_into_unknown_variant() {
        let s: PaymentStatus = serde_json::from_str(r#""partial_cancelled""#).expect("any string");
        assert_eq!(
            s,
            PaymentStatus::Unknown("partial_cancelled".into()),
            "a new status must not break decoding"
        );
        assert_eq!(
            serde_json::to_string(&s).expect("serialises"),
            r#""partial_cancelled""#,
            "an unknown value round-trips verbatim"
        );
    }

    #[test]
    fn known_values_round_trip() {
        for wire in ["card", "vbank", "kakaopay", "point"] {
            let m = PayMethod::from_wire(wire);
            assert!(
                !matches!(m, PayMethod::Unknown(_)),
                "{wire} is a known method"
            );
            assert_eq!(m.as_str(), wire, "{wire} must round-trip");
        }
        assert_eq!(
            CustomerUidUsage::from_wire("payment.scheduled"),
            CustomerUidUsage::PaymentScheduled,
            "dotted wire names are known"
        );
    }

    #[test]
    fn non_string_status_is_a_decode_error() {
        assert!(
            serde_json::from_str::<PaymentStatus>("3").is_err(),
            "a number is not a status"
        );
    }
}
