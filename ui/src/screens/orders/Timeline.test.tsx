import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { OrderEvent } from "../../bindings/OrderEvent";
import { Timeline } from "./Timeline";
import { CAUSE_LABELS, describeTimeline } from "./timeline";

const UID = "order_01JDXM8N6MQ4RZ7T3K9QPAHW2B";

function ev(id: number, cause: string, fromState: OrderEvent["fromState"], toState: OrderEvent["toState"], detail: unknown = null): OrderEvent {
  return { id, merchantUid: UID, at: Date.UTC(2026, 10, 27, 3, id), fromState, toState, cause, detail };
}

const REFUNDED_TWICE: OrderEvent[] = [
  ev(1, "created", null, "created", { planId: "pass_1m", amount: 9900, payMethod: "card" }),
  ev(2, "window_opened", "created", "awaiting_payment"),
  ev(3, "verify", "awaiting_payment", "paid"),
  ev(4, "refund_requested", "paid", "paid", { refundAmount: 3000, checksum: 9900, reason: "고객 요청" }),
  ev(5, "refund", "paid", "partially_refunded", { refundedAmount: 3000 }),
  ev(6, "change_feed", "partially_refunded", "refunded", { refundedAmount: 9900 }),
];

describe("the order timeline", () => {
  it("names every cause in Korean, never the code", () => {
    render(<Timeline events={REFUNDED_TWICE} />);
    const text = screen.getByTestId("order-timeline").textContent ?? "";
    for (const code of ["created", "window_opened", "verify", "refund_requested", "change_feed", "partially_refunded"]) {
      expect(text, `no raw code ${code} on screen`).not.toContain(code);
    }
    expect(text, "window_opened reads 결제창 열림").toContain("결제창 열림");
    expect(text, "verify reads as a check at Iamport").toContain("결제 확인");
  });

  it("draws the state change with an arrow that is not a font glyph and reads it in words", () => {
    render(<Timeline events={REFUNDED_TWICE} />);
    const paid = screen.getAllByTestId("order-event")[2];
    if (!paid) throw new Error("the timeline has the paid entry");
    expect(paid.textContent, "no → glyph").not.toContain("→");
    expect(paid.querySelector("svg.timeline-arrow"), "an SVG arrow between the states").not.toBeNull();
    expect(within(paid).getByLabelText("결제 대기 상태에서 결제 완료 상태로")).toBeInTheDocument();
  });

  it("shows each refund's amount, the running total and the reason", () => {
    const entries = describeTimeline(REFUNDED_TWICE);
    expect(entries[3]?.facts, "the request's amount and reason").toEqual(["환불 요청 3,000원", "사유: 고객 요청"]);
    expect(entries[4]?.facts, "the first refund adds 3,000원").toEqual(["환불 3,000원 (누적 3,000원)"]);
    expect(entries[5]?.facts, "the console refund adds the rest").toEqual(["환불 6,900원 (누적 9,900원)"]);
    expect(entries[0]?.facts, "the order's amount at creation").toEqual(["금액 9,900원"]);
  });

  it("shows a failure's reason and an unknown cause in words", () => {
    const entries = describeTimeline([
      ev(1, "verify", "awaiting_payment", "failed", { failReason: "카드 한도 초과" }),
      ev(2, "some_new_cause", "failed", "failed"),
    ]);
    expect(entries[0]?.facts).toEqual(["실패 사유: 카드 한도 초과"]);
    expect(entries[1]?.title, "an unknown cause is not shown as its code").toBe("상태 확인");
    expect(entries[1]?.state, "the state in Korean").toBe("결제 실패");
  });

  it("shows a wrong payment going back as returned money, not as a refund of the order", () => {
    const entries = describeTimeline([
      ev(1, "poll", "vbank_issued", "amount_mismatch", { paidAmount: 100, orderAmount: 9900, mismatchReceived: 100 }),
      ev(2, "mismatch_cancel", "amount_mismatch", "amount_mismatch", { mismatchReturned: 100 }),
    ]);
    expect(entries[1]?.facts).toEqual(["돌려준 금액 100원 (잘못 결제된 금액)"]);
    expect(entries[1]?.title).toBe("금액 불일치로 자동 취소");
  });

  it("has a Korean label for every cause that has one", () => {
    for (const [code, label] of Object.entries(CAUSE_LABELS)) {
      expect(label, `${code} has Korean words`).toMatch(/[가-힣]/);
    }
  });
});
