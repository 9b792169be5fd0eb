import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBackend, invokeMock, ipcError } from "../test/fakeBackend";
import { PLANS } from "../test/fixtures";
import { PlansScreen } from "./PlansScreen";
import { expectNoSeriousA11yViolations } from "../test/axe";

beforeEach(() => {
  invokeMock.mockReset();
});

describe("PlansScreen", () => {
  it("lists every plan with its Korean name and price in won", async () => {
    fakeBackend({ list_plans: () => PLANS });
    render(<PlansScreen />);
    const pass1 = await screen.findByTestId("plan-pass_1m");
    expect(pass1).toHaveTextContent("1개월 이용권");
    expect(screen.getByTestId("plan-price-pass_1m")).toHaveTextContent(/^9,900원$/);
    expect(screen.getByTestId("plan-price-pass_3m")).toHaveTextContent(/^27,000원$/);
    expect(screen.getByTestId("plan-price-sub_monthly")).toHaveTextContent(/^9,900원\/월$/);
    await expectNoSeriousA11yViolations();
  });

  it("shows the Korean error and retries on request", async () => {
    let calls = 0;
    fakeBackend({
      list_plans: () => {
        calls += 1;
        if (calls === 1) throw ipcError("internal", "주문 데이터를 열 수 없습니다.");
        return PLANS;
      },
    });
    render(<PlansScreen />);
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveTextContent("주문 데이터를 열 수 없습니다.");
    expect(notice).toHaveTextContent("앱을 다시 시작해 보세요");
    await expectNoSeriousA11yViolations();
    await userEvent.setup().click(screen.getByRole("button", { name: "다시 시도" }));
    expect(await screen.findByTestId("plan-pass_1m")).toBeInTheDocument();
  });

  it("shows no buy button while no checkout is wired in", async () => {
    fakeBackend({ list_plans: () => PLANS });
    render(<PlansScreen />);
    await screen.findByTestId("plan-pass_1m");
    expect(screen.queryByTestId("plan-buy-pass_1m")).not.toBeInTheDocument();
  });

  it("picks a plan from its card or its buy button, once per click", async () => {
    fakeBackend({ list_plans: () => PLANS });
    const picked: string[] = [];
    render(<PlansScreen onSelect={(plan) => picked.push(plan.id)} />);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("plan-buy-pass_3m"));
    expect(picked).toEqual(["pass_3m"]);
    await user.click(screen.getByTestId("plan-pass_1m"));
    expect(picked).toEqual(["pass_3m", "pass_1m"]);
  });
});
