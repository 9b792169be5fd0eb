import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { SubscriptionView } from "../../bindings/SubscriptionView";
import { fakeBackend, invokeMock, ipcError } from "../../test/fakeBackend";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { PLANS } from "../../test/fixtures";
import { fakeOwnerPin, OWNER_PIN } from "../../test/fakePin";
import { billingWindow, subscription, view, windowEnded } from "../../test/fixtures-subscriptions";
import { SubscriptionsScreen } from "./SubscriptionsScreen";

// The owner's actions on a subscription: 카드 변경, 해지 (at period end or now), the owner's PIN,
// 지금 다시 시도, 다시 예약, 카드 삭제, and the charge history.

beforeEach(() => {
  invokeMock.mockReset();
});

describe("SubscriptionsScreen: the owner's actions", () => {
  it("카드 변경 waits for the card-change window's own result", async () => {
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription())],
      card_change_window: () => billingWindow({ customerUid: "cust_2", merchantUid: "billing_2" }),
    });
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscription-change-card"));
    expect(screen.getByRole("alertdialog", { name: "결제 카드를 바꿀까요?" })).toHaveTextContent("536181******1234");
    expect(invokeMock, "no window before the owner agreed").not.toHaveBeenCalledWith("card_change_window", expect.anything());
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    expect(await screen.findByTestId("subscriptions-progress")).toHaveTextContent("새 카드를 등록해 주세요");
    expect(invokeMock).toHaveBeenCalledWith("card_change_window", { id: "sub_1", pin: null });
    windowEnded({ purpose: "subscribe", issued: true });
    expect(screen.queryByTestId("subscriptions-notice"), "a subscribe result is not this window's").toBeNull();
    windowEnded({ purpose: "card_change", issued: true, subscription: subscription() });
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("카드를 변경했습니다");
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
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscription-cancel"));
    const question = screen.getByRole("alertdialog", { name: "해지를 예약할까요?" });
    expect(question, "until when it can be used").toHaveTextContent("2026. 12. 27. 12:00 KST까지");
    expect(question).toHaveTextContent("없음 (자동 결제 중지)");
    await expectNoSeriousA11yViolations();
    expect(invokeMock).not.toHaveBeenCalledWith("cancel_subscription", expect.anything());
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    expect(await screen.findByTestId("subscription-cancel-scheduled")).toHaveTextContent("까지 이용");
    expect(screen.getByTestId("subscription-resume")).toBeInTheDocument();
    expect(screen.queryByTestId("subscription-delete-card")).not.toBeInTheDocument();
    expect(invokeMock).toHaveBeenCalledWith("cancel_subscription", { id: "sub_1", pin: null });
  });

  it("asks the owner's PIN before the card-change window opens; Rust switches the key", async () => {
    const pin = fakeOwnerPin();
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription())],
      pin_status: pin.status,
      card_change_window: pin.guarded(() => billingWindow({ customerUid: "cust_2", merchantUid: "billing_2" })),
    });
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscription-change-card"));
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    expect(await screen.findByTestId("pin-dialog")).toHaveTextContent("카드 변경");
    expect(screen.queryByText(/새 카드를 등록해 주세요/), "no window before the PIN").toBeNull();
    await userEvent.type(screen.getByTestId("pin-input"), OWNER_PIN);
    await userEvent.click(screen.getByTestId("pin-submit"));
    expect(await screen.findByTestId("subscriptions-progress")).toHaveTextContent("새 카드를 등록해 주세요");
    expect(invokeMock).toHaveBeenCalledWith("card_change_window", { id: "sub_1", pin: OWNER_PIN });
    windowEnded({ purpose: "card_change", issued: true, subscription: subscription({ customerUid: "cust_2" }) });
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("카드를 변경했습니다");
    expect(invokeMock, "the key is switched in Rust, not by the UI").not.toHaveBeenCalledWith("change_card", expect.anything());
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
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscription-cancel"));
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    await userEvent.click(await screen.findByTestId("pin-cancel"));
    expect(screen.queryByTestId("subscriptions-notice")).toBeNull();
    expect(screen.queryByTestId("subscriptions-error")).toBeNull();
    expect(screen.getByTestId("subscription-cancel")).toBeEnabled();
  });

  it("an unpaid subscription is ended now, after a question that says so", async () => {
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription({ state: "unpaid", lastFailureReason: "잔액 부족" }))],
      cancel_subscription: () => subscription({ state: "cancelled" }),
    });
    render(<SubscriptionsScreen />);
    const button = await screen.findByTestId("subscription-cancel");
    expect(button).toHaveTextContent("지금 해지");
    await userEvent.click(button);
    expect(screen.getByRole("alertdialog", { name: "구독을 지금 해지할까요?" })).toHaveTextContent("지금 끝남");
    await userEvent.keyboard("{Escape}");
    expect(invokeMock, "Esc cancels nothing").not.toHaveBeenCalledWith("cancel_subscription", expect.anything());
    await userEvent.click(button);
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("구독을 해지했습니다");
  });

  it("지금 다시 시도 charges only after a question with the amount and the card", async () => {
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription({ state: "past_due", lastFailureReason: "잔액 부족" }))],
      retry_subscription: () => subscription(),
    });
    render(<SubscriptionsScreen />);
    await userEvent.click(await screen.findByTestId("subscription-retry"));
    const question = screen.getByRole("alertdialog", { name: "지금 결제할까요?" });
    expect(question).toHaveTextContent("9,900원");
    expect(question).toHaveTextContent("536181******1234");
    expect(invokeMock).not.toHaveBeenCalledWith("retry_subscription", expect.anything());
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("결제를 다시 시도했습니다");
    expect(invokeMock).toHaveBeenCalledWith("retry_subscription", { id: "sub_1" });
  });

  it("says 다음 결제 예약 없음 when Iamport lost the schedule and 다시 예약 schedules it again", async () => {
    const notice = "다음 결제 예약 없음 (아임포트에서 예약이 취소됨: 다시 예약하세요)";
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [{ ...view(subscription()), scheduleNotice: notice }],
      schedule_subscription_again: () => subscription(),
    });
    render(<SubscriptionsScreen />);
    expect(await screen.findByTestId("subscription-schedule-missing")).toHaveTextContent("다음 결제 예약 없음");
    await userEvent.click(screen.getByTestId("subscription-schedule-again"));
    expect(await screen.findByTestId("subscriptions-notice")).toHaveTextContent("다시 예약했습니다");
    expect(invokeMock).toHaveBeenCalledWith("schedule_subscription_again", { id: "sub_1" });
  });

  it("offers no 다시 예약 while every renewal is scheduled", async () => {
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription())],
    });
    render(<SubscriptionsScreen />);
    await screen.findByTestId("subscription-cancel");
    expect(screen.queryByTestId("subscription-schedule-again")).toBeNull();
    expect(screen.queryByTestId("subscription-schedule-missing")).toBeNull();
  });

  it("offers 지금 다시 시도 for a past-due subscription and shows why it failed", async () => {
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [view(subscription({ state: "past_due", lastFailureReason: "잔액 부족" }))],
    });
    render(<SubscriptionsScreen />);
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
    render(<SubscriptionsScreen />);
    const button = await screen.findByTestId("subscription-delete-card");
    expect(screen.queryByTestId("subscription-cancel")).not.toBeInTheDocument();
    await userEvent.click(button);
    expect(screen.getByRole("alertdialog", { name: "등록된 카드를 삭제할까요?" })).toHaveTextContent("536181******1234");
    await userEvent.click(screen.getByTestId("confirm-dialog-cancel"));
    expect(invokeMock).not.toHaveBeenCalledWith("delete_billing_key", expect.anything());
    await userEvent.click(button);
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    expect(await screen.findByTestId("subscriptions-error")).toHaveTextContent("삭제할 수 없습니다");
    expect(invokeMock).toHaveBeenCalledWith("delete_billing_key", { customerUid: "cust_1", pin: null });
  });

  it("numbers periods from 1 and shows a scheduled charge as 예약됨 with its date", async () => {
    const sub = subscription();
    const charges: SubscriptionView["charges"] = [
      {
        charge: {
          merchantUid: "renew_1",
          subscriptionId: "sub_1",
          periodNo: 0,
          periodStart: sub.currentPeriodStart,
          periodEnd: sub.currentPeriodEnd,
          via: "again",
          chargeAt: Date.UTC(2026, 10, 27, 3, 0),
          customerUid: "cust_1",
          request: "sent",
          supersededBy: null,
        },
        state: "paid",
        amount: 9900,
        paidAt: Date.UTC(2026, 10, 27, 3, 0),
      },
      {
        charge: {
          merchantUid: "renew_2",
          subscriptionId: "sub_1",
          periodNo: 1,
          periodStart: sub.currentPeriodEnd,
          periodEnd: Date.UTC(2027, 0, 27, 3, 0),
          via: "schedule",
          chargeAt: Date.UTC(2026, 11, 27, 3, 0),
          customerUid: "cust_1",
          request: "sent",
          supersededBy: null,
        },
        state: "awaiting_payment",
        amount: 9900,
        paidAt: null,
      },
    ];
    fakeBackend({
      list_plans: () => PLANS,
      list_subscriptions: () => [{ ...view(sub), charges }],
    });
    render(<SubscriptionsScreen />);
    const history = await screen.findByTestId("subscription-history");
    expect(history).not.toHaveTextContent("0회차");
    const rows = history.querySelectorAll("li");
    expect(rows[0]).toHaveTextContent("1회차");
    expect(rows[1]).toHaveTextContent("2회차");
    const statuses = screen.getAllByTestId("subscription-charge-status");
    expect(statuses[1]).toHaveTextContent("예약됨 (2026. 12. 27. 12:00 KST 결제 예정)");
    expect(statuses[1]).not.toHaveTextContent("결제 대기");
  });
});
