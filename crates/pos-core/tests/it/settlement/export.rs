//! The CSV export: opens in Excel (UTF-8 with BOM, Korean headers, KST times); a failed one leaves no file.

use super::{book, day, paid, NOV_1_KST};
use pos_core::report::DateRange;
use pos_core::StoreError;

#[test]
fn the_csv_opens_in_excel_as_utf8_with_korean_headers_and_kst_times() {
    // 2026-11-01 09:30:05 KST.
    let at = NOV_1_KST + (9 * 3600 + 30 * 60 + 5) * 1000;
    let mut odd = paid("vbank", "pass_3m", 27_000, 1_000, at + 1000);
    odd.method = "trans";
    let (dir, store) = book(&[paid("card", "pass_1m", 9_900, 0, at), odd]);
    let path = dir.path().join("정산.csv");
    let rows = store
        .export_settlement_csv(&DateRange::day(day(1)), &path)
        .unwrap_or_else(|e| panic!("export: {e}"));
    assert_eq!(rows, 2, "two sales written");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("read: {e}"));
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap_or_else(|e| panic!("utf8: {e}"));
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines[0].starts_with("결제일시(KST),주문번호,요금제,결제수단,상태,결제금액(원)"),
        "Korean header: {}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "2026-11-01 09:30:05,order_00000000000000000000000000,1개월 이용권,카드,결제 완료,9900,0,9900,구매자0,imp_000000000000",
        "KST time, integer won"
    );
    assert!(
        lines[2].contains(",계좌이체,부분 환불,27000,1000,26000,"),
        "partial refund row: {}",
        lines[2]
    );
}

#[test]
fn a_failed_export_leaves_no_file() {
    let (dir, store) = book(&[]);
    let path = dir.path().join("없는 폴더").join("정산.csv");
    let err = store
        .export_settlement_csv(&DateRange::day(day(1)), &path)
        .err();
    assert!(
        matches!(err, Some(StoreError::Export { .. })),
        "a missing folder is an export error, got {err:?}"
    );
    assert!(!path.exists(), "nothing written");
}
