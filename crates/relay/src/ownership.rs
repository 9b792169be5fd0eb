//! Which uids a store may name: those carrying its prefix. Pure, table-tested.

/// Whether `uid` (a merchant_uid or customer_uid) belongs to the store with `prefix`. The bare
/// prefix names nothing.
pub fn owns(prefix: &str, uid: &str) -> bool {
    uid.len() > prefix.len() && uid.starts_with(prefix)
}

#[cfg(test)]
mod tests {
    use super::owns;

    #[test]
    fn ownership_table() {
        let cases = [
            ("ab12_", "ab12_order_01J", true, "own prefixed uid"),
            ("ab12_", "cd34_order_01J", false, "another store's uid"),
            ("ab12_", "order_01J", false, "an unprefixed uid"),
            ("ab12_", "ab12_", false, "the bare prefix"),
            ("ab12_", "AB12_order", false, "case matters"),
            (
                "ab12_",
                "ab12order",
                false,
                "the terminator is part of the prefix",
            ),
            ("ab12_", "", false, "empty"),
        ];
        for (prefix, uid, want, why) in cases {
            assert_eq!(owns(prefix, uid), want, "{why}: {prefix} / {uid}");
        }
    }
}
