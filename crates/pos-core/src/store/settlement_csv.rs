//! Writing the sales of a settlement as CSV (see `crate::report` for the format).

use std::io::Write;
use std::path::Path;

use chrono::{TimeZone, Utc};

use super::error::{SqlContext, StoreError};
use super::orders::{OrderState, PayMethod};
use super::Store;
use crate::format::kst;
use crate::report::{csv_field, DateRange, CSV_HEADER};

/// UTF-8 byte-order mark: tells Excel the file is UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Store {
    /// Writes the sales of `range` (oldest payment first) as CSV to `out`: BOM, header, one row per
    /// order. Returns the number of order rows.
    pub fn write_settlement_csv(
        &self,
        range: &DateRange,
        out: &mut dyn Write,
    ) -> Result<u64, StoreError> {
        range.check()?;
        let (start, end) = range.bounds_ms();
        let io = |source| StoreError::Export { source };
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        out.write_all(BOM).map_err(io)?;
        out.write_all(CSV_HEADER.join(",").as_bytes()).map_err(io)?;
        out.write_all(b"\r\n").map_err(io)?;
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT o.paid_at, o.merchant_uid, p.name_ko, o.pay_method, o.state, o.amount, \
                 o.refunded_amount, o.buyer_name, o.imp_uid \
                 FROM orders o JOIN plans p ON p.id = o.plan_id \
                 WHERE o.paid_at >= ?1 AND o.paid_at < ?2 AND o.amount > 0 \
                 AND o.state IN ('paid', 'partially_refunded', 'refunded') \
                 ORDER BY o.paid_at, o.merchant_uid",
            )
            .ctx("export the settlement")?;
        let mut rows = stmt.query([start, end]).ctx("export the settlement")?;
        let mut written = 0u64;
        let mut line = String::with_capacity(256);
        while let Some(row) = rows.next().ctx("export the settlement")? {
            let paid_at: i64 = row.get(0).ctx("export the settlement")?;
            let merchant_uid: String = row.get(1).ctx("export the settlement")?;
            let plan: String = row.get(2).ctx("export the settlement")?;
            let method: PayMethod = row.get(3).ctx("export the settlement")?;
            let state: OrderState = row.get(4).ctx("export the settlement")?;
            let amount: i64 = row.get(5).ctx("export the settlement")?;
            let refunded: i64 = row.get(6).ctx("export the settlement")?;
            let buyer: Option<String> = row.get(7).ctx("export the settlement")?;
            let imp_uid: Option<String> = row.get(8).ctx("export the settlement")?;
            let when = Utc
                .timestamp_millis_opt(paid_at)
                .single()
                .map(|t| {
                    t.with_timezone(&kst())
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default();
            line.clear();
            let fields = [
                when,
                csv_field(&merchant_uid),
                csv_field(&plan),
                method.label_ko().to_string(),
                state.label_ko().to_string(),
                amount.to_string(),
                refunded.to_string(),
                (amount - refunded).to_string(),
                csv_field(buyer.as_deref().unwrap_or("")),
                csv_field(imp_uid.as_deref().unwrap_or("")),
            ];
            line.push_str(&fields.join(","));
            line.push_str("\r\n");
            out.write_all(line.as_bytes()).map_err(io)?;
            written += 1;
        }
        out.flush().map_err(io)?;
        Ok(written)
    }

    /// Writes the settlement CSV of `range` to `path`: into a temporary file beside it first,
    /// renamed over `path` only when complete, so a failed export never leaves half a file.
    pub fn export_settlement_csv(&self, range: &DateRange, path: &Path) -> Result<u64, StoreError> {
        range.check()?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let io = |source| StoreError::Export { source };
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        let rows = self.write_settlement_csv(range, tmp.as_file_mut())?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(rows)
    }
}
