import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBackend, invokeMock } from "../../test/fakeBackend";
import { PLANS } from "../../test/fixtures";
import { ticket } from "../../test/fixtures-orders";
import { defaultSettings, settingsView } from "../../test/fixtures-settings";
import { CheckoutScreen } from "./CheckoutScreen";

const PASS = PLANS.find((p) => p.id === "pass_1m") ?? PLANS[0]!;

beforeEach(() => {
  invokeMock.mockReset();
});

function withDefaults() {
  fakeBackend({
    get_settings: () =>
      settingsView({
        settings: defaultSettings({ buyer: { name: "김사장", tel: "010-1234-5678", email: "owner@example.com" } }),
      }),
    start_checkout: () => ticket(),
  });
  render(<CheckoutScreen plan={PASS} onBack={() => {}} onOpenOrder={() => {}} />);
}

describe("checkout buyer details", () => {
  it("are prefilled from 설정 and sent as edited for this sale", async () => {
    withDefaults();
    const tel = screen.getByTestId("checkout-buyer-tel");
    expect(await screen.findByDisplayValue("김사장")).toBeInTheDocument();
    expect(tel).toHaveValue("010-1234-5678");
    await userEvent.clear(tel);
    await userEvent.type(tel, "02-123-4567");
    await userEvent.click(screen.getByTestId("checkout-submit"));
    expect(invokeMock).toHaveBeenCalledWith("start_checkout", {
      planId: "pass_1m",
      payMethod: "card",
      buyer: { name: "김사장", tel: "02-123-4567", email: "owner@example.com" },
    });
  });

  it("refuse a phone number that is not a Korean one, next to the field, and start nothing", async () => {
    withDefaults();
    const tel = screen.getByTestId("checkout-buyer-tel");
    await screen.findByDisplayValue("김사장");
    await userEvent.clear(tel);
    await userEvent.type(tel, "+1 415 555 0100");
    await userEvent.click(screen.getByTestId("checkout-submit"));
    expect(await screen.findByTestId("checkout-buyer-tel-error")).toHaveTextContent("국내 전화번호 형식이 아닙니다");
    expect(invokeMock).not.toHaveBeenCalledWith("start_checkout", expect.anything());
  });
});
