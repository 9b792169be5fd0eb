import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Subscription } from "../../bindings/Subscription";
import type { SubscriptionView } from "../../bindings/SubscriptionView";
import { fakeBackend, invokeMock, ipcError } from "../../test/fakeBackend";
import { PLANS } from "../../test/fixtures";
import { fakeOwnerPin, OWNER_PIN } from "../../test/fakePin";
import { SDK_SCRIPT_ATTR, type ImpResponse } from "../checkout/sdk";
import { SubscriptionsScreen } from "./SubscriptionsScreen";

const SDK_URL = "http://127.0.0.1:40000/sdk/iamport.js";

function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: "sub_1",
    planId: "sub_monthly",
    customerUid: "cust_1",
    amount: 9900,
    state: "active",
    billingMerchantUid: "billing_1",
    anchorDay: 27,
    currentPeriodStart: Date.UTC(2026, 10, 27, 3, 0),
    currentPeriodEnd: Date.UTC(2026, 11, 27, 3, 0),
    cancelAtPeriodEnd: false,
    nextChargeMerchantUid: "renew_2",
    nextChargeAt: Date.UTC(2026, 11, 27, 3, 0),
    retryCount: 0,
    nextRetryAt: null,
    firstFailedAt: null,
    lastFailureReason: null,
    cardMasked: "536181******1234",
    createdAt: Date.UTC(2026, 10, 27, 3, 0),
    updatedAt: Date.UTC(2026, 10, 27, 3, 0),
    cancelledAt: null,
    ...overrides,
  };
}

function view(sub: Subscription): SubscriptionView {
  return { subscription: sub, planName: "월 정기결제", charges: [] };
}

async function loadSdk(responses: ImpResponse[]) {
  const imp = {
    init: vi.fn(),
    request_pay: vi.fn((_p: Record<string, unknown>, cb: (rsp: ImpResponse) => void) => {
      setTimeout(() => cb(responses.shift() ?? { imp_uid: null, error_code: "F1" }), 0);
    }),
  };
  window.IMP = imp;
  await act(async () => {
    document.head.querySelector(`script[${SDK_SCRIPT_ATTR}]`)?.dispatchEvent(new Event("load"));
  });
  return imp;
}

beforeEach(() => {
  invokeMock.mockReset();
});
afterEach(() => {
  delete window.IMP;
});

describe("SubscriptionsScreen", () => {
  it("subscribes: the window issues the key with Rust's customer_uid, Rust verifies it by imp_uid", async () => {
    let subs: SubscriptionView[] = [];
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => subs,
      start_subscription: () => ({
        subscriptionId: "sub_1",
        merchantUid: "billing_1",
        customerUid: "cust_1",
        amount: 0,
        name: "월 정기결제 카드 등록",
        pg: null,
        merchantCode: "imp00000000",
        sdkUrl: SDK_URL,
      }),
      confirm_subscription: () => {
        subs = [view(subscription())];
        return subscription();
      },
    });
    render(<SubscriptionsScreen sdkUrl={SDK_URL} />);
    const imp = await loadSdk([{ imp_uid: "imp_key" }]);
    await userEvent.click(await screen.findByTestId("subscribe-sub_monthly"));
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("구독이 시작");
    expect(imp.request_pay.mock.calls[0]?.[0]).toMatchObject({
      customer_uid: "cust_1",
      merchant_uid: "billing_1",
      amount: 0,
    });
    expect(invokeMock).toHaveBeenCalledWith("confirm_subscription", { subscriptionId: "sub_1", impUid: "imp_key" });
    expect(await screen.findByTestId("subscription-state")).toHaveTextContent("active");
    expect(screen.getByTestId("subscription-next-charge")).toHaveTextContent("9,900원");
    expect(screen.getByTestId("subscription-card")).toHaveTextContent("1234");
  });

  it("cancels at period end and offers 재개", async () => {
    let current = subscription();
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(current)],
      cancel_subscription: () => {
        current = subscription({ cancelAtPeriodEnd: true, nextChargeAt: null });
        return current;
      },
    });
    render(<SubscriptionsScreen sdkUrl={SDK_URL} />);
    await userEvent.click(await screen.findByTestId("subscription-cancel"));
    expect(await screen.findByTestId("subscription-cancel-scheduled")).toHaveTextContent("까지 이용");
    expect(screen.getByTestId("subscription-resume")).toBeInTheDocument();
    expect(screen.queryByTestId("subscription-delete-card")).not.toBeInTheDocument();
    expect(invokeMock).toHaveBeenCalledWith("cancel_subscription", { id: "sub_1", pin: null });
  });

  it("asks the owner's PIN once for a card change and sends it with both steps", async () => {
    const pin = fakeOwnerPin();
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription())],
      pin_status: pin.status,
      card_change_window: pin.guarded(() => ({
        subscriptionId: "sub_1",
        merchantUid: "billing_2",
        customerUid: "cust_2",
        amount: 0,
        name: "월 정기결제 카드 변경",
        pg: null,
        merchantCode: "imp00000000",
        sdkUrl: SDK_URL,
      })),
      change_card: pin.guarded(() => subscription({ customerUid: "cust_2" })),
    });
    render(<SubscriptionsScreen sdkUrl={SDK_URL} />);
    const imp = await loadSdk([{ imp_uid: "imp_new_key" }]);
    await userEvent.click(await screen.findByTestId("subscription-change-card"));
    expect(await screen.findByTestId("pin-dialog")).toHaveTextContent("카드 변경");
    expect(imp.request_pay, "no window before the PIN").not.toHaveBeenCalled();
    await userEvent.type(screen.getByTestId("pin-input"), OWNER_PIN);
    await userEvent.click(screen.getByTestId("pin-submit"));
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("카드를 변경했습니다");
    expect(imp.request_pay.mock.calls[0]?.[0]).toMatchObject({ customer_uid: "cust_2" });
    expect(invokeMock).toHaveBeenCalledWith("change_card", { id: "sub_1", customerUid: "cust_2", pin: OWNER_PIN });
    expect(screen.queryByTestId("pin-dialog")).toBeNull();
  });

  it("cancelling the PIN dialog cancels nothing", async () => {
    const pin = fakeOwnerPin();
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription())],
      pin_status: pin.status,
      cancel_subscription: pin.guarded(() => subscription({ cancelAtPeriodEnd: true })),
    });
    render(<SubscriptionsScreen sdkUrl={SDK_URL} />);
    await userEvent.click(await screen.findByTestId("subscription-cancel"));
    await userEvent.click(await screen.findByTestId("pin-cancel"));
    expect(screen.queryByTestId("subscriptions-notice")).toBeNull();
    expect(screen.queryByTestId("subscriptions-error")).toBeNull();
    expect(screen.getByTestId("subscription-cancel")).toBeEnabled();
  });

  it("offers 지금 다시 시도 for a past-due subscription and shows why it failed", async () => {
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription({ state: "past_due", lastFailureReason: "잔액 부족" }))],
    });
    render(<SubscriptionsScreen sdkUrl={SDK_URL} />);
    expect(await screen.findByTestId("subscription-failure")).toHaveTextContent("잔액 부족");
    expect(screen.getByTestId("subscription-retry")).toBeInTheDocument();
  });

  it("offers 카드 삭제 only for a cancelled subscription, asks first, and shows the Korean refusal", async () => {
    const refusal = "빌링키 cust_1을(를) 아직 사용하는 예약결제나 구독이 있어 삭제할 수 없습니다. (billing key still in use)";
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription({ state: "cancelled", nextChargeAt: null, cancelledAt: Date.UTC(2026, 10, 28) }))],
      delete_billing_key: () => {
        throw ipcError("conflict", refusal);
      },
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    render(<SubscriptionsScreen sdkUrl={SDK_URL} />);
    const button = await screen.findByTestId("subscription-delete-card");
    expect(screen.queryByTestId("subscription-cancel")).not.toBeInTheDocument();
    await userEvent.click(button);
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining("삭제할까요"));
    expect(invokeMock).not.toHaveBeenCalledWith("delete_billing_key", expect.anything());
    await userEvent.click(button);
    expect(await screen.findByTestId("subscriptions-error")).toHaveTextContent("삭제할 수 없습니다");
    expect(invokeMock).toHaveBeenCalledWith("delete_billing_key", { customerUid: "cust_1", pin: null });
    confirm.mockRestore();
  });
});
