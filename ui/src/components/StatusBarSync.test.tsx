import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../bindings/SyncStatus";
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
