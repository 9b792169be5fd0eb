import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBackend, invokeMock } from "./test/fakeBackend";
import { App } from "./App";
import { PLANS, sandboxStatus } from "./test/fixtures";
import { expectNoSeriousA11yViolations } from "./test/axe";
import { routeFromFragment, routeToFragment } from "./routes";

beforeEach(() => {
  invokeMock.mockReset();
});

describe("App shell", () => {
  it("shows the SANDBOX banner, the plans and the status bar in sandbox mode", async () => {
    fakeBackend({ app_status: () => sandboxStatus(), list_plans: () => PLANS });
    render(<App />);
    expect(await screen.findByTestId("sandbox-banner")).toHaveTextContent("SANDBOX");
    expect(await screen.findByTestId("plan-pass_1m")).toHaveTextContent("9,900원");
    expect(screen.getByTestId("status-mode")).toHaveTextContent("테스트 모드");
    expect(screen.getByTestId("status-online")).toHaveTextContent("온라인");
    expect(screen.getByTestId("status-queue")).toHaveTextContent("대기 작업 0건");
    await expectNoSeriousA11yViolations();
  });

  it("shows no banner in live mode and reports offline and queued work", async () => {
    fakeBackend({
      app_status: () =>
        sandboxStatus({
          mode: "live",
          sandbox: null,
          online: false,
          queue: { pending: 3, oldestDueAt: null, needsAttention: 1 },
        }),
      list_plans: () => PLANS,
    });
    render(<App />);
    expect(await screen.findByTestId("status-online")).toHaveTextContent("오프라인");
    expect(screen.queryByTestId("sandbox-banner")).not.toBeInTheDocument();
    expect(screen.getByTestId("status-mode")).toHaveTextContent("실제 결제");
    expect(screen.getByTestId("status-queue")).toHaveTextContent("대기 작업 3건");
    expect(screen.getByTestId("status-attention")).toHaveTextContent("확인 필요 1건");
  });

  it("says so when sandbox mode runs without its sandbox", async () => {
    fakeBackend({ app_status: () => sandboxStatus({ sandbox: null, sdkUrl: "" }), list_plans: () => PLANS });
    render(<App />);
    expect(await screen.findByTestId("status-sandbox-down")).toHaveTextContent("다시 시작");
  });

  it("shows only the Korean start-up error screen when the order book did not open", async () => {
    fakeBackend({
      app_status: () => sandboxStatus({ storeProblem: "데이터베이스 파일이 손상되었습니다." }),
      list_plans: () => PLANS,
    });
    render(<App />);
    const screenEl = await screen.findByTestId("startup-error");
    expect(within(screenEl).getByTestId("startup-error-message")).toHaveTextContent("손상");
    expect(screenEl).toHaveTextContent("/home/owner/.local/share/kr.panmusic.pos");
    expect(screen.queryByTestId("nav-plans")).not.toBeInTheDocument();
  });

  it("warns about a broken settings file on every screen but settings", async () => {
    fakeBackend({
      app_status: () => sandboxStatus({ settingsProblem: "설정 파일을 읽을 수 없습니다." }),
      list_plans: () => PLANS,
    });
    render(<App />);
    expect(await screen.findByTestId("settings-problem-banner")).toHaveTextContent("설정 파일");
  });

  it("shows no SANDBOX banner while a broken settings file keeps every mode off", async () => {
    fakeBackend({
      app_status: () =>
        sandboxStatus({
          modeHeld: true,
          sandbox: null,
          sdkUrl: "",
          settingsProblem: "설정 파일이 손상되었습니다. 이 매장에는 실제 결제 기록이 있어 테스트 모드로 바꾸지 않았고",
        }),
      list_plans: () => PLANS,
    });
    render(<App />);
    expect(await screen.findByTestId("settings-problem-banner")).toHaveTextContent("실제 결제 기록");
    expect(screen.queryByTestId("sandbox-banner")).not.toBeInTheDocument();
    expect(screen.getByTestId("status-mode")).toHaveTextContent("설정 확인 필요");
    expect(screen.queryByTestId("status-sandbox-down")).not.toBeInTheDocument();
  });

  it("navigates between 요금제, 주문 내역 and 설정", async () => {
    fakeBackend({ app_status: () => sandboxStatus(), list_plans: () => PLANS });
    render(<App />);
    const user = userEvent.setup();
    expect(await screen.findByRole("heading", { name: /요금제/ })).toBeInTheDocument();
    await user.click(screen.getByTestId("nav-orders"));
    expect(screen.getByRole("heading", { name: /주문 내역/ })).toBeInTheDocument();
    expect(screen.getByTestId("nav-orders")).toHaveAttribute("aria-current", "page");
  });

  it("keeps the screen in the URL fragment as the owner moves", async () => {
    fakeBackend({ app_status: () => sandboxStatus(), list_plans: () => PLANS });
    render(<App />);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("nav-orders"));
    expect(routeFromFragment(window.location.hash)).toEqual({ name: "orders" });
  });

  it("opens on the screen the window showed before it closed to the tray", async () => {
    fakeBackend({ app_status: () => sandboxStatus(), list_plans: () => PLANS });
    window.__PANMUSIC_SCREEN__ = routeToFragment({ name: "orders" });
    render(<App />);
    expect(await screen.findByRole("heading", { name: /주문 내역/ })).toBeInTheDocument();
    expect(screen.getByTestId("nav-orders")).toHaveAttribute("aria-current", "page");
  });
});
