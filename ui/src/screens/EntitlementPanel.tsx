import type { GrantedPeriod } from "../bindings/GrantedPeriod";
import type { Plan } from "../bindings/Plan";
import { formatKstDate } from "../format";
import { getEntitlement } from "../ipc";
import { ownerText } from "../ownerText";
import { useCommand } from "../useCommand";

/** How often the panel asks again (the end can pass while the screen stays open). */
export const ENTITLEMENT_REFRESH_MS = 60_000;

interface EntitlementPanelProps {
  /** The catalog, to name the plan behind each period. */
  plans: Plan[];
}

function grantText(period: GrantedPeriod, plans: Plan[]): string {
  const plan = plans.find((p) => p.id === period.planId)?.nameKo ?? period.planId;
  const until = `${formatKstDate(period.end)} 까지`;
  switch (period.kind) {
    case "pass":
      return `${plan} (${until})${period.partiallyRefunded ? " · 부분 환불되었지만 이용 기간은 그대로입니다" : ""}`;
    case "subscription":
      return `${plan} 정기결제 (${until})`;
    case "grace":
      return `${plan} 정기결제 결제 재시도 중 유예 기간 (${until})`;
  }
}

/** The shop's 이용 기간 above the plans: until when the music plays, what grants it, and a warning from 7 days before the end. */
export function EntitlementPanel({ plans }: EntitlementPanelProps) {
  const [state] = useCommand(getEntitlement, ENTITLEMENT_REFRESH_MS);
  if (state.status === "loading") {
    return <p className="muted entitlement">이용 기간을 확인하는 중…</p>;
  }
  if (state.status === "error") {
    return (
      <p className="muted entitlement" data-testid="entitlement-error">
        이용 기간을 확인하지 못했습니다: {ownerText(state.error.message)}
      </p>
    );
  }
  const e = state.data;
  const partial = e.current.some((p) => p.partiallyRefunded && p.kind === "pass");
  return (
    <div className={`notice entitlement ${e.activeUntil ? "ok" : "info"}`} data-testid="entitlement">
      <strong data-testid="entitlement-state">
        {e.activeUntil ? `이용 중 · ${formatKstDate(e.activeUntil)} 까지` : "이용권 없음"}
      </strong>
      {e.current.length > 0 && (
        <ul className="entitlement-grants" data-testid="entitlement-grants">
          {e.current.map((p) => (
            <li key={`${p.source}-${p.start}`}>{grantText(p, plans)}</li>
          ))}
        </ul>
      )}
      {!e.activeUntil && <p className="hint">이용권을 사거나 정기결제를 신청하면 음악을 틀 수 있습니다.</p>}
      {partial && <p className="hint">부분 환불은 이용 기간을 줄이지 않습니다. 전액 환불하면 그 기간이 빠집니다.</p>}
      {e.endsSoon && e.activeUntil && (
        <p className="warning-text" role="alert" data-testid="entitlement-warning">
          이용 기간이 {formatKstDate(e.activeUntil)}에 끝납니다. 음악이 끊기지 않게 이용권을 사거나 정기결제를 확인하세요.
        </p>
      )}
    </div>
  );
}
