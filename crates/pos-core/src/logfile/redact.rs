//! Keeping secrets and buyer data out of log lines. A pure function over each formatted line:
//!
//! - values this process knows to be secret (the REST secret and key, the relay key, the
//!   sandbox's control token), registered with [`super::keep_out_of_logs`];
//! - the value after a secret-looking name (`imp_secret=…`, `"access_token":"…"`, `Bearer …`);
//! - long hex runs (Iamport's access tokens are 40 hex digits);
//! - card numbers (13 to 19 digits, optionally grouped by `-` or spaces, passing the Luhn check);
//! - Korean phone numbers (`010-1234-5678`, `01012345678`, `02-123-4567`, `+82-10-…`).

/// What a hidden value is replaced with.
pub const HIDDEN: &str = "[hidden]";

/// Names whose value is never logged.
const SECRET_NAMES: [&str; 9] = [
    "imp_secret",
    "imp_key",
    "secret",
    "access_token",
    "token",
    "authorization",
    "password",
    "pin",
    "buyer_tel",
];

/// Hex runs at least this long are taken for tokens.
const TOKEN_HEX_LEN: usize = 32;

/// `line` with every secret and buyer phone or card number replaced by [`HIDDEN`].
pub fn redact(line: &str, known_secrets: &[String]) -> String {
    let mut text = line.to_owned();
    for secret in known_secrets.iter().filter(|s| s.chars().count() >= 6) {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), HIDDEN);
        }
    }
    let text = hide_named_values(&text);
    let text = hide_hex_runs(&text);
    hide_numbers(&text)
}

fn hide_named_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase().into_bytes();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let Some(name) = SECRET_NAMES
            .iter()
            .chain(std::iter::once(&"bearer"))
            .find(|name| lower[i..].starts_with(name.as_bytes()) && word_start(bytes, i))
        else {
            i += 1;
            continue;
        };
        let mut j = i + name.len();
        // Only a name followed (after an optional closing quote) by `=`, `:` or, for Bearer, a space.
        while matches!(bytes.get(j), Some(b'"') | Some(b'\\')) {
            j += 1;
        }
        let separated = match bytes.get(j) {
            Some(b'=') | Some(b':') => true,
            Some(b' ') if *name == "bearer" => true,
            _ => false,
        };
        if !separated {
            i += 1;
            continue;
        }
        j += 1;
        while matches!(bytes.get(j), Some(b' ') | Some(b'"') | Some(b'\\')) {
            j += 1;
        }
        let start = j;
        while let Some(&b) = bytes.get(j) {
            if matches!(
                b,
                b'"' | b',' | b' ' | b'&' | b'}' | b')' | b'\\' | b'\n' | b'\r'
            ) {
                break;
            }
            j += 1;
        }
        if text[start..j].eq_ignore_ascii_case("bearer") {
            // `Authorization: Bearer <token>`: the token after it is hidden by the Bearer rule.
            i = start;
            continue;
        }
        if j > start && !matches!(&text[start..j], "null" | "None" | "true" | "false") {
            out.push_str(&text[copied..start]);
            out.push_str(HIDDEN);
            copied = j;
        }
        i = j.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

fn word_start(bytes: &[u8], i: usize) -> bool {
    i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

fn hide_hex_runs(text: &str) -> String {
    replace_runs(
        text,
        |c| c.is_ascii_hexdigit(),
        |run| run.len() >= TOKEN_HEX_LEN && run.chars().any(|c| c.is_ascii_digit()),
    )
}

/// Replaces each maximal run of characters matching `member` (bounded by non-alphanumerics)
/// for which `hide` holds.
fn replace_runs(text: &str, member: impl Fn(char) -> bool, hide: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (start, c) = chars[k];
        let bounded = k == 0 || !chars[k - 1].1.is_ascii_alphanumeric();
        if member(c) && bounded {
            let mut e = k;
            while e < chars.len() && member(chars[e].1) {
                e += 1;
            }
            let end = chars.get(e).map_or(text.len(), |(i, _)| *i);
            let after_ok = chars.get(e).is_none_or(|(_, c)| !c.is_ascii_alphanumeric());
            if after_ok && hide(&text[start..end]) {
                out.push_str(HIDDEN);
            } else {
                out.push_str(&text[start..end]);
            }
            k = e;
        } else {
            out.push(c);
            k += 1;
        }
    }
    out
}

fn hide_numbers(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_digit() || bytes[i] == b'+')
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        // A run of digit groups joined by single `-` or ` ` (a leading `+` for +82).
        let mut j = if bytes[i] == b'+' { i + 1 } else { i };
        let mut digits = String::new();
        let mut end = i;
        while j < bytes.len() {
            if bytes[j].is_ascii_digit() {
                digits.push(char::from(bytes[j]));
                j += 1;
                end = j;
            } else if matches!(bytes[j], b'-' | b' ')
                && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)
                && end == j
            {
                j += 1;
            } else {
                break;
            }
        }
        let after_ok = bytes
            .get(end)
            .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'));
        if !digits.is_empty() && after_ok && (is_phone(&digits) || is_card(&digits)) {
            out.push_str(&text[copied..i]);
            out.push_str(HIDDEN);
            copied = end;
        }
        i = end.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// A Korean phone number's digits: mobile `01x` + 7–8 digits, an area code `0x`/`0xx` + 7–8
/// digits, or the same after the country code 82.
fn is_phone(digits: &str) -> bool {
    let national = match digits.strip_prefix("82") {
        Some(rest) if !rest.starts_with('0') && (9..=10).contains(&rest.len()) => {
            format!("0{rest}")
        }
        _ => digits.to_owned(),
    };
    national.starts_with('0') && !national.starts_with("00") && (9..=11).contains(&national.len())
}

/// A card number's digits: 13 to 19 digits passing the Luhn check.
fn is_card(digits: &str) -> bool {
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(k, b)| {
            let d = u32::from(b - b'0');
            if k % 2 == 1 {
                let twice = d * 2;
                if twice > 9 {
                    twice - 9
                } else {
                    twice
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(line: &str) -> String {
        redact(line, &[])
    }

    #[test]
    fn known_secrets_never_appear() {
        let secrets = vec!["sandbox-secret-Xy9".to_owned()];
        let out = redact("token request with sandbox-secret-Xy9 failed", &secrets);
        assert!(
            !out.contains("sandbox-secret-Xy9"),
            "a registered secret is hidden: {out}"
        );
        assert!(
            out.contains("token request with"),
            "the rest of the line stays: {out}"
        );
    }

    #[test]
    fn values_of_secret_names_are_hidden() {
        for (line, secret) in [
            (
                r#"{"imp_key":"1234abcd","imp_secret":"s3cr3t-value"}"#,
                "s3cr3t-value",
            ),
            ("imp_secret=s3cr3t-value&imp_key=k", "s3cr3t-value"),
            (
                r#"body={\"access_token\":\"tok_abc123\",\"now\":1}"#,
                "tok_abc123",
            ),
            ("Authorization: Bearer tok_abc123", "tok_abc123"),
            ("control token=ctl-9f8e7d6c", "ctl-9f8e7d6c"),
            (r#"buyer_tel: "01099998888""#, "01099998888"),
            ("결제 요청 imp_secret=비밀값123 완료", "비밀값123"),
        ] {
            let out = hidden(line);
            assert!(
                !out.contains(secret),
                "{secret} is hidden in {line:?}: {out}"
            );
        }
    }

    #[test]
    fn tokens_shaped_as_long_hex_are_hidden() {
        let token = "a3f9c2e1b4d5a6f7e8d9c0b1a2f3e4d5c6b7a8f9";
        let out = hidden(&format!("got {token} for the client"));
        assert!(!out.contains(token), "a 40-hex token is hidden: {out}");
    }

    #[test]
    fn card_numbers_are_hidden_in_any_grouping() {
        for card in [
            "4111111111111111",
            "4111-1111-1111-1111",
            "4111 1111 1111 1111",
            "5555555555554444",
        ] {
            let out = hidden(&format!("card_number={card}, amount 9900"));
            assert!(!out.contains(card), "{card} is hidden: {out}");
            assert!(out.contains("9900"), "the amount stays: {out}");
        }
    }

    #[test]
    fn phone_numbers_are_hidden_in_any_writing() {
        for phone in [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            "02-123-4567",
            "+82-10-1234-5678",
        ] {
            let out = hidden(&format!("buyer {phone} paid"));
            assert!(!out.contains(phone), "{phone} is hidden: {out}");
        }
    }

    #[test]
    fn ordinary_log_content_is_kept() {
        for line in [
            "2026-11-30T07:00:11.123456Z  INFO sync engine started holder=app-01JF3X",
            "order order_01JF3XG5Z8W9Q2T4 paid 9,900원 amount=9900",
            "imp_uid=imp_123456789012 merchant_uid=order_01JF3XG5Z8W9Q2T4",
            "took 1732950000123 ms", // a 13-digit number failing the Luhn check
            "schema version 7, 1000 orders",
        ] {
            assert_eq!(
                hidden(line),
                line,
                "nothing secret in {line:?}: it stays as it is"
            );
        }
    }
}
