import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBackend, invokeMock, ipcError } from "./test/fakeBackend";
import { fakeOwnerPin, OWNER_PIN } from "./test/fakePin";
import { CommandError, refundOrder, type OwnerPin } from "./ipc";
import { usePinGuard, type Guarded } from "./usePinGuard";

beforeEach(() => {
  invokeMock.mockReset();
});

const INPUT = { merchantUid: "order_1", amount: null, reason: "고객 요청", refundAccount: null };

/** A screen with one guarded action (a refund), reporting what the guard resolved or rejected with. */
function Harness({ onResult }: { onResult: (result: Guarded<unknown> | null | CommandError) => void }) {
  const { guard, dialog } = usePinGuard();
  return (
    <>
      <button
        type="button"
        onClick={() =>
          guard("환불", (pin: OwnerPin) => refundOrder(INPUT, pin)).then(onResult, (e: CommandError) => onResult(e))
        }
      >
        환불하기
      </button>
      {dialog}
    </>
  );
}

function refundPins(): unknown[] {
  return invokeMock.mock.calls
    .filter(([command]) => command === "refund_order")
    .map(([, args]) => (args as { pin: unknown }).pin);
}

describe("the PIN guard", () => {
  it("runs the action at once, with no dialog, when no PIN is set", async () => {
    fakeBackend({ refund_order: () => ({ status: "done" }) });
    const onResult = vi.fn();
    render(<Harness onResult={onResult} />);
    await userEvent.click(screen.getByText("환불하기"));
    await vi.waitFor(() => expect(onResult).toHaveBeenCalledWith({ value: { status: "done" }, pin: null }));
    expect(screen.queryByTestId("pin-dialog")).toBeNull();
    expect(refundPins()).toEqual([null]);
  });

  it("asks 관리자 PIN을 입력하세요, shows the tries left after a wrong PIN, and runs with the right one", async () => {
    const pin = fakeOwnerPin();
    fakeBackend({ pin_status: pin.status, refund_order: pin.guarded(() => ({ status: "done" })) });
    const onResult = vi.fn();
    render(<Harness onResult={onResult} />);
    await userEvent.click(screen.getByText("환불하기"));

    const dialog = await screen.findByTestId("pin-dialog");
    expect(dialog).toHaveTextContent("관리자 PIN을 입력하세요");
    expect(dialog).toHaveTextContent("환불");
    expect(screen.queryByTestId("pin-error"), "no error before a try").toBeNull();
    await userEvent.type(screen.getByTestId("pin-input"), "1111");
    await userEvent.click(screen.getByTestId("pin-submit"));
    expect(await screen.findByTestId("pin-error")).toHaveTextContent("4번 더 틀리면");
    expect(screen.getByTestId("pin-input"), "emptied for the next try").toHaveValue("");
    expect(onResult).not.toHaveBeenCalled();

    await userEvent.type(screen.getByTestId("pin-input"), OWNER_PIN);
    await userEvent.click(screen.getByTestId("pin-submit"));
    await vi.waitFor(() => expect(onResult).toHaveBeenCalledWith({ value: { status: "done" }, pin: OWNER_PIN }));
    expect(screen.queryByTestId("pin-dialog"), "closed after the right PIN").toBeNull();
    expect(refundPins()).toEqual([null, "1111", OWNER_PIN]);
  });

  it("takes digits only", async () => {
    const pin = fakeOwnerPin();
    fakeBackend({ pin_status: pin.status, refund_order: pin.guarded(() => ({ status: "done" })) });
    render(<Harness onResult={() => {}} />);
    await userEvent.click(screen.getByText("환불하기"));
    await userEvent.type(await screen.findByTestId("pin-input"), "12ab34");
    expect(screen.getByTestId("pin-input")).toHaveValue("1234");
  });

  it("says until when a locked PIN stays locked, in KST", async () => {
    const until = Date.UTC(2026, 10, 30, 5, 5, 9);
    const pin = fakeOwnerPin(until);
    fakeBackend({ pin_status: pin.status, refund_order: pin.guarded(() => ({ status: "done" })) });
    render(<Harness onResult={() => {}} />);
    await userEvent.click(screen.getByText("환불하기"));
    expect(await screen.findByTestId("pin-locked")).toHaveTextContent("14:05:09 KST");
  });

  it("취소 closes the dialog, runs nothing more and resolves null", async () => {
    const pin = fakeOwnerPin();
    fakeBackend({ pin_status: pin.status, refund_order: pin.guarded(() => ({ status: "done" })) });
    const onResult = vi.fn();
    render(<Harness onResult={onResult} />);
    await userEvent.click(screen.getByText("환불하기"));
    await userEvent.click(await screen.findByTestId("pin-cancel"));
    await vi.waitFor(() => expect(onResult).toHaveBeenCalledWith(null));
    expect(screen.queryByTestId("pin-dialog")).toBeNull();
    expect(refundPins()).toEqual([null]);
  });

  it("a refusal that is not about the PIN closes the dialog and goes to the screen", async () => {
    const pin = fakeOwnerPin();
    fakeBackend({
      pin_status: pin.status,
      refund_order: pin.guarded(() => {
        throw ipcError("conflict", "이미 환불된 주문입니다.");
      }),
    });
    const onResult = vi.fn();
    render(<Harness onResult={onResult} />);
    await userEvent.click(screen.getByText("환불하기"));
    await userEvent.type(await screen.findByTestId("pin-input"), OWNER_PIN);
    await userEvent.click(screen.getByTestId("pin-submit"));
    await vi.waitFor(() => expect(onResult).toHaveBeenCalled());
    const reported = onResult.mock.calls[0]?.[0] as CommandError;
    expect(reported.code).toBe("conflict");
    expect(screen.queryByTestId("pin-dialog")).toBeNull();
  });
});
