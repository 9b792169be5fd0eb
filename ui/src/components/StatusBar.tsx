import type { AppStatus } from "../bindings/AppStatus";
import type { SyncStatus } from "../bindings/SyncStatus";
import { StatusBarSync } from "./StatusBarSync";

interface StatusBarProps {
  status: AppStatus | null;
  /** The sync engine's status, once known. */
  sync?: SyncStatus | null;
  onSynced?: () => void;
  /** Subscriptions past due or unpaid. */
  subscriptionsAttention?: number;
}

/** The bottom bar: mode, 온라인/오프라인 and the number of jobs waiting for Iamport. */
export function StatusBar({
  status,
  sync = null,
  onSynced = () => {},
  subscriptionsAttention = 0,
}: StatusBarProps) {
  if (!status) {
    return (
      <footer className="status-bar" data-testid="status-bar">
        상태 확인 중…
      </footer>
    );
  }
  const pending = status.queue?.pending ?? 0;
  const attention = status.queue?.needsAttention ?? 0;
  const online = sync && !sync.stopped ? sync.online : status.online;
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span data-testid="status-mode">
        {status.modeHeld
          ? "결제 멈춤: 설정 확인 필요"
          : status.mode === "sandbox"
            ? "테스트 모드"
            : "실제 결제"}
      </span>
      <span
        data-testid="status-online"
        className={online ? "dot online" : "dot offline"}
      >
        {online ? "온라인" : "오프라인"}
      </span>
      <span data-testid="status-queue">대기 작업 {pending}건</span>
      {status.mode === "sandbox" && !status.modeHeld && !status.sandbox && (
        <span data-testid="status-sandbox-down" className="attention">
          테스트 결제 서버가 실행되지 않았습니다. 앱을 다시 시작해 주세요.
        </span>
      )}
      {sync && <StatusBarSync sync={sync} onSynced={onSynced} />}
      {subscriptionsAttention > 0 && (
        <span data-testid="status-subscriptions-attention" className="attention">
          확인이 필요한 구독 {subscriptionsAttention}건
        </span>
      )}
      {attention > 0 && (
        <span data-testid="status-attention" className="attention">
          확인 필요 {attention}건
        </span>
      )}
    </footer>
  );
}
