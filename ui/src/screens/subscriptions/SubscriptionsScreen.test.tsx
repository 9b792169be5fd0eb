import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { SubscriptionView } from "../../bindings/SubscriptionView";
import { fakeBackend, invokeMock } from "../../test/fakeBackend";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { OnlineContext } from "../../online";
import { PLANS } from "../../test/fixtures";
import { billingWindow, subscription, view, windowEnded } from "../../test/fixtures-subscriptions";
import { SubscriptionsScreen } from "./SubscriptionsScreen";

// Subscribing: the billing window Rust opens, how it ended, unfinished registrations, and offline.
// The owner's actions on a subscription are in SubscriptionsScreen.actions.test.tsx.

beforeEach(() => {
  invokeMock.mockReset();
});

describe("SubscriptionsScreen", () => {
  it("subscribes: Rust opens the window, verifies the key and the screen shows the subscription", async () => {
    let subs: SubscriptionView[] = [];
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => subs,
      start_subscription: () => billingWindow(),
    });
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscribe-sub_monthly"));
    expect(await screen.findByTestId("subscriptions-progress")).toHaveTextContent("결제창에서 카드를 등록해 주세요");
    expect(invokeMock).toHaveBeenCalledWith("start_subscription", { planId: "sub_monthly" });
    subs = [view(subscription())];
    windowEnded({ issued: true, subscription: subscription() });
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("구독이 시작");
    expect(await screen.findByTestId("subscription-state")).toHaveAttribute("data-state", "active");
    expect(screen.getByTestId("subscription-state"), "the state in a word, no code").toHaveTextContent(/^이용 중$/);
    expect(screen.getByTestId("subscription-next-charge")).toHaveTextContent("9,900원");
    expect(screen.getByTestId("subscription-card")).toHaveTextContent("1234");
  });

  it("a closed billing window starts nothing and says so", async () => {
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [],
      start_subscription: () => billingWindow(),
    });
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscribe-sub_monthly"));
    await screen.findByTestId("subscriptions-progress");
    windowEnded({ issued: false, windowMessage: "결제창이 닫혔습니다." });
    const notice = await screen.findByTestId("subscriptions-notice");
    expect(notice).toHaveTextContent("카드 등록이 끝나지 않았습니다");
    expect(notice).toHaveTextContent("결제창이 닫혔습니다.");
  });

  it("a key Iamport did not confirm is an error with Rust's reason", async () => {
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [],
      start_subscription: () => billingWindow(),
    });
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscribe-sub_monthly"));
    await screen.findByTestId("subscriptions-progress");
    windowEnded({ problem: "카드 등록을 확인하지 못했습니다: 다른 주문의 결제입니다", code: "validation" });
    expect(await screen.findByTestId("subscriptions-error")).toHaveTextContent("다른 주문의 결제입니다");
  });

  it("shows an unfinished registration (등록 취소) with 다시 등록 and 취소; 다시 등록 reopens it through Rust", async () => {
    let current = subscription({ state: "incomplete", cardMasked: null, nextChargeAt: null, lastFailureReason: "등록 취소" });
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(current)],
      reopen_subscription: () => billingWindow(),
    });
    render(<SubscriptionsScreen />);
    expect(await screen.findByTestId("subscription-failure"), "how the window ended is shown").toHaveTextContent("등록 취소");
    expect(screen.getByTestId("subscription-abandon")).toHaveTextContent("취소");
    expect(screen.queryByTestId("subscription-retry"), "nothing to charge yet").toBeNull();
    expect(screen.queryByTestId("subscription-change-card")).toBeNull();
    await userEvent.click(screen.getByTestId("subscription-register-again"));
    expect(invokeMock).toHaveBeenCalledWith("reopen_subscription", { id: "sub_1" });
    expect(await screen.findByTestId("subscriptions-progress")).toHaveTextContent("결제창에서 카드를 등록해 주세요");
    current = subscription();
    windowEnded({ issued: true, subscription: current });
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("구독이 시작");
    expect(await screen.findByTestId("subscription-state")).toHaveAttribute("data-state", "active");
    expect(screen.getByTestId("subscription-state"), "the state in a word, no code").toHaveTextContent(/^이용 중$/);
  });

  it("shows a declined card as 카드 거절 with the PG's words; 취소 cancels the registration", async () => {
    let subs = [view(subscription({ state: "incomplete", cardMasked: null, lastFailureReason: "카드 거절: [F0004] 카드 승인이 거절되었습니다." }))];
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => subs,
      cancel_subscription: () => {
        subs = [];
        return subscription({ state: "cancelled" });
      },
    });
    render(<SubscriptionsScreen />);
    expect(await screen.findByTestId("subscription-failure")).toHaveTextContent("카드 거절: [F0004] 카드 승인이 거절되었습니다.");
    expect(screen.getByTestId("subscription-register-again")).toHaveTextContent("다시 등록");
    await userEvent.click(screen.getByTestId("subscription-abandon"));
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    expect(invokeMock).toHaveBeenCalledWith("cancel_subscription", { id: "sub_1", pin: null });
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("카드 등록을 취소했습니다");
    expect(await screen.findByTestId("subscriptions-empty")).toBeInTheDocument();
  });

  it("shows a registration whose result is not known as 확인 중 with the way out (취소), not 다시 등록", async () => {
    const subs = [view(subscription({ state: "incomplete", cardMasked: null, nextChargeAt: null, lastFailureReason: null }))];
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => subs,
    });
    render(<SubscriptionsScreen />);
    expect(await screen.findByTestId("subscription-checking"), "what is going on and what happens next").toHaveTextContent("확인 중");
    expect(screen.getByTestId("subscription-checking")).toHaveTextContent("1시간");
    expect(screen.getByText(/카드 등록 확인 중/), "the badge says 확인 중").toBeInTheDocument();
    expect(screen.getByTestId("subscription-abandon"), "the way out").toHaveTextContent("취소");
    expect(screen.queryByTestId("subscription-register-again"), "a second window is not offered while the first may have completed").toBeNull();
  });

  it("a window that ended without a key leaves the subscription listed, and 구독하기 stays available", async () => {
    let subs: SubscriptionView[] = [];
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => subs,
      start_subscription: () => billingWindow(),
    });
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscribe-sub_monthly"));
    await screen.findByTestId("subscriptions-progress");
    subs = [view(subscription({ state: "incomplete", cardMasked: null, lastFailureReason: "등록 취소" }))];
    windowEnded({ issued: false, windowMessage: "결제창이 닫혔습니다." });
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("다시 등록하거나 취소할 수 있습니다");
    expect(await screen.findByTestId("subscription-failure")).toHaveTextContent("등록 취소");
    expect(screen.getByTestId("subscribe-sub_monthly")).toBeEnabled();
  });

  it("offline, says subscribing needs internet and offers no 구독하기 until it is back", async () => {
    fakeBackend({ list_plans: () => PLANS, list_subscriptions: () => [] });
    const at = (online: boolean) => (
      <OnlineContext.Provider value={online}>
        <SubscriptionsScreen />
      </OnlineContext.Provider>
    );
    const { rerender } = render(at(false));
    expect(await screen.findByTestId("subscriptions-offline")).toHaveTextContent("인터넷이 연결되어야 합니다");
    expect(await screen.findByTestId("subscribe-sub_monthly")).toBeDisabled();
    expect(await screen.findByTestId("subscriptions-empty")).toHaveTextContent("구독이 없습니다");
    await expectNoSeriousA11yViolations();
    rerender(at(true));
    expect(screen.queryByTestId("subscriptions-offline")).toBeNull();
    expect(screen.getByTestId("subscribe-sub_monthly")).toBeEnabled();
  });
});
