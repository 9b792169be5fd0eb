import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBackend, invokeMock, ipcError } from "../test/fakeBackend";
import { fakeOwnerPin, OWNER_PIN } from "../test/fakePin";
import { SandboxDataSection } from "./SandboxDataSection";

beforeEach(() => {
  invokeMock.mockReset();
});

function clearCalls() {
  return invokeMock.mock.calls.filter(([command]) => command === "clear_sandbox_data").length;
}

describe("SandboxDataSection", () => {
  it("asks once more, saying live data stays, before clearing", async () => {
    fakeBackend({ clear_sandbox_data: () => null });
    const user = userEvent.setup();
    render(<SandboxDataSection />);
    await user.click(screen.getByTestId("sandbox-clear"));
    expect(screen.getByTestId("sandbox-clear-confirm")).toHaveTextContent("실제 결제 데이터는 그대로");
    expect(clearCalls()).toBe(0);
    await user.click(screen.getByTestId("sandbox-clear-yes"));
    expect(await screen.findByTestId("sandbox-cleared")).toHaveTextContent("지웠습니다");
    expect(clearCalls()).toBe(1);
  });

  it("asks for the owner's PIN once one is set and clears only with it", async () => {
    const pin = fakeOwnerPin();
    fakeBackend({ pin_status: pin.status, clear_sandbox_data: pin.guarded(() => null) });
    const user = userEvent.setup();
    render(<SandboxDataSection />);
    await user.click(screen.getByTestId("sandbox-clear"));
    await user.click(screen.getByTestId("sandbox-clear-yes"));
    expect(await screen.findByTestId("pin-dialog")).toHaveTextContent("테스트 데이터 지우기");
    expect(screen.queryByTestId("sandbox-cleared")).toBeNull();
    await user.type(screen.getByTestId("pin-input"), OWNER_PIN);
    await user.click(screen.getByTestId("pin-submit"));
    expect(await screen.findByTestId("sandbox-cleared")).toHaveTextContent("지웠습니다");
    expect(invokeMock).toHaveBeenLastCalledWith("clear_sandbox_data", { pin: OWNER_PIN });
  });

  it("cancelling sends nothing", async () => {
    fakeBackend({ clear_sandbox_data: () => null });
    const user = userEvent.setup();
    render(<SandboxDataSection />);
    await user.click(screen.getByTestId("sandbox-clear"));
    await user.click(screen.getByText("취소"));
    expect(screen.queryByTestId("sandbox-clear-confirm")).toBeNull();
    expect(clearCalls()).toBe(0);
  });

  it("shows Rust's Korean error", async () => {
    fakeBackend({
      clear_sandbox_data: () => {
        throw ipcError("internal", "테스트 데이터를 지우지 못했습니다. 실제 결제 데이터는 건드리지 않았습니다.");
      },
    });
    const user = userEvent.setup();
    render(<SandboxDataSection />);
    await user.click(screen.getByTestId("sandbox-clear"));
    await user.click(screen.getByTestId("sandbox-clear-yes"));
    expect(await screen.findByTestId("sandbox-clear-error")).toHaveTextContent("지우지 못했습니다");
  });
});
