import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBackend, invokeMock, ipcError } from "../../test/fakeBackend";
import { detail, order, ticket } from "../../test/fixtures-orders";
import { expectNoSeriousA11yViolations } from "../../test/axe";
import { fakeOwnerPin, OWNER_PIN } from "../../test/fakePin";
import { OrderPage } from "./OrderPage";
import { OrdersScreen } from "./OrdersScreen";

const BANKS = {
  banks: [
    { code: "004", name: "KB국민은행" },
    { code: "088", name: "신한은행" },
  ],
  source: "iamport",
};

const UID = "order_20261127_0001";

beforeEach(() => {
  invokeMock.mockReset();
});

describe("OrderPage", () => {
  it("shows the order in words: what was bought and its state as a badge, no raw codes", async () => {
    fakeBackend({ get_order: () => detail(order({ state: "paid", impUid: "imp_1" })) });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    const status = await screen.findByTestId("order-status");
    expect(status).toHaveTextContent("결제 완료");
    expect(status).toHaveAttribute("data-state", "paid");
    expect(await screen.findByTestId("order-plan")).toHaveTextContent("1개월 이용권");
    expect(screen.getByTestId("order-detail")).not.toHaveTextContent(/\bpaid\b|pass_1m/);
    expect(screen.getByTestId("order-merchant-uid")).toHaveAttribute("title", UID);
    await expectNoSeriousA11yViolations();
  });

  it("전액 환불 asks first with the amount and what remains, and sends no amount", async () => {
    // The page re-reads the order every 5 s: it reads what the book holds, before and after the refund.
    let book = detail(order({ state: "partially_refunded", impUid: "imp_1", refundedAmount: 2000 }));
    fakeBackend({
      get_order: () => book,
      refund_order: () => {
        book = detail(order({ state: "refunded", impUid: "imp_1", refundedAmount: 9900 }));
        return { status: "done", order: book.order };
      },
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    await userEvent.click(await screen.findByTestId("refund-full"));
    const dialog = screen.getByRole("dialog", { name: "전액 환불할까요?" });
    expect(screen.getByTestId("refund-this"), "what this refund returns").toHaveTextContent("7,900원");
    expect(screen.getByTestId("refund-remaining"), "nothing remains after it").toHaveTextContent("0원");
    expect(screen.queryByTestId("refund-amount"), "no amount field to leave empty").toBeNull();
    expect(screen.getByTestId("refund-submit"), "no refund without a reason").toBeDisabled();
    expect(invokeMock).not.toHaveBeenCalledWith("refund_order", expect.anything());
    await userEvent.type(screen.getByTestId("refund-reason"), "고객 요청");
    expect(screen.getByTestId("refund-submit")).toHaveTextContent("7,900원 전액 환불");
    await expectNoSeriousA11yViolations();
    await userEvent.click(screen.getByTestId("refund-submit"));
    expect(await screen.findByTestId("refund-notice")).toHaveTextContent("환불이 완료");
    expect(dialog).not.toBeInTheDocument();
    expect(invokeMock).toHaveBeenCalledWith("refund_order", {
      merchantUid: UID,
      amount: null,
      reason: "고객 요청",
      refundAccount: null,
      pin: null,
    });
  });

  it("부분 환불 shows what remains as the amount is typed and sends exactly what was typed", async () => {
    let book = detail(order({ state: "paid", impUid: "imp_1" }));
    fakeBackend({
      get_order: () => book,
      refund_order: () => {
        book = detail(order({ state: "partially_refunded", impUid: "imp_1", refundedAmount: 3000 }));
        return { status: "done", order: book.order };
      },
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    await userEvent.click(await screen.findByTestId("refund-partial"));
    await userEvent.type(screen.getByTestId("refund-reason"), "고객 요청");
    expect(screen.getByTestId("refund-submit"), "an empty amount never means everything").toBeDisabled();
    await userEvent.type(screen.getByTestId("refund-amount"), "12000");
    expect(screen.getByTestId("refund-amount-error")).toHaveTextContent("9,900원까지");
    expect(screen.getByTestId("refund-submit")).toBeDisabled();
    await userEvent.clear(screen.getByTestId("refund-amount"));
    await userEvent.type(screen.getByTestId("refund-amount"), "3000");
    expect(screen.getByTestId("refund-this")).toHaveTextContent("3,000원");
    expect(screen.getByTestId("refund-remaining")).toHaveTextContent("6,900원");
    expect(screen.getByTestId("refund-submit")).toHaveTextContent("3,000원 환불");
    await userEvent.click(screen.getByTestId("refund-submit"));
    expect(await screen.findByTestId("refund-notice")).toHaveTextContent("환불이 완료");
    await waitFor(() => expect(screen.getByTestId("order-status")).toHaveAttribute("data-state", "partially_refunded"));
    expect(invokeMock).toHaveBeenCalledWith("refund_order", {
      merchantUid: UID,
      amount: "3000",
      reason: "고객 요청",
      refundAccount: null,
      pin: null,
    });
  });

  it("돌아가기 and Esc close the refund dialog without refunding", async () => {
    fakeBackend({ get_order: () => detail(order({ state: "paid", impUid: "imp_1" })), refund_order: () => ({ status: "done" }) });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    await userEvent.click(await screen.findByTestId("refund-full"));
    await userEvent.click(screen.getByTestId("refund-cancel"));
    expect(screen.queryByTestId("refund-dialog")).toBeNull();
    await userEvent.click(screen.getByTestId("refund-partial"));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("refund-dialog")).toBeNull();
    expect(invokeMock).not.toHaveBeenCalledWith("refund_order", expect.anything());
  });

  it("a refund asks for the owner's PIN once one is set and sends it to Rust", async () => {
    const pin = fakeOwnerPin();
    let book = detail(order({ state: "paid", impUid: "imp_1" }));
    fakeBackend({
      get_order: () => book,
      pin_status: pin.status,
      refund_order: pin.guarded(() => {
        book = detail(order({ state: "refunded", impUid: "imp_1", refundedAmount: 9900 }));
        return { status: "done", order: book.order };
      }),
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    await userEvent.click(await screen.findByTestId("refund-full"));
    await userEvent.type(screen.getByTestId("refund-reason"), "고객 요청");
    await userEvent.click(screen.getByTestId("refund-submit"));
    expect(await screen.findByTestId("pin-dialog")).toHaveTextContent("관리자 PIN을 입력하세요");
    expect(screen.queryByTestId("refund-notice"), "nothing refunded yet").toBeNull();
    await userEvent.type(screen.getByTestId("pin-input"), OWNER_PIN);
    await userEvent.click(screen.getByTestId("pin-submit"));
    expect(await screen.findByTestId("refund-notice")).toHaveTextContent("환불이 완료");
    expect(invokeMock).toHaveBeenCalledWith("refund_order", expect.objectContaining({ pin: OWNER_PIN, amount: null }));
  });

  it("asks for the refund account of a virtual-account order, the bank picked by code, and shows Rust's refusal", async () => {
    fakeBackend({
      get_order: () => detail(order({ state: "paid", payMethod: "vbank", impUid: "imp_v" })),
      refund_banks: () => BANKS,
      refund_order: () => {
        throw ipcError("validation", "환불 계좌번호가 올바르지 않습니다.");
      },
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    await userEvent.click(await screen.findByTestId("refund-full"));
    await screen.findByRole("option", { name: "신한은행" });
    await userEvent.selectOptions(screen.getByTestId("refund-bank"), "신한은행");
    await userEvent.type(screen.getByTestId("refund-account-number"), "110-123-456789");
    await userEvent.type(screen.getByTestId("refund-holder"), "김사장");
    await userEvent.type(screen.getByTestId("refund-reason"), "중복 결제");
    await userEvent.click(screen.getByTestId("refund-submit"));
    expect(await screen.findByTestId("refund-error")).toHaveTextContent("계좌번호");
    expect(screen.getByTestId("refund-dialog"), "the dialog stays open to fix it").toBeInTheDocument();
    expect(invokeMock).toHaveBeenCalledWith("refund_order", expect.objectContaining({
      amount: null,
      refundAccount: { bank: "088", number: "110-123-456789", holder: "김사장" },
    }));
  });

  it("a mismatched virtual-account deposit gets a screen for the refund account, then the parked cancel is sent", async () => {
    const pending = { jobId: 7, amount: 100, state: "needs_attention" as const, lastError: "가상계좌 환불을 위해서는 refund_holder, refund_bank, refund_account 가 필요합니다." };
    const flagged = { state: "amount_mismatch", payMethod: "vbank", impUid: "imp_v", mismatchReceived: 100 } as const;
    let book = detail(order(flagged), { pendingRefund: pending });
    fakeBackend({
      get_order: () => book,
      refund_banks: () => ({ ...BANKS, source: "built_in" }),
      resume_mismatch_refund: () => {
        book = detail(order({ ...flagged, mismatchReturned: 100 }));
        return { status: "done", order: book.order };
      },
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    expect(await screen.findByTestId("mismatch-refund-needed")).toHaveTextContent("환불 계좌");
    expect(screen.queryByTestId("refund-full"), "no ordinary refund of a mismatched order").toBeNull();
    await userEvent.click(screen.getByTestId("mismatch-refund-open"));
    expect(await screen.findByTestId("refund-bank-source"), "offline, the built-in list says so").toHaveTextContent("내장된");
    expect(screen.getByTestId("mismatch-refund-submit"), "nothing is sent before the account is complete").toBeDisabled();
    await userEvent.selectOptions(screen.getByTestId("refund-bank"), "KB국민은행");
    await userEvent.type(screen.getByTestId("refund-account-number"), "123-45");
    expect(screen.getByTestId("refund-account-number-error")).toHaveTextContent("10~16자리");
    expect(screen.getByTestId("mismatch-refund-submit")).toBeDisabled();
    await userEvent.type(screen.getByTestId("refund-account-number"), "67-8901");
    await userEvent.type(screen.getByTestId("refund-holder"), "홍길동");
    await userEvent.click(screen.getByTestId("mismatch-refund-submit"));
    expect(await screen.findByTestId("refund-notice")).toHaveTextContent("환불 계좌로 돌려주도록 요청");
    expect(invokeMock).toHaveBeenCalledWith("resume_mismatch_refund", {
      merchantUid: UID,
      refundAccount: { bank: "004", number: "123-4567-8901", holder: "홍길동" },
      pin: null,
    });
    await waitFor(() => expect(screen.queryByTestId("mismatch-refund-needed")).toBeNull());
    expect(await screen.findByTestId("mismatch-returned"), "the page says the deposit went back").toHaveTextContent(
      "입금액 100원이 주문 금액 9,900원과 달라 결제로 받지 않았고, 100원을 입금한 분의 환불 계좌로 모두 돌려주었습니다",
    );
    expect(screen.getByTestId("order-status")).toHaveTextContent("금액 불일치 · 반환 완료");
    expect(screen.getByTestId("order-mismatch-received")).toHaveTextContent("100원");
    expect(screen.getByTestId("order-mismatch-returned")).toHaveTextContent("100원");
    expect(screen.queryByTestId("order-refunded"), "no 환불된 금액 0원 for an order that was never paid").toBeNull();
  });

  it("a wrong deposit larger than the order shows all of it returned", async () => {
    const returned = { state: "amount_mismatch", payMethod: "vbank", impUid: "imp_v", mismatchReceived: 50000, mismatchReturned: 50000 } as const;
    fakeBackend({ get_order: () => detail(order(returned)) });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    expect(await screen.findByTestId("mismatch-returned")).toHaveTextContent("50,000원을 입금한 분의 환불 계좌로 모두 돌려주었습니다");
    expect(screen.getByTestId("order-mismatch-received")).toHaveTextContent("50,000원");
    expect(screen.getByTestId("order-amount")).toHaveTextContent("9,900원");
  });

  it("shows the timeline in words with the refund's amount and reason, never cause codes", async () => {
    fakeBackend({
      get_order: () =>
        detail(order({ state: "partially_refunded", impUid: "imp_1", refundedAmount: 3000 }), {
          events: [
            { id: 1, merchantUid: UID, at: Date.UTC(2026, 10, 27, 3, 0), fromState: "created", toState: "awaiting_payment", cause: "window_opened", detail: null },
            { id: 2, merchantUid: UID, at: Date.UTC(2026, 10, 27, 3, 1), fromState: "awaiting_payment", toState: "paid", cause: "verify", detail: null },
            { id: 3, merchantUid: UID, at: Date.UTC(2026, 10, 27, 3, 2), fromState: "paid", toState: "paid", cause: "refund_requested", detail: { refundAmount: 3000, reason: "고객 요청" } },
            { id: 4, merchantUid: UID, at: Date.UTC(2026, 10, 27, 3, 3), fromState: "paid", toState: "partially_refunded", cause: "refund", detail: { refundedAmount: 3000 } },
          ],
        }),
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    const timeline = await screen.findByTestId("order-timeline");
    expect(timeline.textContent, "no cause code").not.toMatch(/window_opened|verify|refund_requested|\(refund\)/);
    expect(timeline).toHaveTextContent("결제창 열림");
    expect(timeline).toHaveTextContent("환불 3,000원");
    expect(timeline).toHaveTextContent("사유: 고객 요청");
  });

  it("an order waiting for payment offers 이어서 결제, which opens the window for the same order", async () => {
    fakeBackend({
      get_order: () => detail(order({ state: "awaiting_payment" })),
      retry_checkout: () => ticket(),
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    await userEvent.click(await screen.findByTestId("order-resume"));
    expect(invokeMock).toHaveBeenCalledWith("retry_checkout", { merchantUid: UID });
    expect(await screen.findByTestId("order-action-notice")).toHaveTextContent("결제창을 열었습니다");
  });

  it("주문 취소 of an issued virtual account asks first, names the account, and does nothing on 돌아가기", async () => {
    const issued = order({ state: "vbank_issued", payMethod: "vbank", impUid: "imp_v", vbankBank: "국민은행", vbankNum: "123-456-7890" });
    fakeBackend({
      get_order: () => detail(issued),
      abandon_order: () => ({ status: "done", order: { ...issued, state: "abandoned" } }),
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    expect(await screen.findByTestId("vbank-continue"), "a virtual account is continued by a deposit").toBeInTheDocument();
    expect(screen.queryByTestId("order-resume"), "no second account is opened for the same order").toBeNull();

    await userEvent.click(screen.getByTestId("order-abandon"));
    expect(await screen.findByTestId("abandon-dialog")).toHaveTextContent("국민은행 123-456-7890");
    await userEvent.click(screen.getByTestId("abandon-dialog-cancel"));
    expect(invokeMock, "nothing sent on 돌아가기").not.toHaveBeenCalledWith("abandon_order", expect.anything());

    await userEvent.click(screen.getByTestId("order-abandon"));
    await userEvent.click(await screen.findByTestId("abandon-dialog-confirm"));
    expect(invokeMock).toHaveBeenCalledWith("abandon_order", { merchantUid: UID });
    expect(await screen.findByTestId("order-action-notice")).toHaveTextContent("가상계좌 발급도 취소했습니다");
  });

  it("says plainly when the virtual account's revoke waits for the internet", async () => {
    const issued = order({ state: "vbank_issued", payMethod: "vbank", impUid: "imp_v", vbankBank: "국민은행", vbankNum: "123" });
    fakeBackend({
      get_order: () => detail(issued),
      abandon_order: () => ({ status: "revoke_queued", order: { ...issued, state: "abandoned" }, jobId: 3, message: "아임포트에 연결할 수 없습니다" }),
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    await userEvent.click(await screen.findByTestId("order-abandon"));
    await userEvent.click(await screen.findByTestId("abandon-dialog-confirm"));
    expect(await screen.findByTestId("order-action-notice")).toHaveTextContent("대기열");
  });

  it("a paid order offers neither 이어서 결제 nor 주문 취소", async () => {
    fakeBackend({ get_order: () => detail(order({ state: "paid", impUid: "imp_1" })) });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    await screen.findByTestId("refund-full");
    expect(screen.queryByTestId("order-resume")).toBeNull();
    expect(screen.queryByTestId("order-abandon")).toBeNull();
  });

  it("shows a refund waiting in the queue as pending", async () => {
    fakeBackend({
      get_order: () =>
        detail(order({ state: "paid", impUid: "imp_1" }), {
          pendingRefund: { jobId: 7, amount: 9900, state: "pending", lastError: null },
        }),
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    expect(await screen.findByTestId("refund-pending")).toHaveTextContent("대기열");
    await expectNoSeriousA11yViolations();
  });

  it("shows why a parked refund was refused in Korean only, without Rust's English gloss", async () => {
    fakeBackend({
      get_order: () =>
        detail(order({ state: "paid", impUid: "imp_1" }), {
          pendingRefund: {
            jobId: 7,
            amount: 9900,
            state: "needs_attention",
            lastError: "환불 금액 9900원이 환불 가능한 잔액 0원보다 큽니다. (refund exceeds the balance)",
          },
        }),
    });
    render(<OrderPage merchantUid={UID} onBack={() => {}} />);
    const pending = await screen.findByTestId("refund-pending");
    expect(pending, "the reason is shown").toHaveTextContent("환불 가능한 잔액 0원보다 큽니다.");
    expect(pending.textContent, "no English gloss").not.toContain("refund exceeds the balance");
  });
});

describe("OrdersScreen", () => {
  it("lists orders newest first and filters by state", async () => {
    fakeBackend({
      list_orders: () => ({ total: 1, items: [order({ state: "paid" })] }),
    });
    let opened = "";
    render(<OrdersScreen onOpen={(uid) => (opened = uid)} />);
    const row = await screen.findByTestId(`order-row-${UID}`);
    expect(row).toHaveTextContent("9,900원");
    expect(row).toHaveTextContent("결제 완료");
    await expectNoSeriousA11yViolations();
    await userEvent.selectOptions(screen.getByTestId("orders-filter-state"), "paid");
    expect(invokeMock).toHaveBeenLastCalledWith("list_orders", {
      query: { state: "paid", payMethod: null, search: null, from: null, to: null, class: null, limit: 50, offset: 0 },
    });
    await userEvent.click(await screen.findByTestId(`order-row-${UID}`));
    expect(opened).toBe(UID);
  });

  it("filters by KST days and by sales versus card registrations", async () => {
    fakeBackend({
      list_orders: () => ({ total: 1, items: [order({ kind: "billing", amount: 0, state: "paid" })] }),
    });
    render(<OrdersScreen onOpen={() => {}} />);
    const row = await screen.findByTestId(`order-row-${UID}`);
    expect(row, "a 0원 card registration is not shown as a sale").toHaveTextContent("매출 아님");
    expect(row).toHaveTextContent("카드 등록");
    await userEvent.type(screen.getByTestId("orders-filter-from"), "2026-11-01");
    await userEvent.type(screen.getByTestId("orders-filter-to"), "2026-11-30");
    await userEvent.selectOptions(screen.getByTestId("orders-filter-class"), "sale");
    expect(invokeMock).toHaveBeenLastCalledWith("list_orders", {
      query: { state: null, payMethod: null, search: null, from: "2026-11-01", to: "2026-11-30", class: "sale", limit: 50, offset: 0 },
    });
  });

  it("shows Rust's error when the days are backwards", async () => {
    fakeBackend({
      list_orders: (args) => {
        const query = (args as { query: { from: string | null; to: string | null } }).query;
        if (query.from && query.to && query.from > query.to) {
          throw ipcError("validation", "기간이 거꾸로입니다: 시작일 2026-11-30이(가) 종료일 2026-11-01보다 늦습니다.");
        }
        return { total: 0, items: [] };
      },
    });
    render(<OrdersScreen onOpen={() => {}} />);
    await userEvent.type(screen.getByTestId("orders-filter-to"), "2026-11-01");
    await userEvent.type(screen.getByTestId("orders-filter-from"), "2026-11-30");
    expect(await screen.findByText(/기간이 거꾸로입니다/)).toBeInTheDocument();
  });
});
