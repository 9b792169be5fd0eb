import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { CashReceipt } from "../../bindings/CashReceipt";
import { fakeBackend, invokeMock, ipcError } from "../../test/fakeBackend";
import { order } from "../../test/fixtures-orders";
import { CardFacts } from "./CardFacts";
import { CashReceiptSection } from "./CashReceiptSection";

const UID = "order_20261127_0001";

function receipt(overrides: Partial<CashReceipt> = {}): CashReceipt {
  return {
    merchantUid: UID,
    impUid: "imp_1",
    receiptType: "company",
    identifier: "1234567891",
    state: "issued",
    auto: false,
    applyNum: "123456789",
    receiptUrl: null,
    amount: 9900,
    issuedAt: Date.UTC(2026, 10, 27, 3, 0),
    cancelledAt: null,
    lastError: null,
    createdAt: Date.UTC(2026, 10, 27, 3, 0),
    ...overrides,
  };
}

beforeEach(() => {
  invokeMock.mockReset();
});

describe("CashReceiptSection", () => {
  it("offers no cash receipt for a card payment", () => {
    render(<CashReceiptSection order={order({ state: "paid", payMethod: "card" })} receipt={null} onChanged={() => {}} />);
    expect(screen.queryByTestId("cash-receipt")).toBeNull();
  });

  it("issues a 소득공제 receipt to the phone number typed", async () => {
    fakeBackend({ issue_cash_receipt: () => ({ status: "done", receipt: receipt({ receiptType: "person" }) }) });
    let changed = 0;
    render(<CashReceiptSection order={order({ state: "paid", payMethod: "trans" })} receipt={null} onChanged={() => changed++} />);
    await userEvent.selectOptions(screen.getByTestId("cash-receipt-type"), "person");
    await userEvent.type(screen.getByTestId("cash-receipt-identifier"), "010-1234-5678");
    await userEvent.click(screen.getByTestId("cash-receipt-issue"));
    expect(await screen.findByTestId("cash-receipt-notice")).toHaveTextContent("발급이(가) 완료");
    expect(invokeMock).toHaveBeenCalledWith("issue_cash_receipt", {
      merchantUid: UID,
      ask: { receiptType: "person", identifier: "010-1234-5678" },
    });
    expect(changed).toBe(1);
  });

  it("says a request made offline is queued", async () => {
    fakeBackend({ issue_cash_receipt: () => ({ status: "queued", receipt: receipt({ state: "requested" }), message: "아임포트에 연결할 수 없습니다" }) });
    render(<CashReceiptSection order={order({ state: "paid", payMethod: "vbank" })} receipt={null} onChanged={() => {}} />);
    await userEvent.click(screen.getByTestId("cash-receipt-issue"));
    expect(await screen.findByTestId("cash-receipt-notice")).toHaveTextContent("대기열에 등록했습니다");
  });

  it("shows Rust's refusal of a wrong business number", async () => {
    fakeBackend({
      issue_cash_receipt: () => {
        throw ipcError("validation", "사업자등록번호의 마지막 자리(검증 번호)가 맞지 않습니다.");
      },
    });
    render(<CashReceiptSection order={order({ state: "paid", payMethod: "trans" })} receipt={null} onChanged={() => {}} />);
    await userEvent.type(screen.getByTestId("cash-receipt-identifier"), "123-45-67890");
    await userEvent.click(screen.getByTestId("cash-receipt-issue"));
    expect(await screen.findByTestId("cash-receipt-error")).toHaveTextContent("검증 번호");
  });

  it("shows an issued receipt with its approval number and offers 취소", () => {
    render(<CashReceiptSection order={order({ state: "paid", payMethod: "trans" })} receipt={receipt()} onChanged={() => {}} />);
    expect(screen.getByTestId("cash-receipt-state")).toHaveTextContent("발급됨");
    expect(screen.getByTestId("cash-receipt-apply-num")).toHaveTextContent("123456789");
    expect(screen.getByTestId("cash-receipt-cancel")).toBeInTheDocument();
    expect(screen.queryByTestId("cash-receipt-issue")).toBeNull();
  });
});

describe("CardFacts", () => {
  it("shows card company, masked number, approval number and installments", () => {
    render(<CardFacts card={{ name: "신한카드", number: "559410*********4", approval: "31491375", installments: 0 }} />);
    expect(screen.getByTestId("card-name")).toHaveTextContent("신한카드");
    expect(screen.getByTestId("card-number")).toHaveTextContent("559410*********4");
    expect(screen.getByTestId("card-approval")).toHaveTextContent("31491375");
    expect(screen.getByTestId("card-installments")).toHaveTextContent("일시불");
  });
});
