import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBackend, invokeMock, ipcError } from "../../test/fakeBackend";
import { OwnerPinSection } from "./OwnerPinSection";
import { PIN_OFFER_DISMISSED_KEY, PinSetupOffer } from "./PinSetupOffer";

const NOT_SET = { set: false, triesLeft: 5, lockedUntil: null };
const SET = { set: true, triesLeft: 5, lockedUntil: null };

beforeEach(() => {
  invokeMock.mockReset();
  window.localStorage.clear();
});

describe("the first-start PIN offer", () => {
  it("offers a PIN while none is set and sets the one typed twice", async () => {
    fakeBackend({ pin_status: () => NOT_SET, set_owner_pin: () => SET });
    render(<PinSetupOffer />);
    expect(await screen.findByTestId("pin-offer")).toHaveTextContent("관리자 PIN을 설정하세요");
    await userEvent.click(screen.getByTestId("pin-offer-open"));
    await userEvent.type(screen.getByTestId("pin-setup-new"), "2580");
    await userEvent.type(screen.getByTestId("pin-setup-again"), "2580");
    await userEvent.click(screen.getByTestId("pin-setup-save"));
    expect(await screen.findByTestId("pin-offer-done")).toHaveTextContent("설정했습니다");
    expect(invokeMock).toHaveBeenCalledWith("set_owner_pin", { newPin: "2580", pin: null });
  });

  it("refuses two different PINs before asking Rust", async () => {
    fakeBackend({ pin_status: () => NOT_SET, set_owner_pin: () => SET });
    render(<PinSetupOffer />);
    await userEvent.click(await screen.findByTestId("pin-offer-open"));
    await userEvent.type(screen.getByTestId("pin-setup-new"), "2580");
    await userEvent.type(screen.getByTestId("pin-setup-again"), "2581");
    await userEvent.click(screen.getByTestId("pin-setup-save"));
    expect(await screen.findByTestId("pin-setup-error")).toHaveTextContent("다릅니다");
    expect(invokeMock).not.toHaveBeenCalledWith("set_owner_pin", expect.anything());
  });

  it("나중에 hides it and it stays hidden at the next start", async () => {
    fakeBackend({ pin_status: () => NOT_SET });
    const { unmount } = render(<PinSetupOffer />);
    await userEvent.click(await screen.findByTestId("pin-offer-later"));
    expect(screen.queryByTestId("pin-offer")).toBeNull();
    expect(window.localStorage.getItem(PIN_OFFER_DISMISSED_KEY)).toBe("1");
    unmount();
    render(<PinSetupOffer />);
    await act(async () => {});
    expect(invokeMock).toHaveBeenCalledWith("pin_status", undefined);
    expect(screen.queryByTestId("pin-offer")).toBeNull();
  });

  it("is not shown once a PIN is set", async () => {
    fakeBackend({ pin_status: () => SET });
    render(<PinSetupOffer />);
    await act(async () => {});
    expect(invokeMock).toHaveBeenCalledWith("pin_status", undefined);
    expect(screen.queryByTestId("pin-offer")).toBeNull();
  });
});

describe("설정 > 관리자 PIN", () => {
  it("changes a set PIN with the current one and shows Rust's refusal of a wrong one", async () => {
    fakeBackend({
      pin_status: () => SET,
      set_owner_pin: (args) => {
        if (args?.pin !== "2580") throw ipcError("pin", "관리자 PIN이 맞지 않습니다. 4번 더 틀리면 5분 동안 잠깁니다.");
        return SET;
      },
    });
    render(<OwnerPinSection />);
    expect(await screen.findByTestId("settings-pin-status")).toHaveTextContent("설정됨");
    await userEvent.type(screen.getByTestId("pin-setup-current"), "1111");
    await userEvent.type(screen.getByTestId("pin-setup-new"), "97531");
    await userEvent.type(screen.getByTestId("pin-setup-again"), "97531");
    await userEvent.click(screen.getByTestId("pin-setup-save"));
    expect(await screen.findByTestId("pin-setup-error")).toHaveTextContent("4번 더");

    await userEvent.type(screen.getByTestId("pin-setup-current"), "2580");
    await userEvent.click(screen.getByTestId("pin-setup-save"));
    expect(await screen.findByTestId("settings-pin-saved")).toHaveTextContent("저장했습니다");
    expect(invokeMock).toHaveBeenCalledWith("set_owner_pin", { newPin: "97531", pin: "2580" });
  });
});
