// The period the 정산 screen shows, as KST days (YYYY-MM-DD). Rust checks the range again (a
// backwards range is refused there with its own message); these only build the two strings.

export type PeriodKind = "day" | "month" | "range";

/** Today in Korea (KST, UTC+9), `YYYY-MM-DD`. */
export function kstToday(now: number = Date.now()): string {
  return new Date(now + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/** First and last day of a `YYYY-MM` month. */
export function monthRange(month: string): { from: string; to: string } {
  const [y = 1970, m = 1] = month.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}
