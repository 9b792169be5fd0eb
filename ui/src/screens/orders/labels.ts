// How orders read on screen: Korean names of states and pay methods, and times in KST.
// Display only: amounts are shown as Rust sent them.
import type { Order } from "../../bindings/Order";
import type { OrderState } from "../../bindings/OrderState";
import type { PayMethod } from "../../bindings/PayMethod";
import type { Tone } from "../../components/Badge";
import { formatKst, formatWon } from "../../format";

export const STATE_LABELS: Record<OrderState, string> = {
  created: "생성됨",
  awaiting_payment: "결제 대기",
  vbank_issued: "입금 대기 (가상계좌)",
  paid: "결제 완료",
  failed: "결제 실패",
  abandoned: "미결제 종료",
  partially_refunded: "부분 환불",
  refunded: "환불 완료",
  amount_mismatch: "금액 불일치 (자동 취소)",
};

export const PAY_METHOD_LABELS: Record<PayMethod, string> = {
  card: "카드",
  vbank: "가상계좌",
  phone: "휴대폰",
  trans: "계좌이체",
};

/** Milliseconds since the epoch (as Rust sends times) in Korea time. */
export function formatKstMs(ms: number): string {
  return formatKst(new Date(ms).toISOString());
}

/**
 * What an order's badge says. A subscription's card registration (the `billing_` order, usually
 * 0원) is 카드 등록, not a sale; a renewal not yet charged is 예약됨, not an unpaid order; a
 * payment of the wrong amount reads 반환 완료 once all it took went back, and 자동 취소 while it
 * is still owed (금액 불일치 alone for a wrong virtual account not yet paid into).
 */
export function orderStateLabel(order: StateOf): string {
  if (order.kind === "billing" && (order.state === "paid" || order.state === "created")) {
    return order.state === "paid" ? "카드 등록" : "카드 등록 중";
  }
  if (order.kind === "renewal" && order.state === "created") return "예약됨";
  if (order.state === "amount_mismatch") {
    const received = order.mismatchReceived ?? null;
    if (received === null) return "금액 불일치";
    return mismatchReturned(order) ? "금액 불일치 · 반환 완료" : "금액 불일치 (자동 취소)";
  }
  return STATE_LABELS[order.state];
}

/** What the badge of an order needs: its kind and state, and what a wrong-amount payment took and returned. */
export type StateOf = Pick<Order, "kind" | "state"> & Partial<Pick<Order, "mismatchReceived" | "mismatchReturned">>;

/** Whether all the money a wrong-amount payment took has gone back to the buyer. */
export function mismatchReturned(order: Partial<Pick<Order, "mismatchReceived" | "mismatchReturned">>): boolean {
  const received = order.mismatchReceived ?? null;
  return received !== null && (order.mismatchReturned ?? 0) >= received;
}

/** The colour of an order's state: paid is done, open ones wait, failures need a look, the rest is over. */
export function orderStateTone(order: StateOf): Tone {
  if (order.kind === "renewal" && order.state === "created") return "info";
  // A wrong payment all returned needs nothing more: over, like a refund.
  if (order.state === "amount_mismatch" && mismatchReturned(order)) return "neutral";
  switch (order.state) {
    case "paid":
      return order.kind === "billing" ? "info" : "ok";
    case "created":
    case "awaiting_payment":
    case "vbank_issued":
      return "warn";
    case "failed":
    case "amount_mismatch":
      return "error";
    case "partially_refunded":
    case "refunded":
    case "abandoned":
      return "neutral";
  }
}

/**
 * A PG's own test charge at a card registration (Danal approves 10원 and cancels it itself),
 * as the owner reads it; `null` for any other order. Never a sale.
 */
export function testChargeText(order: Pick<Order, "kind" | "mismatchReceived" | "mismatchReturned">): string | null {
  if (order.kind !== "billing" || order.mismatchReceived === null) return null;
  const won = formatWon(order.mismatchReceived);
  return mismatchReturned(order)
    ? `카드 확인용 ${won} · PG가 취소함 (매출 아님)`
    : `카드 확인용 ${won} · PG가 약 30분 뒤 취소 (매출 아님)`;
}
