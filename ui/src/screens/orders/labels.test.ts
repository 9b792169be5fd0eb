import { describe, expect, it } from "vitest";
import { orderStateLabel, orderStateTone, testChargeText } from "./labels";

describe("orderStateLabel", () => {
  it("shows a subscription's card registration as 카드 등록, not a sale or a refund", () => {
    expect(orderStateLabel({ kind: "billing", state: "paid" })).toBe("카드 등록");
    expect(orderStateLabel({ kind: "billing", state: "created" })).toBe("카드 등록 중");
  });

  it("shows a renewal that has not run yet as 예약됨, not as an unpaid order", () => {
    expect(orderStateLabel({ kind: "renewal", state: "created" })).toBe("예약됨");
    expect(orderStateLabel({ kind: "renewal", state: "paid" })).toBe("결제 완료");
  });

  it("leaves a one-time order's state as it is", () => {
    expect(orderStateLabel({ kind: "one_time", state: "created" })).toBe("생성됨");
    expect(orderStateLabel({ kind: "one_time", state: "refunded" })).toBe("환불 완료");
  });

  it("shows a wrong-amount payment as returned once all of it went back, even above the order amount", () => {
    const owed = { kind: "one_time", state: "amount_mismatch", mismatchReceived: 50000, mismatchReturned: 0 } as const;
    expect(orderStateLabel(owed)).toBe("금액 불일치 (자동 취소)");
    expect(orderStateTone(owed)).toBe("error");
    const back = { ...owed, mismatchReturned: 50000 };
    expect(orderStateLabel(back)).toBe("금액 불일치 · 반환 완료");
    expect(orderStateTone(back)).toBe("neutral");
    expect(orderStateLabel({ kind: "one_time", state: "amount_mismatch", mismatchReceived: null, mismatchReturned: 0 })).toBe(
      "금액 불일치",
    );
  });

  it("shows a PG's test charge at a card registration as no sale, cancelled by the PG", () => {
    const charged = { kind: "billing", mismatchReceived: 10, mismatchReturned: 0 } as const;
    expect(testChargeText(charged)).toBe("카드 확인용 10원 · PG가 약 30분 뒤 취소 (매출 아님)");
    expect(testChargeText({ ...charged, mismatchReturned: 10 })).toBe("카드 확인용 10원 · PG가 취소함 (매출 아님)");
    expect(testChargeText({ kind: "one_time", mismatchReceived: 100, mismatchReturned: 100 })).toBeNull();
    expect(orderStateLabel({ kind: "billing", state: "paid", mismatchReceived: 10, mismatchReturned: 10 })).toBe("카드 등록");
  });
});
