//! The test cards a billing-key window "registers" when no card number is typed (the SDK window).
//! Each new key gets the next card of the list, so a card change always shows a different card,
//! masked the way KG Inicis masks (first 6 digits, last digit).

/// One test card: BIN (first 6 digits), last digit, issuer name and Iamport card code.
pub struct TestCard {
    /// First 6 digits.
    pub bin: &'static str,
    /// Last digit.
    pub last: char,
    /// Issuer, as Iamport names it.
    pub name: &'static str,
    /// Iamport's card code.
    pub code: &'static str,
}

/// The cards handed out in turn.
pub const TEST_CARDS: &[TestCard] = &[
    TestCard {
        bin: "559410",
        last: '4',
        name: "신한카드",
        code: "366",
    },
    TestCard {
        bin: "536181",
        last: '7',
        name: "KB국민카드",
        code: "381",
    },
    TestCard {
        bin: "949019",
        last: '2',
        name: "현대카드",
        code: "367",
    },
    TestCard {
        bin: "465887",
        last: '9',
        name: "삼성카드",
        code: "365",
    },
];

impl TestCard {
    /// The `n`-th card handed out (the list repeats).
    pub fn nth(n: u64) -> &'static TestCard {
        let len = TEST_CARDS.len() as u64;
        // `n % len` is below the list's length, which fits in usize.
        &TEST_CARDS[usize::try_from(n % len).unwrap_or(0)]
    }

    /// The masked number Iamport reports, e.g. `559410*********4`.
    pub fn masked(&self) -> String {
        format!("{}*********{}", self.bin, self.last)
    }
}
