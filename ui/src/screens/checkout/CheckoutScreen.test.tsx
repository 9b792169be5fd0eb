import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { PaymentReturn } from "../../bindings/PaymentReturn";
import { emitEvent, fakeBackend, invokeMock, ipcError, listenerCount } from "../../test/fakeBackend";
import { PLANS } from "../../test/fixtures";
import { order, ticket } from "../../test/fixtures-orders";
import { OnlineContext } from "../../online";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { CheckoutScreen } from "./CheckoutScreen";
import { PAYMENT_RESULT_EVENT } from "./paymentEvents";

const PASS = PLANS.find((p) => p.id === "pass_1m") ?? PLANS[0]!;
const UID = "order_20261127_0001";

function renderScreen() {
  return render(<CheckoutScreen plan={PASS} onBack={() => {}} onOpenOrder={() => {}} />);
}

/** What Rust emits when the payment window of `UID` ended. */
function windowEnded(result: Partial<PaymentReturn>) {
  const payload: PaymentReturn = {
    merchantUid: UID,
    verified: null,
    problem: null,
    code: null,
    windowMessage: null,
    ...result,
  };
  act(() => emitEvent(PAYMENT_RESULT_EVENT, payload));
}

function verified(state: "paid" | "failed" | "vbank_issued", extra = {}) {
  return { order: order({ state, ...extra }), impUid: "imp_1", changed: true, mismatchCancel: null };
}

async function startPaying() {
  await userEvent.click(screen.getByTestId("checkout-submit"));
  await screen.findByText(/결제창에서 결제를 진행해 주세요/);
}

beforeEach(() => {
  invokeMock.mockReset();
});

describe("CheckoutScreen", () => {
  it("names only the plan and method; shows progress while the window is open, then the verified result", async () => {
    fakeBackend({ start_checkout: () => ticket() });
    renderScreen();
    await userEvent.click(screen.getByTestId("pay-method-vbank"));
    await startPaying();
    expect(invokeMock).toHaveBeenCalledWith("start_checkout", { planId: "pass_1m", payMethod: "vbank" });
    expect(screen.getByTestId("checkout-progress")).toHaveTextContent("결제창을 닫으면 주문은 열린 채로 남습니다");
    expect(screen.getByTestId("checkout-submit")).toBeDisabled();
    windowEnded({ verified: verified("paid") });
    expect(await screen.findByTestId("result-status")).toHaveAttribute("data-state", "paid");
    expect(screen.getByTestId("result-merchant-uid")).toHaveAttribute("data-full-id", UID);
  });

  it("tells the shell the order it shows once there is one, its window open or ended (a window reopened from the tray comes back to it)", async () => {
    fakeBackend({ start_checkout: () => ticket() });
    const shown: string[] = [];
    render(
      <CheckoutScreen plan={PASS} onBack={() => {}} onOpenOrder={() => {}} onShowsOrder={(uid) => shown.push(uid)} />,
    );
    expect(shown).toEqual([]);
    await startPaying();
    expect(shown, "while its window is open").toEqual([UID]);
    windowEnded({ verified: verified("vbank_issued") });
    expect(await screen.findByTestId("result-status")).toHaveAttribute("data-state", "vbank_issued");
    expect(shown[shown.length - 1]).toBe(UID);
  });

  it("ignores the result of another order's window", async () => {
    fakeBackend({ start_checkout: () => ticket() });
    renderScreen();
    await startPaying();
    act(() =>
      emitEvent(PAYMENT_RESULT_EVENT, {
        merchantUid: "order_other",
        verified: verified("paid"),
        problem: null,
        code: null,
        windowMessage: null,
      }),
    );
    expect(screen.queryByTestId("result-status"), "another order's result is not this one's").toBeNull();
    expect(screen.getByTestId("checkout-progress")).toBeInTheDocument();
  });

  it("after a decline, 다시 시도 opens the window again for the same order", async () => {
    fakeBackend({ start_checkout: () => ticket(), retry_checkout: () => ticket() });
    renderScreen();
    await startPaying();
    windowEnded({ verified: verified("failed", { failReason: "카드 한도 초과" }) });
    expect(await screen.findByTestId("result-status")).toHaveAttribute("data-state", "failed");
    expect(screen.getByTestId("result-fail-reason")).toHaveTextContent("카드 한도 초과");

    await userEvent.click(screen.getByTestId("checkout-retry"));
    await screen.findByText(/결제창에서 결제를 진행해 주세요/);
    expect(invokeMock).toHaveBeenCalledWith("retry_checkout", { merchantUid: UID });
    windowEnded({ verified: verified("paid") });
    await waitFor(() => expect(screen.getByTestId("result-status")).toHaveAttribute("data-state", "paid"));
  });

  it("shows the virtual account with its bank, number, holder and deadline", async () => {
    fakeBackend({ start_checkout: () => ticket({ payMethod: "vbank", vbankDue: "202611302359" }) });
    renderScreen();
    await startPaying();
    windowEnded({
      verified: verified("vbank_issued", {
        payMethod: "vbank",
        vbankBank: "신한은행",
        vbankNum: "56211234567890",
        vbankHolder: "판뮤직",
        vbankDue: Date.UTC(2026, 10, 30, 14, 59),
      }),
    });
    const account = await screen.findByTestId("vbank-account");
    expect(account).toHaveTextContent("신한은행");
    expect(account).toHaveTextContent("56211234567890");
    expect(account).toHaveTextContent("판뮤직");
    expect(account).toHaveTextContent("23:59 KST");
  });

  it("a window closed without a payment leaves the order open, with what the window said", async () => {
    fakeBackend({ start_checkout: () => ticket(), retry_checkout: () => ticket() });
    renderScreen();
    await startPaying();
    windowEnded({ problem: "결제를 찾을 수 없습니다", code: "not_found", windowMessage: "결제창이 닫혔습니다." });
    const open = await screen.findByTestId("checkout-open");
    expect(open).toHaveTextContent("주문은 열려 있으니");
    expect(open).toHaveTextContent("결제창이 닫혔습니다.");
    expect(screen.getByTestId("result-merchant-uid")).toHaveAttribute("data-full-id", UID);
    expect(screen.getByTestId("checkout-retry")).toBeInTheDocument();
  });

  it("says verification did not finish (offline) and shows Rust's reason", async () => {
    fakeBackend({ start_checkout: () => ticket() });
    renderScreen();
    await startPaying();
    windowEnded({ problem: "아임포트에 연결할 수 없습니다.", code: "offline" });
    const open = await screen.findByTestId("checkout-open");
    expect(open).toHaveTextContent("앱이 아임포트에서 결과를 다시 확인합니다");
    expect(open).toHaveTextContent("아임포트에 연결할 수 없습니다.");
  });

  it("shows Rust's refusal when the window cannot open, and stops listening when it goes away", async () => {
    fakeBackend({
      start_checkout: () => {
        throw ipcError("internal", "결제창을 열지 못했습니다. 앱을 다시 시작한 뒤 다시 시도해 주세요. 주문은 열려 있습니다.");
      },
    });
    const view = renderScreen();
    await userEvent.click(screen.getByTestId("checkout-submit"));
    expect(await screen.findByTestId("checkout-error")).toHaveTextContent("결제창을 열지 못했습니다.");
    expect(listenerCount(PAYMENT_RESULT_EVENT)).toBe(1);
    view.unmount();
    await waitFor(() => expect(listenerCount(PAYMENT_RESULT_EVENT), "no listener left behind").toBe(0));
  });

  it("offline, says payment needs internet and makes no order; when the network returns it can pay", async () => {
    fakeBackend({ start_checkout: () => ticket() });
    const screenAt = (online: boolean) => (
      <OnlineContext.Provider value={online}>
        <CheckoutScreen plan={PASS} onBack={() => {}} onOpenOrder={() => {}} />
      </OnlineContext.Provider>
    );
    const { rerender } = render(screenAt(false));
    expect(screen.getByTestId("checkout-offline")).toHaveTextContent("인터넷이 연결되어 있어야 합니다");
    expect(screen.getByTestId("checkout-offline")).toHaveTextContent("주문을 만들지 않습니다");
    expect(screen.getByTestId("checkout-submit")).toBeDisabled();
    await userEvent.type(screen.getByTestId("pay-method-card"), "{Enter}");
    expect(invokeMock, "no order is made offline").not.toHaveBeenCalledWith("start_checkout", expect.anything());
    await expectNoSeriousA11yViolations();
    rerender(screenAt(true));
    expect(screen.queryByTestId("checkout-offline")).toBeNull();
    await startPaying();
    expect(invokeMock).toHaveBeenCalledWith("start_checkout", { planId: "pass_1m", payMethod: "card" });
  });
});
