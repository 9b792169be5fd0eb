//! The settlement CSV as Excel reads it: UTF-8 with a byte-order mark (without it Excel shows
//! Hangul as mojibake), CRLF line ends, Korean headers, won as plain integers, KST times.

/// The header row, in column order.
pub const CSV_HEADER: [&str; 10] = [
    "결제일시(KST)",
    "주문번호",
    "요금제",
    "결제수단",
    "상태",
    "결제금액(원)",
    "환불금액(원)",
    "순매출(원)",
    "구매자",
    "결제번호",
];

/// One CSV field: quoted when it holds a comma, quote or line break (quotes doubled), and made
/// inert when it starts like a spreadsheet formula (`=`, `+`, `-`, `@`, tab or CR), so a buyer name
/// can never run as a formula in Excel.
pub fn csv_field(text: &str) -> String {
    let inert = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if inert.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", inert.replace('"', "\"\""))
    } else {
        inert
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_written_as_is() {
        assert_eq!(csv_field("김철수"), "김철수", "Hangul needs no quoting");
        assert_eq!(csv_field("9900"), "9900", "won are plain integers");
    }

    #[test]
    fn separators_and_quotes_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"", "a comma is quoted");
        assert_eq!(
            csv_field("say \"hi\""),
            "\"say \"\"hi\"\"\"",
            "quotes doubled"
        );
        assert_eq!(csv_field("a\nb"), "\"a\nb\"", "a line break is quoted");
    }

    #[test]
    fn formulas_are_made_inert() {
        assert_eq!(csv_field("=1+2"), "'=1+2", "= is not a formula");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)", "@ is not a formula");
        assert_eq!(
            csv_field("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"",
            "inert and quoted"
        );
    }
}
