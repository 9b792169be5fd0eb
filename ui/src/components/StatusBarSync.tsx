import "../screens/orders/orders.css";
import { useState } from "react";
import type { JobView } from "../bindings/JobView";
import type { SyncStatus } from "../bindings/SyncStatus";
import { listJobs, retryJob, syncNow, toCommandError, type CommandError } from "../ipc";
import { formatKstMs } from "../screens/orders/labels";
import { ownerText } from "../ownerText";
import { ErrorNotice } from "./ErrorNotice";
import { ShortId } from "./ShortId";
import { Button } from "./Button";

/** `95` -> `1분 35초`: how long the oldest job has waited. */
export function formatAge(secs: number): string {
  if (secs < 60) return `${secs}초`;
  if (secs < 3600) return `${Math.floor(secs / 60)}분 ${secs % 60}초`;
  const hours = Math.floor(secs / 3600);
  return hours < 48 ? `${hours}시간 ${Math.floor((secs % 3600) / 60)}분` : `${Math.floor(hours / 24)}일`;
}

const JOB_KIND_LABELS: Record<string, string> = {
  verify: "결제 확인",
  cancel: "환불/취소",
  charge: "정기결제 청구",
  revoke_vbank: "가상계좌 발급 취소",
  receipt_issue: "현금영수증 발급",
  receipt_cancel: "현금영수증 취소",
};

/** What a 지금 동기화 found, in one line: how many open orders were checked and what changed. */
export function syncFindings(status: SyncStatus): string {
  if (!status.online) return "아임포트에 연결할 수 없어 확인하지 못했습니다. 인터넷 연결을 확인해 주세요.";
  const cycle = status.lastCycle;
  if (!cycle) return "동기화를 시작했습니다. 결과는 곧 화면에 반영됩니다.";
  const checked = cycle.openOrders === 0 ? "확인할 미완료 주문이 없습니다" : `미완료 주문 ${cycle.openOrders}건을 확인했습니다`;
  const changed = cycle.transitions === 0 ? "바뀐 주문은 없습니다" : `${cycle.transitions}건의 상태가 바뀌었습니다`;
  return `${checked}. ${changed}.`;
}

interface StatusBarSyncProps {
  sync: SyncStatus;
  /** Called after 지금 동기화 or a retry, so the owner sees the new status. */
  onSynced: () => void;
}

/** How far off this PC's clock may be before the status bar mentions it (seconds). */
const CLOCK_NOTE_SECS = 300;

/**
 * Which clock times the money, for the owner: nothing while this PC's agrees with Iamport's,
 * how far off it is when it does not (payments still follow Iamport's), or that this PC's
 * clock stands in while Iamport's time is unknown (offline).
 */
export function clockNote(sync: SyncStatus): string | null {
  const offset = sync.clockOffsetSecs;
  if (offset === null) {
    return sync.online ? null : "아임포트 시간을 아직 모릅니다: 결제 시각은 이 PC의 시계로 판단합니다";
  }
  if (Math.abs(offset) < CLOCK_NOTE_SECS) return null;
  const way = offset > 0 ? "느립니다" : "빠릅니다";
  return `이 PC의 시계가 아임포트보다 ${formatAge(Math.abs(offset))} ${way} (결제 시각은 아임포트 기준)`;
}

/** The sync engine's part of the status bar: queue, oldest item, last sync, 지금 동기화, 확인 필요 list. */
export function StatusBarSync({ sync, onSynced }: StatusBarSyncProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [jobs, setJobs] = useState<JobView[] | null>(null);
  const [findings, setFindings] = useState<string | null>(null);

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    setFindings(null);
    try {
      await work();
      onSynced();
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  }

  const loadJobs = () => run(async () => setJobs((await listJobs()).filter((j) => j.state === "needs_attention")));

  return (
    <>
      <span data-testid="sync-queue">
        대기 {sync.queueLen}건
        {sync.oldestPendingAgeSecs !== null && ` (가장 오래된 작업 ${formatAge(sync.oldestPendingAgeSecs)})`}
      </span>
      <span data-testid="sync-last">
        마지막 동기화 {sync.lastSuccessAt !== null ? formatKstMs(sync.lastSuccessAt) : "없음"}
      </span>
      {(sync.stopped || sync.restarting) && sync.lastError && (
        <span className="attention" data-testid="sync-problem">
          {ownerText(sync.lastError)}
        </span>
      )}
      {clockNote(sync) && (
        <span className="attention" data-testid="sync-clock">
          {clockNote(sync)}
        </span>
      )}
      <Button variant="link" data-testid="sync-now" disabled={busy} onClick={() => void run(async () => setFindings(syncFindings(await syncNow())))}>
        {busy ? "동기화 중…" : "지금 동기화"}
      </Button>
      {sync.needsAttention > 0 && (
        <Button variant="link" className="attention" data-testid="needs-attention-open" onClick={() => void loadJobs()}>
          확인 필요 {sync.needsAttention}건 보기
        </Button>
      )}
      {findings && (
        <span role="status" data-testid="sync-findings">
          {findings}
        </span>
      )}
      {error && <ErrorNotice error={error} testId="sync-error" />}
      {jobs && (
        <div className="needs-attention" data-testid="needs-attention">
          <strong>확인이 필요한 작업</strong>
          {jobs.length === 0 && <p className="muted">없습니다.</p>}
          <ul>
            {jobs.map((job) => (
              <li key={job.id} data-testid={`job-${job.id}`}>
                {JOB_KIND_LABELS[job.kind] ?? "작업"} · 주문 <ShortId id={job.merchantUid} copy={false} /> · {ownerText(job.lastError ?? "")}{" "}
                <Button
                  data-testid={`job-retry-${job.id}`}
                  disabled={busy}
                  onClick={() => void run(async () => {
                    await retryJob(job.id);
                    setJobs((list) => list?.filter((j) => j.id !== job.id) ?? null);
                  })}
                >
                  다시 시도
                </Button>
              </li>
            ))}
          </ul>
          <Button variant="link" onClick={() => setJobs(null)}>
            닫기
          </Button>
        </div>
      )}
    </>
  );
}
