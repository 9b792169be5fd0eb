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
});
