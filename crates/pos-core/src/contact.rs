//! Shape checks for contact details (buyer and store), shared by orders and settings.

/// A phone number: digits with optional spaces, `-` or `+`, 8 to 15 digits.
pub fn is_valid_tel(tel: &str) -> bool {
    let ok_chars = tel
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'));
    let digits = tel.chars().filter(char::is_ascii_digit).count();
    ok_chars && (8..=15).contains(&digits)
}

/// An e-mail address of plausible shape: `user@domain.tld`, no spaces, at most 100 bytes.
pub fn is_valid_email(email: &str) -> bool {
    email.len() <= 100
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && !domain.contains('@') && domain.contains('.')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_need_8_to_15_digits_and_no_letters() {
        for ok in [
            "010-1234-5678",
            "02 123 4567",
            "+82 10 1234 5678",
            "01012345678",
        ] {
            assert!(is_valid_tel(ok), "{ok} is a phone number");
        }
        for bad in ["", "1234", "010-CALL-NOW", "0101234567890123"] {
            assert!(!is_valid_tel(bad), "{bad} is not a phone number");
        }
    }

    #[test]
    fn emails_need_a_user_a_domain_and_a_dot() {
        assert!(
            is_valid_email("owner@example.com"),
            "a plain address is fine"
        );
        for bad in [
            "",
            "owner",
            "@example.com",
            "owner@localhost",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(!is_valid_email(bad), "{bad} is not an e-mail address");
        }
    }
}
