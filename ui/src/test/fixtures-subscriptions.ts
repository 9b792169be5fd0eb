// Subscriptions, their views and billing windows as Rust sends them, for the 정기결제 screen tests.
import { act } from "@testing-library/react";
import type { BillingReturn } from "../bindings/BillingReturn";
import type { BillingWindow } from "../bindings/BillingWindow";
import type { Subscription } from "../bindings/Subscription";
import type { SubscriptionView } from "../bindings/SubscriptionView";
import { BILLING_RESULT_EVENT } from "../screens/checkout/paymentEvents";
import { emitEvent } from "./fakeBackend";

export function subscription(overrides: Partial<Subscription> = {}): Subscription {
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

export function view(sub: Subscription): SubscriptionView {
  return { subscription: sub, planName: "월 정기결제", charges: [], scheduleNotice: null };
}

export function billingWindow(overrides: Partial<BillingWindow> = {}): BillingWindow {
  return {
    subscriptionId: "sub_1",
    merchantUid: "billing_1",
    customerUid: "cust_1",
    amount: 0,
    name: "월 정기결제 카드 등록",
    pg: null,
    merchantCode: "imp00000000",
    sdkUrl: "http://127.0.0.1:40000/sdk/iamport.js",
    ...overrides,
  };
}

/** What Rust emits when the billing window of `sub_1` ended. */
export function windowEnded(result: Partial<BillingReturn>) {
  const payload: BillingReturn = {
    subscriptionId: "sub_1",
    purpose: "subscribe",
    subscription: null,
    issued: false,
    problem: null,
    code: null,
    windowMessage: null,
    ...result,
  };
  act(() => emitEvent(BILLING_RESULT_EVENT, payload));
}
