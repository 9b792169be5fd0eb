// Display formatting only: the UI never computes an amount, it shows what Rust sent.

const wonDigits = new Intl.NumberFormat("ko-KR", { maximumFractionDigits: 0 });

/** `9900` -> `9,900원`. */
export function formatWon(amount: number): string {
  return `${wonDigits.format(amount)}원`;
}

/** A plan's price as the owner reads it: `9,900원` for a pass, `9,900원/월` for a monthly subscription. */
export function formatPlanPrice(plan: { kind: string; price: number; months: number }): string {
  const won = formatWon(plan.price);
  if (plan.kind !== "subscription") return won;
  return plan.months === 1 ? `${won}/월` : `${won}/${plan.months}개월`;
}

const kst = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** An RFC 3339 instant shown in Korea time, e.g. `2026. 11. 27. 18:57 KST`. Unparseable input is shown as is. */
export function formatKst(instant: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return `${kst.format(date)} KST`;
}

const kstDate = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul",
  year: "numeric",
  month: "numeric",
  day: "numeric",
});

/** An instant's date in Korea time as the owner writes it, e.g. `2027. 1. 29.`. Unparseable input is shown as is. */
export function formatKstDate(instant: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return instant;
  return kstDate.format(date);
}
