// What each entry of an order's timeline says to the owner: what happened (never the cause code),
// the state before and after, and the money and reasons the entry carries. Display only: the
// amounts are the ones Rust recorded.
import type { OrderEvent } from "../../bindings/OrderEvent";
import type { OrderState } from "../../bindings/OrderState";
import { formatWon } from "../../format";
import { formatKstMs, STATE_LABELS } from "./labels";

/** What caused an event, as the owner reads it. */
export const CAUSE_LABELS: Record<string, string> = {
  created: "주문 생성",
  window_opened: "결제창 열림",
  verify: "결제 확인 (아임포트 조회)",
  verify_job: "결제 확인 (대기 작업)",
  poll: "자동 확인 (아임포트 조회)",
  change_feed: "아임포트 변경 내역 반영",
  poll_gave_up: "결제 없이 종료 (응답 없음)",
  refund_requested: "환불 요청",
  refund: "환불 처리",
  mismatch_cancel: "금액 불일치로 자동 취소",
  refund_refused_lookup: "환불 거절 후 상태 확인",
  refund_account_given: "환불 계좌 입력",
  test_paid: "테스트 결제",
  again_sent: "정기결제 청구",
  billing_key_verified: "카드 등록 확인",
  retry_sent: "정기결제 재시도",
  retry_not_sent: "정기결제 재시도 보류",
  scheduled: "정기결제 예약",
  subscription_cancelled: "구독 해지",
  subscription_charge: "정기결제 청구",
  registration_closed: "카드 등록 취소",
  registration_declined: "카드 거절",
  owner_abandoned: "주문 취소 (사장님)",
  vbank_revoked: "가상계좌 발급 취소",
};

/** One timeline entry, ready to show. */
export interface TimelineEntry {
  id: number;
  /** KST time. */
  at: string;
  /** What happened. */
  title: string;
  /** The state before and after, when it changed. */
  change: { from: string; to: string } | null;
  /** The state now, when it did not change (or for the first entry). */
  state: string | null;
  /** Money and reasons: `환불 3,000원`, `사유: 고객 요청`, `실패 사유: …`. */
  facts: string[];
}

function field(detail: unknown, key: string): unknown {
  return detail !== null && typeof detail === "object" ? (detail as Record<string, unknown>)[key] : undefined;
}

function num(detail: unknown, key: string): number | null {
  const v = field(detail, key);
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function text(detail: unknown, key: string): string | null {
  const v = field(detail, key);
  return typeof v === "string" && v.trim() !== "" ? v : null;
}

function stateLabel(state: OrderState): string {
  return STATE_LABELS[state];
}

/**
 * The timeline of an order, oldest first. A refund shows the amount it added (the running total
 * Rust recorded minus the one before) and the total; a refund request shows its amount and reason.
 */
export function describeTimeline(events: readonly OrderEvent[]): TimelineEntry[] {
  let refunded = 0;
  return events.map((event) => {
    const facts: string[] = [];
    const d = event.detail;
    const requested = num(d, "refundAmount");
    if (event.cause === "refund_requested") {
      facts.push(requested !== null ? `환불 요청 ${formatWon(requested)}` : "전액 환불 요청");
    }
    const total = num(d, "refundedAmount");
    if (total !== null && total > refunded) {
      facts.push(`환불 ${formatWon(total - refunded)} (누적 ${formatWon(total)})`);
      refunded = total;
    }
    // A payment of the wrong amount going back (its running total), never the order's refund.
    const testCharge = num(d, "testCharge");
    const returned = num(d, "mismatchReturned");
    if (testCharge !== null) {
      const cancelled = num(d, "testChargeReturned") ?? 0;
      facts.push(`카드 확인용 ${formatWon(testCharge)} (매출 아님)${cancelled >= testCharge ? " · PG가 취소함" : ""}`);
    } else if (returned !== null && returned > 0) {
      facts.push(`돌려준 금액 ${formatWon(returned)} (잘못 결제된 금액)`);
    }
    const reason = text(d, "reason");
    if (reason) facts.push(`사유: ${reason}`);
    const fail = text(d, "failReason");
    if (fail) facts.push(`실패 사유: ${fail}`);
    const bank = text(d, "vbankBank");
    const account = text(d, "vbankNum");
    if (account) facts.push(`가상계좌: ${bank ?? ""} ${account}`.replace("  ", " "));
    const paid = num(d, "paidAmount");
    const expected = num(d, "orderAmount");
    if (paid !== null && expected !== null && paid !== expected) {
      facts.push(`결제된 금액 ${formatWon(paid)} · 주문 금액 ${formatWon(expected)}`);
    }
    if (event.cause === "created") {
      const amount = num(d, "amount");
      if (amount !== null) facts.push(`금액 ${formatWon(amount)}`);
    }
    const changed = event.fromState !== null && event.fromState !== event.toState;
    return {
      id: event.id,
      at: formatKstMs(event.at),
      title: CAUSE_LABELS[event.cause] ?? "상태 확인",
      change: changed && event.fromState ? { from: stateLabel(event.fromState), to: stateLabel(event.toState) } : null,
      state: changed ? null : stateLabel(event.toState),
      facts,
    };
  });
}
