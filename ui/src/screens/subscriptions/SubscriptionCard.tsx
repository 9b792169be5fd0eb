import type { ChargeRow } from "../../bindings/ChargeRow";
import type { SubscriptionState } from "../../bindings/SubscriptionState";
import type { SubscriptionView } from "../../bindings/SubscriptionView";
import { Badge, type Tone } from "../../components/Badge";
import { formatWon } from "../../format";
import { formatKstMs, STATE_LABELS } from "../orders/labels";
import { Button } from "../../components/Button";

export const SUBSCRIPTION_STATE_LABELS: Record<SubscriptionState, string> = {
  incomplete: "카드 등록 중",
  active: "이용 중",
  past_due: "결제 재시도 중 (음악은 계속 재생)",
  unpaid: "미납 (결제 실패)",
  cancelled: "해지됨",
};

/** The colour of a subscription's state. */
export const SUBSCRIPTION_STATE_TONES: Record<SubscriptionState, Tone> = {
  incomplete: "warn",
  active: "ok",
  past_due: "warn",
  unpaid: "error",
  cancelled: "neutral",
};

export type SubscriptionAction =
  | "cancel"
  | "resume"
  | "retry"
  | "schedule-again"
  | "change-card"
  | "delete-card"
  | "register-again"
  | "abandon";

/** A card registration that did not finish (window closed, card declined): nothing charged yet. */
export function isUnfinishedRegistration(view: SubscriptionView): boolean {
  return view.subscription.state === "incomplete" && view.charges.length === 0;
}

/**
 * An unfinished registration whose ending is not known (확인 중): its window may have completed at
 * Iamport without the app hearing of it. The sync engine looks it up each cycle and confirms it, or
 * gives it up after an hour (deleting any key it left); until then a new registration is refused.
 */
export function isCheckingRegistration(view: SubscriptionView): boolean {
  return isUnfinishedRegistration(view) && view.subscription.lastFailureReason === null;
}

/** How one period's charge reads: 예약됨 with its date until it runs, then its payment's state. */
export function chargeStatus(row: ChargeRow): string {
  const open = row.state === null || row.state === "created" || row.state === "awaiting_payment";
  if (open && row.charge.via === "schedule") {
    return row.charge.request === "revoked" ? "예약 취소됨" : `예약됨 (${formatKstMs(row.charge.chargeAt)} 결제 예정)`;
  }
  if (open) return "결제 확인 중";
  return row.state ? STATE_LABELS[row.state] : "";
}

interface SubscriptionCardProps {
  view: SubscriptionView;
  busy: boolean;
  onAction: (action: SubscriptionAction) => void;
}

/** One subscription: state, period, next charge, card, history and what the owner can do. */
export function SubscriptionCard({ view, busy, onAction }: SubscriptionCardProps) {
  const sub = view.subscription;
  const live = sub.state !== "cancelled";
  const unfinished = isUnfinishedRegistration(view);
  const checking = isCheckingRegistration(view);
  const needsPayment = !unfinished && (sub.state === "past_due" || sub.state === "unpaid" || sub.state === "incomplete");
  return (
    <article className="plan-card subscription" data-testid={`subscription-${sub.id}`}>
      <h2>
        {view.planName}{" "}
        <Badge tone={unfinished ? "warn" : SUBSCRIPTION_STATE_TONES[sub.state]} state={sub.state} testId="subscription-state">
          {checking ? "카드 등록 확인 중" : unfinished ? "카드 등록 미완료" : SUBSCRIPTION_STATE_LABELS[sub.state]}
        </Badge>
      </h2>
      <dl className="order-facts">
        <dt>이용 기간</dt>
        <dd data-testid="subscription-period">
          {sub.currentPeriodStart !== null && sub.currentPeriodEnd !== null
            ? `${formatKstMs(sub.currentPeriodStart)} ~ ${formatKstMs(sub.currentPeriodEnd)}`
            : "-"}
        </dd>
        <dt>다음 결제</dt>
        <dd data-testid="subscription-next-charge">
          {sub.cancelAtPeriodEnd
            ? "없음 (해지 예약)"
            : sub.nextChargeAt !== null
              ? `${formatKstMs(sub.nextChargeAt)} · ${formatWon(sub.amount)}`
              : "-"}
        </dd>
        <dt>카드</dt>
        <dd data-testid="subscription-card">{sub.cardMasked ?? "-"}</dd>
        {sub.lastFailureReason && (
          <>
            <dt>{unfinished ? "카드 등록" : "실패 사유"}</dt>
            <dd data-testid="subscription-failure">
              {sub.lastFailureReason}
              {sub.nextRetryAt !== null && ` · 다음 재시도 ${formatKstMs(sub.nextRetryAt)}`}
            </dd>
          </>
        )}
      </dl>
      {checking && (
        <p className="notice" data-testid="subscription-checking">
          확인 중: 카드 등록 결과를 아임포트에서 확인하고 있습니다. 등록이 끝났으면 동기화 때 구독이 시작되고, 1시간 안에 찾지 못하면
          자동으로 취소됩니다(남은 카드 정보도 삭제). 기다리지 않으려면 취소하세요. (Checking the card registration with Iamport.)
        </p>
      )}
      {sub.cancelAtPeriodEnd && sub.currentPeriodEnd !== null && (
        <p className="notice warning" data-testid="subscription-cancel-scheduled">
          해지 예약됨: {formatKstMs(sub.currentPeriodEnd)}까지 이용할 수 있습니다.
        </p>
      )}
      {view.scheduleNotice !== null && (
        <p className="notice warning" role="status" data-testid="subscription-schedule-missing">
          {view.scheduleNotice}
        </p>
      )}
      <div className="actions">
        {view.scheduleNotice !== null && (
          <Button variant="primary" data-testid="subscription-schedule-again" disabled={busy} onClick={() => onAction("schedule-again")}>
            다시 예약
          </Button>
        )}
        {unfinished && (
          <>
            {!checking && (
              <Button variant="primary" data-testid="subscription-register-again" disabled={busy} onClick={() => onAction("register-again")}>
                다시 등록
              </Button>
            )}
            <Button data-testid="subscription-abandon" disabled={busy} onClick={() => onAction("abandon")}>
              취소
            </Button>
          </>
        )}
        {live && !unfinished && !sub.cancelAtPeriodEnd && (
          <Button data-testid="subscription-cancel" disabled={busy} onClick={() => onAction("cancel")}>
            {sub.state === "active" ? "해지 예약" : "지금 해지"}
          </Button>
        )}
        {sub.state === "active" && sub.cancelAtPeriodEnd && (
          <Button variant="primary" data-testid="subscription-resume" disabled={busy} onClick={() => onAction("resume")}>
            재개
          </Button>
        )}
        {needsPayment && (
          <Button variant="primary" data-testid="subscription-retry" disabled={busy} onClick={() => onAction("retry")}>
            지금 다시 시도
          </Button>
        )}
        {live && !unfinished && (
          <Button data-testid="subscription-change-card" disabled={busy} onClick={() => onAction("change-card")}>
            카드 변경
          </Button>
        )}
        {sub.state === "cancelled" && (
          <Button data-testid="subscription-delete-card" disabled={busy} onClick={() => onAction("delete-card")}>
            카드 삭제
          </Button>
        )}
      </div>
      <h3>결제 내역</h3>
      {view.charges.length === 0 ? (
        <p className="muted">아직 결제가 없습니다.</p>
      ) : (
        <ol className="timeline" data-testid="subscription-history">
          {view.charges.map((row) => (
            <li key={row.charge.merchantUid}>
              {row.charge.periodNo + 1}회차 · {formatKstMs(row.charge.chargeAt)} · {formatWon(row.amount)} ·{" "}
              <span data-testid="subscription-charge-status">{chargeStatus(row)}</span>
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
