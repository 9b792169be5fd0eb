import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Settlement } from "../../bindings/Settlement";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { fakeBackend, invokeMock, ipcError } from "../../test/fakeBackend";
import { order } from "../../test/fixtures-orders";
import { monthRange } from "./period";
import { SettlementScreen } from "./SettlementScreen";

const fig = (paid: number, refunded: number, count: number) => ({ paid, refunded, net: paid - refunded, count });

function report(overrides: Partial<Settlement> = {}): Settlement {
  return {
    range: { from: "2026-11-01", to: "2026-11-30" },
    totals: fig(36900, 5000, 2),
    byPayMethod: { card: fig(9900, 0, 1), trans: fig(27000, 5000, 1) },
    byPlan: { pass_1m: fig(9900, 0, 1), pass_3m: fig(27000, 5000, 1) },
    planNames: { pass_1m: "1개월 이용권", pass_3m: "3개월 이용권" },
    vbankUnpaid: { count: 1, amount: 9900 },
    ...overrides,
  };
}

beforeEach(() => {
  invokeMock.mockReset();
});

describe("SettlementScreen", () => {
  it("shows totals by pay method and by plan in won, and the unpaid virtual accounts apart", async () => {
    fakeBackend({ settlement: () => report() });
    render(<SettlementScreen onOpen={() => {}} />);
    expect(await screen.findByTestId("settlement-total")).toHaveTextContent("36,900원");
    expect(screen.getByTestId("settlement-total")).toHaveTextContent("31,900원");
    expect(screen.getByTestId("settlement-method-trans")).toHaveTextContent("계좌이체");
    expect(screen.getByTestId("settlement-plan-pass_3m")).toHaveTextContent("3개월 이용권");
    expect(screen.getByTestId("settlement-unpaid")).toHaveTextContent("매출 아님");
  });

  it("drills down from a figure to its orders and opens one", async () => {
    fakeBackend({
      settlement: () => report(),
      settlement_orders: () => ({ total: 1, items: [order({ state: "paid", payMethod: "trans", paidAt: Date.UTC(2026, 10, 3) })] }),
    });
    let opened = "";
    render(<SettlementScreen onOpen={(uid) => (opened = uid)} />);
    await userEvent.click(await screen.findByTestId("settlement-method-trans-paid"));
    expect(await screen.findByTestId("settlement-drill")).toHaveTextContent("계좌이체 주문");
    const call = invokeMock.mock.calls.find(([name]) => name === "settlement_orders");
    expect(call?.[1]).toMatchObject({ query: { section: "sales", payMethod: "trans", planId: null, limit: 50, offset: 0 } });
    await userEvent.click(await screen.findByTestId("settlement-order-order_20261127_0001"));
    expect(opened).toBe("order_20261127_0001");
    opened = "";
    await userEvent.click(screen.getByTestId("settlement-open-order_20261127_0001"));
    expect(opened, "the order number is a button (keyboard and pointer)").toBe("order_20261127_0001");
  });

  it("opens the unpaid virtual accounts from their figure, a real button reached by keyboard, with no serious axe finding", async () => {
    fakeBackend({
      settlement: () => report(),
      settlement_orders: () => ({ total: 1, items: [order({ state: "vbank_issued", payMethod: "vbank" })] }),
    });
    render(<SettlementScreen onOpen={() => {}} />);
    const unpaid = await screen.findByRole("button", { name: "1건 · 9,900원" });
    expect(unpaid).toHaveAttribute("type", "button");
    unpaid.focus();
    await userEvent.keyboard("{Enter}");
    expect(await screen.findByTestId("settlement-drill")).toBeInTheDocument();
    const call = invokeMock.mock.calls.find(([name]) => name === "settlement_orders");
    expect(call?.[1]).toMatchObject({ query: { section: "vbank_unpaid" } });
    await expectNoSeriousA11yViolations();
  });

  it("shows Rust's refusal of a backwards range", async () => {
    fakeBackend({
      settlement: (args) => {
        const range = (args as { range: { from: string; to: string } }).range;
        if (range.from > range.to) throw ipcError("validation", "기간이 거꾸로입니다: 시작일이 종료일보다 늦습니다.");
        return report();
      },
    });
    render(<SettlementScreen onOpen={() => {}} />);
    await userEvent.selectOptions(await screen.findByTestId("settlement-kind"), "range");
    const from = screen.getByTestId("settlement-from");
    await userEvent.clear(from);
    await userEvent.type(from, "2026-12-31");
    expect(await screen.findByTestId("settlement-error")).toHaveTextContent("기간이 거꾸로입니다");
  });

  it("saves the CSV where the owner picked and says where", async () => {
    fakeBackend({ settlement: () => report(), export_settlement_csv: () => ({ path: "/home/owner/정산.csv", rows: 2 }) });
    render(<SettlementScreen onOpen={() => {}} />);
    await userEvent.click(await screen.findByTestId("settlement-csv"));
    expect(await screen.findByTestId("settlement-exported")).toHaveTextContent("/home/owner/정산.csv에 2건을 저장했습니다.");
  });

  it("prints through the webview's print dialog", async () => {
    fakeBackend({ settlement: () => report() });
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    render(<SettlementScreen onOpen={() => {}} />);
    await userEvent.click(await screen.findByTestId("settlement-print"));
    expect(print).toHaveBeenCalledOnce();
    print.mockRestore();
  });
});

describe("monthRange", () => {
  it("ends each month on its last day", () => {
    expect(monthRange("2026-02")).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(monthRange("2028-02")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(monthRange("2026-12")).toEqual({ from: "2026-12-01", to: "2026-12-31" });
  });
});
