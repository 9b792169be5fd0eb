import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBackend, invokeMock, ipcError } from "../../test/fakeBackend";
import { PLANS } from "../../test/fixtures";
import { order, ticket } from "../../test/fixtures-orders";
import { CheckoutScreen } from "./CheckoutScreen";
import { SDK_SCRIPT_ATTR, type ImpResponse } from "./sdk";

const SDK_URL = "http://127.0.0.1:40000/sdk/iamport.js";
const PASS = PLANS.find((p) => p.id === "pass_1m") ?? PLANS[0]!;

/** A fake `window.IMP` whose window answers with the queued responses, one per request_pay. */
function fakeImp(responses: ImpResponse[]) {
  const imp = {
    init: vi.fn(),
    request_pay: vi.fn((_params: Record<string, unknown>, callback: (rsp: ImpResponse) => void) => {
      const next = responses.shift() ?? { imp_uid: null, error_msg: "closed" };
      setTimeout(() => callback(next), 0);
    }),
  };
  window.IMP = imp;
  return imp;
}

function sdkScript(): HTMLScriptElement | null {
  return document.head.querySelector(`script[${SDK_SCRIPT_ATTR}]`);
}

async function loadSdk(outcome: "load" | "error" = "load") {
  const script = sdkScript();
  expect(script, "the screen adds the SDK script on mount").not.toBeNull();
  expect(script?.src).toBe(SDK_URL);
  await act(async () => {
    script?.dispatchEvent(new Event(outcome));
  });
}

function renderScreen() {
  return render(
    <CheckoutScreen plan={PASS} sdkUrl={SDK_URL} onBack={() => {}} onOpenOrder={() => {}} />,
  );
}

beforeEach(() => {
  invokeMock.mockReset();
});

afterEach(() => {
  delete window.IMP;
});

describe("CheckoutScreen", () => {
  it("pays by card: names only the plan and method, verifies with the two ids, shows paid", async () => {
    const imp = fakeImp([{ imp_uid: "imp_1", merchant_uid: "order_20261127_0001", error_msg: null }]);
    fakeBackend({
      start_checkout: () => ticket(),
      complete_payment: () => ({ order: order({ state: "paid" }), impUid: "imp_1", changed: true, mismatchCancel: null }),
    });
    renderScreen();
    await loadSdk();
    await userEvent.click(screen.getByTestId("pay-method-card"));
    await userEvent.click(screen.getByTestId("checkout-submit"));

    expect(await screen.findByTestId("result-status")).toHaveTextContent("paid");
    expect(screen.getByTestId("result-merchant-uid")).toHaveTextContent("order_20261127_0001");
    expect(invokeMock).toHaveBeenCalledWith("start_checkout", { planId: "pass_1m", payMethod: "card" });
    expect(invokeMock).toHaveBeenCalledWith("complete_payment", { merchantUid: "order_20261127_0001", impUid: "imp_1" });
    expect(imp.init).toHaveBeenCalledWith("imp00000000");
    const params = imp.request_pay.mock.calls[0]?.[0];
    expect(params).toMatchObject({ merchant_uid: "order_20261127_0001", amount: 9900, pay_method: "card" });
  });

  it("after a decline, 다시 시도 pays the same order again", async () => {
    const imp = fakeImp([
      { imp_uid: "imp_1", error_msg: "카드 한도 초과" },
      { imp_uid: "imp_2", error_msg: null },
    ]);
    const results = [
      order({ state: "failed", failReason: "카드 한도 초과" }),
      order({ state: "paid" }),
    ];
    fakeBackend({
      start_checkout: () => ticket(),
      retry_checkout: () => ticket(),
      complete_payment: () => ({ order: results.shift(), impUid: "x", changed: true, mismatchCancel: null }),
    });
    renderScreen();
    await loadSdk();
    await userEvent.click(screen.getByTestId("checkout-submit"));
    expect(await screen.findByTestId("result-status")).toHaveTextContent("failed");
    expect(screen.getByTestId("result-fail-reason")).toHaveTextContent("카드 한도 초과");

    await userEvent.click(screen.getByTestId("checkout-retry"));
    expect(await screen.findByText("paid")).toBeInTheDocument();
    expect(invokeMock).toHaveBeenCalledWith("retry_checkout", { merchantUid: "order_20261127_0001" });
    expect(imp.init, "IMP.init runs once").toHaveBeenCalledTimes(1);
  });

  it("shows the virtual account with its bank, number, holder and deadline", async () => {
    fakeImp([{ imp_uid: "imp_v" }]);
    fakeBackend({
      start_checkout: () => ticket({ payMethod: "vbank", vbankDue: "202611302359" }),
      complete_payment: () => ({
        order: order({
          state: "vbank_issued",
          payMethod: "vbank",
          vbankBank: "신한은행",
          vbankNum: "56211234567890",
          vbankHolder: "판뮤직",
          vbankDue: Date.UTC(2026, 10, 30, 14, 59),
        }),
        impUid: "imp_v",
        changed: true,
        mismatchCancel: null,
      }),
    });
    renderScreen();
    await loadSdk();
    await userEvent.click(screen.getByTestId("pay-method-vbank"));
    await userEvent.click(screen.getByTestId("checkout-submit"));
    const account = await screen.findByTestId("vbank-account");
    expect(account).toHaveTextContent("신한은행");
    expect(account).toHaveTextContent("56211234567890");
    expect(account).toHaveTextContent("판뮤직");
    expect(account).toHaveTextContent("23:59 KST");
  });

  it("a closed window leaves the order open with a message", async () => {
    fakeImp([{ imp_uid: null, error_msg: "사용자가 결제를 취소했습니다" }]);
    fakeBackend({
      start_checkout: () => ticket(),
      complete_payment: () => {
        throw ipcError("not_found", "결제를 찾을 수 없습니다");
      },
    });
    renderScreen();
    await loadSdk();
    await userEvent.click(screen.getByTestId("checkout-submit"));
    const open = await screen.findByTestId("checkout-open");
    expect(open).toHaveTextContent("주문은 열려 있으니");
    expect(invokeMock).toHaveBeenCalledWith("complete_payment", { merchantUid: "order_20261127_0001", impUid: null });
  });

  it("says so when the SDK cannot load (offline), and removes the script on unmount", async () => {
    fakeBackend({ start_checkout: () => ticket() });
    const view = renderScreen();
    await loadSdk("error");
    expect(screen.getByTestId("checkout-sdk-error")).toHaveTextContent("인터넷 연결");
    await userEvent.click(screen.getByTestId("checkout-submit"));
    expect(await screen.findByTestId("checkout-open")).toHaveTextContent("결제 대기 상태로 남아");
    view.unmount();
    expect(sdkScript(), "the SDK script is removed on unmount").toBeNull();
  });
});
