//! Shape checks for contact details (buyer and store), shared by orders and settings.

/// A Korean phone number, with or without `-` or spaces between the groups, or in the
/// international form `+82 10 …` (the leading 0 dropped):
/// - mobile `010` + 8 digits, `011`/`016`/`017`/`018`/`019` + 7 or 8 digits;
/// - Seoul `02` + 7 or 8 digits; other areas `031`–`064` + 7 or 8 digits;
/// - internet `070` + 8 digits; personal `050X` + 7 or 8 digits;
/// - nationwide `15XX`/`16XX`/`18XX` + 4 digits.
pub fn is_valid_tel(tel: &str) -> bool {
    let tel = tel.trim();
    if !tel
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'))
        || tel.chars().skip(1).any(|c| c == '+')
        || tel.contains("--")
        || tel.starts_with('-')
        || tel.ends_with('-')
    {
        return false;
    }
    let digits: String = tel.chars().filter(char::is_ascii_digit).collect();
    let national = match tel.strip_prefix('+') {
        Some(_) => match digits.strip_prefix("82") {
            Some(rest) if !rest.starts_with('0') => format!("0{rest}"),
            _ => return false,
        },
        None => digits,
    };
    is_korean_number(&national)
}

fn is_korean_number(d: &str) -> bool {
    let len = d.len();
    let rest_ok = |prefix: usize, lens: &[usize]| lens.contains(&(len - prefix));
    if let Some(p) = d.get(..3) {
        match p {
            "010" => return len == 11,
            "011" | "016" | "017" | "018" | "019" => return rest_ok(3, &[7, 8]),
            "070" => return len == 11,
            _ => {}
        }
    }
    if d.starts_with("02") {
        return rest_ok(2, &[7, 8]);
    }
    if d.starts_with("050") && len >= 4 {
        return rest_ok(4, &[7, 8]);
    }
    if let Some(area) = d.get(..3).and_then(|a| a.parse::<u32>().ok()) {
        if d.starts_with('0') && (31..=64).contains(&area) && area % 10 != 0 && area % 10 <= 5 {
            return rest_ok(3, &[7, 8]);
        }
    }
    matches!(d.get(..2), Some("15" | "16" | "18")) && len == 8
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
    fn korean_phone_numbers_in_their_usual_forms_are_accepted() {
        for ok in [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            "+82 10 1234 5678",
            "+82-10-1234-5678",
            "011-123-4567",
            "02-123-4567",
            "02 1234 5678",
            "031-123-4567",
            "064-1234-5678",
            "070-1234-5678",
            "0505-123-4567",
            "1588-1234",
        ] {
            assert!(is_valid_tel(ok), "{ok} is a Korean phone number");
        }
    }

    #[test]
    fn other_digits_letters_and_foreign_numbers_are_refused() {
        for bad in [
            "",
            "1234",
            "010-CALL-NOW",
            "0101234567890123",
            "010-123-456",
            "010-1234-56789",
            "12345678",
            "030-123-4567",
            "+1 415 555 0100",
            "+82 010 1234 5678",
            "010--1234-5678",
            "-010-1234-5678",
            "010+1234+5678",
        ] {
            assert!(!is_valid_tel(bad), "{bad} is not a Korean phone number");
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
