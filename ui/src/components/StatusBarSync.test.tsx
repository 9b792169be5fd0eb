import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SyncStatus } from "../bindings/SyncStatus";
import { fakeBackend, invokeMock } from "../test/fakeBackend";
import { StatusBarSync } from "./StatusBarSync";

function syncStatus(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    online: true,
    queueLen: 0,
    oldestPendingAgeSecs: null,
    needsAttention: 0,
    lastSuccessAt: null,
    lastError: null,
    leaseHolder: "app-1",
    stopped: false,
    restarting: false,
    restarts: 0,
    lastCycle: null,
    clockOffsetSecs: 0,
    ...overrides,
  };
}

describe("StatusBarSync", () => {
  it("says why when the sync engine crashed and is being restarted", () => {
    const why = "동기화 엔진이 오류로 멈춰 1초 뒤 다시 시작합니다: boom";
    render(<StatusBarSync sync={syncStatus({ restarting: true, lastError: why })} onSynced={() => {}} />);
    expect(screen.getByTestId("sync-problem")).toHaveTextContent("다시 시작합니다");
  });

  it("shows no problem while a running engine only retries a failed cycle", () => {
    render(<StatusBarSync sync={syncStatus({ lastError: "일시적인 오류" })} onSynced={() => {}} />);
    expect(screen.queryByTestId("sync-problem")).not.toBeInTheDocument();
  });

  it("says how far this PC's clock is off Iamport's, which payments follow", () => {
    render(<StatusBarSync sync={syncStatus({ clockOffsetSecs: 365 * 86400 })} onSynced={() => {}} />);
    expect(screen.getByTestId("sync-clock")).toHaveTextContent("이 PC의 시계가 아임포트보다 365일 느립니다");
  });

  it("says this PC's clock stands in while offline and Iamport's time is unknown", () => {
    render(<StatusBarSync sync={syncStatus({ online: false, clockOffsetSecs: null })} onSynced={() => {}} />);
    expect(screen.getByTestId("sync-clock")).toHaveTextContent("이 PC의 시계로 판단합니다");
  });

  it("says nothing about the clock when this PC's agrees with Iamport's", () => {
    render(<StatusBarSync sync={syncStatus({ clockOffsetSecs: -2 })} onSynced={() => {}} />);
    expect(screen.queryByTestId("sync-clock")).not.toBeInTheDocument();
  });
});

const cycle = (openOrders: number, transitions: number): SyncStatus["lastCycle"] => ({
  openOrders,
  lookupCalls: 1,
  ordersLookedUp: openOrders,
  feedPages: 1,
  paymentsSeen: openOrders,
  transitions,
  abandoned: 0,
  jobsDone: 0,
  jobsRetried: 0,
  jobsParked: 0,
  restCalls: 2,
});

describe("지금 동기화", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("shows what the check found: the open orders looked up and how many changed", async () => {
    fakeBackend({ sync_now: () => syncStatus({ lastCycle: cycle(3, 1) }) });
    const onSynced = vi.fn();
    render(<StatusBarSync sync={syncStatus()} onSynced={onSynced} />);
    await userEvent.click(screen.getByTestId("sync-now"));
    expect(await screen.findByTestId("sync-findings")).toHaveTextContent("미완료 주문 3건을 확인했습니다. 1건의 상태가 바뀌었습니다.");
    expect(onSynced).toHaveBeenCalled();
  });

  it("says plainly when nothing was open, and when Iamport could not be reached", async () => {
    let next = syncStatus({ lastCycle: cycle(0, 0) });
    fakeBackend({ sync_now: () => next });
    render(<StatusBarSync sync={syncStatus()} onSynced={() => {}} />);
    await userEvent.click(screen.getByTestId("sync-now"));
    expect(await screen.findByTestId("sync-findings")).toHaveTextContent("확인할 미완료 주문이 없습니다. 바뀐 주문은 없습니다.");
    next = syncStatus({ online: false });
    await userEvent.click(screen.getByTestId("sync-now"));
    expect(await screen.findByTestId("sync-findings")).toHaveTextContent("아임포트에 연결할 수 없어");
  });
});
