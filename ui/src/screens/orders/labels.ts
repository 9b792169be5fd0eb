// How orders read on screen: Korean names of states and pay methods, and times in KST.
// Display only: amounts are shown as Rust sent them.
import type { Order } from "../../bindings/Order";
import type { OrderState } from "../../bindings/OrderState";
import type { PayMethod } from "../../bindings/PayMethod";
import type { Tone } from "../../components/Badge";
import { formatKst } from "../../format";

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
 * 0원) is 카드 등록, not a sale; a renewal not yet charged is 예약됨, not an unpaid order.
 */
export function orderStateLabel(order: Pick<Order, "kind" | "state">): string {
  if (order.kind === "billing" && (order.state === "paid" || order.state === "created")) {
    return order.state === "paid" ? "카드 등록" : "카드 등록 중";
  }
  if (order.kind === "renewal" && order.state === "created") return "예약됨";
  return STATE_LABELS[order.state];
}

/** The colour of an order's state: paid is done, open ones wait, failures need a look, the rest is over. */
export function orderStateTone(order: Pick<Order, "kind" | "state">): Tone {
  if (order.kind === "renewal" && order.state === "created") return "info";
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
