//! 사업자등록번호: 10 digits (written `123-45-67891`), the last a check digit over the first nine.
//!
//! The check: weights 1,3,7,1,3,7,1,3,5 over digits 1–9, plus the tens of (digit 9 × 5); the check
//! digit is what brings the sum to a multiple of 10.

/// Why a text is not a business registration number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusinessNumberProblem {
    /// Not 10 digits (dashes allowed between them).
    Shape,
    /// 10 digits, but the last is not the check digit of the first nine (a typo).
    Checksum,
}

const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// The 10 digits of `text` (dashes and surrounding spaces dropped) when it is a business
/// registration number whose check digit is right.
pub fn business_number_digits(text: &str) -> Result<String, BusinessNumberProblem> {
    let text = text.trim();
    if !text.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(BusinessNumberProblem::Shape);
    }
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    let [d @ .., last] = digits.as_slice() else {
        return Err(BusinessNumberProblem::Shape);
    };
    if d.len() != 9 {
        return Err(BusinessNumberProblem::Shape);
    }
    let weighted: u32 = d.iter().zip(WEIGHTS).map(|(x, w)| x * w).sum::<u32>() + d[8] * 5 / 10;
    if (10 - weighted % 10) % 10 != *last {
        return Err(BusinessNumberProblem::Checksum);
    }
    Ok(digits.iter().map(|x| char::from(b'0' + *x as u8)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_numbers_pass_with_or_without_dashes() {
        for (text, digits) in [
            ("220-81-62517", "2208162517"),
            ("124-81-00998", "1248100998"),
            ("1234567891", "1234567891"),
            (" 123-45-67891 ", "1234567891"),
        ] {
            assert_eq!(
                business_number_digits(text),
                Ok(digits.to_string()),
                "{text} is a valid number"
            );
        }
    }

    #[test]
    fn a_wrong_check_digit_is_a_checksum_problem() {
        for text in ["123-45-67890", "220-81-62518", "101-81-42945"] {
            assert_eq!(
                business_number_digits(text),
                Err(BusinessNumberProblem::Checksum),
                "{text} has a wrong check digit"
            );
        }
    }

    #[test]
    fn a_wrong_shape_is_a_shape_problem() {
        for text in [
            "",
            "123-45",
            "123-45-678901",
            "12a-45-67891",
            "123 45 67891",
            "１２３-45-67891",
        ] {
            assert_eq!(
                business_number_digits(text),
                Err(BusinessNumberProblem::Shape),
                "{text:?} is not 10 digits"
            );
        }
    }
}
