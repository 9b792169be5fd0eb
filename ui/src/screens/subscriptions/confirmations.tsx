// What the owner is asked before a subscription action that moves money or cannot be undone.
// Every question says what will happen: which plan, what amount, on which date, which card.
import { Fragment } from "react";
import type { SubscriptionView } from "../../bindings/SubscriptionView";
import type { Confirmation } from "../../components/ConfirmDialog";
import { formatWon } from "../../format";
import { formatKstMs } from "../orders/labels";
import type { SubscriptionAction } from "./SubscriptionCard";

function Facts({ rows }: { rows: [string, string][] }) {
  return (
    <dl className="summary" data-testid="confirm-facts">
      {rows.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** The question to ask before `action` on `view`, or null for an action that needs none. */
export function confirmationFor(view: SubscriptionView, action: SubscriptionAction): Confirmation | null {
  const sub = view.subscription;
  const card = sub.cardMasked ?? "등록된 카드";
  const price = `${formatWon(sub.amount)}/월`;
  const periodEnd = sub.currentPeriodEnd !== null ? formatKstMs(sub.currentPeriodEnd) : null;
  const next = sub.nextChargeAt !== null ? `${formatKstMs(sub.nextChargeAt)} · ${formatWon(sub.amount)}` : "-";
  switch (action) {
    case "cancel":
      if (sub.state === "active") {
        return {
          title: "해지를 예약할까요?",
          body: (
            <>
              <Facts rows={[["구독", `${view.planName} (${price})`], ["이용 가능", periodEnd ? `${periodEnd}까지` : "이번 기간 끝까지"], ["다음 결제", "없음 (자동 결제 중지)"]]} />
              <p>이번 기간에 결제한 금액은 환불되지 않습니다. 기간이 끝나기 전에는 재개할 수 있습니다.</p>
            </>
          ),
          confirmLabel: "해지 예약",
          danger: true,
        };
      }
      return {
        title: "구독을 지금 해지할까요?",
        body: (
          <>
            <Facts rows={[["구독", `${view.planName} (${price})`], ["밀린 결제", "더 이상 시도하지 않음"], ["이용", "지금 끝남"]]} />
            <p>해지하면 되돌릴 수 없습니다. 다시 이용하려면 새로 구독해야 합니다.</p>
          </>
        ),
        confirmLabel: "지금 해지",
        danger: true,
      };
    case "abandon":
      return {
        title: "카드 등록을 취소할까요?",
        body: <p>{view.planName} 구독이 시작되지 않습니다. 결제된 금액은 없습니다.</p>,
        confirmLabel: "등록 취소",
        danger: true,
      };
    case "resume":
      return {
        title: "구독을 재개할까요?",
        body: <Facts rows={[["구독", `${view.planName} (${price})`], ["카드", card], ["다음 결제", periodEnd ? `${periodEnd} · ${formatWon(sub.amount)}` : next]]} />,
        confirmLabel: "재개",
      };
    case "retry":
      return {
        title: "지금 결제할까요?",
        body: <Facts rows={[["구독", view.planName], ["금액", formatWon(sub.amount)], ["카드", card]]} />,
        confirmLabel: `${formatWon(sub.amount)} 지금 결제`,
      };
    case "change-card":
      return {
        title: "결제 카드를 바꿀까요?",
        body: (
          <>
            <Facts rows={[["지금 카드", card], ["다음 결제", next]]} />
            <p>결제창에서 새 카드를 등록하면 다음 결제부터 새 카드로 청구됩니다. 결제창을 닫으면 지금 카드가 그대로 쓰입니다.</p>
            <p>카카오페이처럼 등록할 때 결제가 함께 일어나는 PG는 결제창에 카드 확인용 100원이 표시됩니다. 이 100원은 확인 직후 전액 환불되며 이용 기간 결제가 아닙니다.</p>
          </>
        ),
        confirmLabel: "새 카드 등록",
      };
    case "delete-card":
      return {
        title: "등록된 카드를 삭제할까요?",
        body: (
          <>
            <Facts rows={[["구독", view.planName], ["카드", card]]} />
            <p>아임포트에서 이 카드 정보를 지웁니다. 삭제한 카드는 다시 쓸 수 없습니다.</p>
          </>
        ),
        confirmLabel: "카드 삭제",
        danger: true,
      };
    case "register-again":
    case "schedule-again":
      return null;
  }
}
