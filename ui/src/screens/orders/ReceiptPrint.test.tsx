import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Receipt } from "../../bindings/Receipt";
import { fakeBackend, invokeMock } from "../../test/fakeBackend";
import { PAGE_RULES, ReceiptPrint } from "./ReceiptPrint";

const RECEIPT: Receipt = {
  storeName: "판뮤직 강남점",
  businessNumber: "123-45-67890",
  merchantUid: "order_20261127_0001",
  planName: "1개월 이용권",
  periodStart: "2026-11-27T03:00:00Z",
  periodEnd: "2026-12-27T03:00:00Z",
  amount: 9900,
  vat: 900,
  supply: 9000,
  refunded: 0,
  payMethod: "카드",
  approvalNumber: "31491375",
  cardName: "신한카드",
  paidAt: "2026-11-27T03:00:00Z",
  state: "결제 완료",
};

beforeEach(() => {
  invokeMock.mockReset();
});

describe("ReceiptPrint", () => {
  it("shows store, business number, plan, period, amount with VAT, pay method, approval and KST time", async () => {
    fakeBackend({ get_receipt: () => RECEIPT });
    render(<ReceiptPrint merchantUid={RECEIPT.merchantUid} onClose={() => {}} />);
    const receipt = await screen.findByTestId("receipt");
    for (const text of [
      "판뮤직 강남점",
      "123-45-67890",
      "1개월 이용권",
      "2026. 11. 27. ~ 2026. 12. 27.",
      "결제 금액 (부가세 포함)",
      "9,900원",
      "9,000원",
      "900원",
      "카드 (신한카드)",
      "31491375",
      "2026. 11. 27. 12:00 KST",
    ]) {
      expect(receipt, text).toHaveTextContent(text);
    }
    expect(invokeMock).toHaveBeenCalledWith("get_receipt", { merchantUid: RECEIPT.merchantUid });
  });

  it("lays out for A4 or 80 mm paper and prints through the webview's print dialog", async () => {
    fakeBackend({ get_receipt: () => RECEIPT });
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    const { container } = render(<ReceiptPrint merchantUid={RECEIPT.merchantUid} onClose={() => {}} />);
    expect(await screen.findByTestId("receipt")).toHaveClass("paper-a4");
    expect(container.querySelector("style")?.textContent).toBe(PAGE_RULES.a4);
    await userEvent.click(screen.getByTestId("receipt-paper-80mm"));
    expect(screen.getByTestId("receipt")).toHaveClass("paper-80mm");
    expect(container.querySelector("style")?.textContent).toContain("80mm");
    await userEvent.click(screen.getByTestId("receipt-print"));
    expect(print).toHaveBeenCalledTimes(1);
    print.mockRestore();
  });
});
