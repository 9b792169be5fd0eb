import { describe, expect, it } from "vitest";
import { dropEnglishGloss, nameStates, ownerText, resolveParticles } from "./ownerText";

describe("ownerText", () => {
  it("resolves each particle pair by the sound before it", () => {
    expect(resolveParticles("구독 '월 정기결제'을(를) 찾을 수 없습니다")).toBe("구독 '월 정기결제'를 찾을 수 없습니다");
    expect(resolveParticles("결제 수단 '카드'은(는)")).toBe("결제 수단 '카드'는");
    expect(resolveParticles("주문 '환불'이(가)")).toBe("주문 '환불'이");
    expect(resolveParticles("작업 7은(는)")).toBe("작업 7은");
    expect(resolveParticles("작업 2은(는)")).toBe("작업 2는");
    expect(resolveParticles("빌링키 cust_01ABCM을(를)")).toBe("빌링키 cust_01ABCM을");
    expect(resolveParticles("9,900원(으)로 바꿨습니다")).toBe("9,900원으로 바꿨습니다");
    expect(resolveParticles("서울(으)로")).toBe("서울로");
    expect(resolveParticles("바다(으)로")).toBe("바다로");
  });

  it("drops an English gloss and keeps Korean in parentheses", () => {
    expect(dropEnglishGloss("주문을 찾을 수 없습니다. (unknown order)")).toBe("주문을 찾을 수 없습니다.");
    expect(dropEnglishGloss("이미 구독 중입니다 (구독 3). 두 번 구독할 수 없습니다. (already subscribed)")).toBe(
      "이미 구독 중입니다 (구독 3). 두 번 구독할 수 없습니다.",
    );
    expect(dropEnglishGloss("입금 대기 (가상계좌)")).toBe("입금 대기 (가상계좌)");
  });

  it("names a state's code in words", () => {
    expect(nameStates("지금 상태(paid)에서는 결제를 다시 시도할 수 없습니다")).toBe("지금 상태(결제 완료)에서는 결제를 다시 시도할 수 없습니다");
    expect(nameStates("지금 상태(unknown_thing)")).toBe("지금 상태(unknown_thing)");
  });

  it("leaves no particle pair, no English gloss and no state code in a real message", () => {
    const shown = ownerText(
      "주문 'order_01M8NNRJ75Y0T6CCWB8NWNZ6V9'은(는) 지금 상태(refunded)에서는 환불할 수 없습니다. 결제 완료 또는 부분 환불 상태만 환불할 수 있습니다. (order is not refundable)",
    );
    expect(shown).toBe(
      "주문 'order_01M8NNRJ75Y0T6CCWB8NWNZ6V9'는 지금 상태(환불 완료)에서는 환불할 수 없습니다. 결제 완료 또는 부분 환불 상태만 환불할 수 있습니다.",
    );
  });
});
