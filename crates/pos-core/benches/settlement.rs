//! 정산 figures on a month of 100,000 orders: how long the month takes to render (target: under
//! 200 ms) and how long the CSV export of 100,000 rows takes (target: under 2 s). Prints the
//! figures with the machine's load average; it is a benchmark, not a test.
//! Run: `cargo bench -p pos-core --bench settlement`.
//!
//! What the 정산 screen waits for when it opens a month is the `settlement` command: the totals by
//! pay method and plan plus the unpaid virtual accounts (`Store::settlement`), sent to the webview
//! as JSON. That is what "render" measures here (the drill-down is fetched only when the owner
//! opens a figure; it is measured apart).

use std::time::{Duration, Instant};

use pos_core::report::DateRange;
use pos_core::store::SettlementQuery;
use pos_core::Store;

/// 2026-11-01 00:00 KST in UTC milliseconds.
const NOV_1_KST: i64 = 1_793_458_800_000;
const ORDERS: i64 = 100_000;
/// Virtual accounts issued in November and still waiting (listed apart on the screen).
const UNPAID: i64 = 2_000;

/// The 1, 5 and 15 minute load averages (`/proc/loadavg`), or why not.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|e| format!("unknown ({e})"))
}

fn main() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let conn = rusqlite::Connection::open(dir.path().join(pos_core::store::DB_FILE))
        .unwrap_or_else(|e| panic!("raw open: {e}"));
    // 100,000 sales spread over November (30 days) plus 100,000 other orders in October and
    // December, so the month is read out of a larger book.
    let month_ms = 30 * 86_400_000i64;
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
         INSERT INTO orders (merchant_uid, kind, plan_id, amount, buyer_name, state, pay_method, \
         refunded_amount, created_at, updated_at, paid_at, imp_uid) \
         SELECT printf('order_%026d', i), 'one_time', CASE i % 2 WHEN 0 THEN 'pass_1m' ELSE 'pass_3m' END, \
                CASE i % 2 WHEN 0 THEN 9900 ELSE 27000 END, printf('구매자%d', i % 1000), \
                CASE i % 10 WHEN 0 THEN 'refunded' ELSE 'paid' END, \
                CASE i % 4 WHEN 0 THEN 'card' WHEN 1 THEN 'vbank' WHEN 2 THEN 'phone' ELSE 'trans' END, \
                CASE i % 10 WHEN 0 THEN CASE i % 2 WHEN 0 THEN 9900 ELSE 27000 END ELSE 0 END, \
                t - 1000, t, t, printf('imp_%012d', i) \
         FROM (SELECT i, CASE WHEN i <= ?2 THEN ?3 + (i - 1) * ?4 / ?2 \
                              WHEN i % 2 = 0 THEN ?3 - ?4 + (i - ?2 - 1) * ?4 / ?2 \
                              ELSE ?3 + ?4 + (i - ?2 - 1) * ?4 / ?2 END AS t FROM n)",
        rusqlite::params![ORDERS * 2, ORDERS, NOV_1_KST, month_ms],
    )
    .unwrap_or_else(|e| panic!("bulk insert: {e}"));
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
         INSERT INTO orders (merchant_uid, kind, plan_id, amount, buyer_name, state, pay_method, \
         created_at, updated_at, vbank_bank, vbank_num, vbank_due) \
         SELECT printf('vbank_%026d', i), 'one_time', 'pass_1m', 9900, '구매자', 'vbank_issued', \
                'vbank', ?2 + i * ?3 / ?1, ?2 + i * ?3 / ?1, '국민은행', printf('%012d', i), \
                ?2 + i * ?3 / ?1 + 259200000 FROM n",
        rusqlite::params![UNPAID, NOV_1_KST, month_ms - 1],
    )
    .unwrap_or_else(|e| panic!("unpaid insert: {e}"));
    conn.execute_batch("ANALYZE")
        .unwrap_or_else(|e| panic!("analyze: {e}"));
    let month = DateRange::month(2026, 11).unwrap_or_else(|e| panic!("month: {e}"));

    println!("load average before: {} (2 cores)", load());
    let mut times = Vec::new();
    let mut totals_only = Vec::new();
    let mut count = 0;
    let mut unpaid = 0;
    let mut bytes = 0;
    for _ in 0..15 {
        let started = Instant::now();
        let s = store
            .settlement(&month)
            .unwrap_or_else(|e| panic!("settlement: {e}"));
        totals_only.push(started.elapsed());
        // What the command hands the webview.
        let json = serde_json::to_string(&s).unwrap_or_else(|e| panic!("json: {e}"));
        times.push(started.elapsed());
        count = s.totals.count;
        unpaid = s.vbank_unpaid.count;
        bytes = json.len();
    }
    times.sort();
    totals_only.sort();
    println!(
        "정산 of November rendered ({count} sales and {unpaid} unpaid virtual accounts in a book of {} \
         orders; totals, unpaid and the {bytes}-byte JSON the webview gets): median {:?}, min {:?}, \
         max {:?} over {} runs (target < 200 ms); the store's part alone: median {:?}",
        ORDERS * 2 + UNPAID,
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len(),
        totals_only[totals_only.len() / 2],
    );

    let started = Instant::now();
    let page = store
        .settlement_orders(&SettlementQuery::sales(month))
        .unwrap_or_else(|e| panic!("drill-down: {e}"));
    println!(
        "its first drill-down page of {} orders (of {}): {:?}",
        page.items.len(),
        page.total,
        started.elapsed()
    );

    let path = dir.path().join("정산.csv");
    let mut export: Vec<Duration> = Vec::new();
    let mut rows = 0;
    for _ in 0..3 {
        let started = Instant::now();
        rows = store
            .export_settlement_csv(&month, &path)
            .unwrap_or_else(|e| panic!("export: {e}"));
        export.push(started.elapsed());
    }
    export.sort();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "CSV export of {rows} rows ({} KiB): median {:?}, min {:?} (target < 2 s)",
        size / 1024,
        export[export.len() / 2],
        export[0]
    );
    println!("load average after: {} (2 cores)", load());
}
