import "../orders/orders.css";
import { useCallback, useState } from "react";
import type { BillingWindow } from "../../bindings/BillingWindow";
import type { SubscriptionView } from "../../bindings/SubscriptionView";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatPlanPrice } from "../../format";
import {
  cancelSubscription,
  cardChangeWindow,
  changeCard,
  confirmSubscription,
  deleteBillingKey,
  listPlans,
  listSubscriptions,
  resumeSubscription,
  retrySubscription,
  startSubscription,
  toCommandError,
  type CommandError,
} from "../../ipc";
import { useCommand } from "../../useCommand";
import { usePinGuard } from "../../usePinGuard";
import { useIamportSdk } from "../checkout/useIamportSdk";
import { billingParams } from "./billing";
import { SubscriptionCard, type SubscriptionAction } from "./SubscriptionCard";

interface SubscriptionsScreenProps {
  /** The SDK script Rust names (app status). */
  sdkUrl: string;
}

/** 구독: subscribe (the SDK window issues the billing key), then watch and manage each subscription. */
export function SubscriptionsScreen({ sdkUrl }: SubscriptionsScreenProps) {
  const sdk = useIamportSdk(sdkUrl);
  const [plans] = useCommand(listPlans);
  // Re-read every 5 s: the sync engine settles charges and renewals in the background.
  const [subs, reload] = useCommand(useCallback(() => listSubscriptions(), []), 5000);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { guard, dialog } = usePinGuard();

  async function run(work: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await work());
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
      setProgress(null);
      reload();
    }
  }

  /** Opens the billing window; resolves with the issuing payment's imp_uid, or null when it was closed. */
  async function issueKey(window: BillingWindow): Promise<string | null> {
    if (sdk.state !== "ready") {
      throw toCommandError({
        code: "offline",
        message: "결제창(아임포트 SDK)을 불러오지 못했습니다. 인터넷 연결을 확인한 뒤 다시 시도해 주세요.",
      });
    }
    setProgress("결제창에서 카드를 등록해 주세요…");
    const rsp = await sdk.request(window.merchantCode, billingParams(window));
    if (!rsp.imp_uid || rsp.error_code) return null;
    setProgress("아임포트에서 카드 등록을 확인하고 첫 달을 결제하는 중입니다…");
    return rsp.imp_uid;
  }

  const subscribe = (planId: string) =>
    run(async () => {
      setProgress("구독을 준비하는 중입니다…");
      const window = await startSubscription(planId);
      const impUid = await issueKey(window);
      if (!impUid) return "카드 등록이 취소되었습니다. 다시 구독하려면 구독하기를 눌러 주세요.";
      const sub = await confirmSubscription(window.subscriptionId, impUid);
      return sub.state === "active" ? "구독이 시작되었습니다." : "카드가 등록되었습니다. 첫 결제를 확인하는 중입니다.";
    });

  const act = (view: SubscriptionView, action: SubscriptionAction) => {
    const id = view.subscription.id;
    if (
      action === "delete-card" &&
      !window.confirm(
        `${view.planName}에 등록된 카드(${view.subscription.cardMasked ?? view.subscription.customerUid})를 아임포트에서 삭제할까요? 삭제한 카드는 다시 쓸 수 없습니다.`,
      )
    ) {
      return;
    }
    void run(async () => {
      switch (action) {
        case "cancel":
          if (!(await guard("구독 해지", (pin) => cancelSubscription(id, pin)))) return null;
          return "해지를 예약했습니다. 이번 이용 기간이 끝날 때까지 음악을 이용할 수 있습니다.";
        case "resume":
          await resumeSubscription(id);
          return "구독을 재개했습니다.";
        case "retry":
          await retrySubscription(id);
          return "결제를 다시 시도했습니다.";
        case "change-card": {
          // One PIN for both steps: asked before the window opens, sent again to switch the key.
          const opened = await guard("카드 변경", (pin) => cardChangeWindow(id, pin));
          if (!opened) return null;
          const impUid = await issueKey(opened.value);
          if (!impUid) return "카드 변경이 취소되었습니다.";
          await changeCard(id, opened.value.customerUid, opened.pin);
          return "카드를 변경했습니다. 다음 결제부터 새 카드로 청구됩니다.";
        }
        case "delete-card":
          if (!(await guard("카드 삭제", (pin) => deleteBillingKey(view.subscription.customerUid, pin)))) return null;
          return "카드를 삭제했습니다.";
      }
    });
  };

  const subscriptionPlans = plans.status === "ok" ? plans.data.filter((p) => p.kind === "subscription") : [];

  return (
    <section className="screen" aria-labelledby="subscriptions-title">
      <h1 id="subscriptions-title">
        구독 <span className="en">Subscriptions</span>
      </h1>
      {sdk.state === "failed" && (
        <div className="notice error" role="alert" data-testid="subscriptions-sdk-error">
          결제창(아임포트 SDK)을 불러오지 못했습니다. 인터넷 연결을 확인한 뒤 이 화면을 다시 열어 주세요.
        </div>
      )}
      <div className="actions">
        {subscriptionPlans.map((plan) => (
          <button
            key={plan.id}
            type="button"
            className="button primary"
            data-testid={`subscribe-${plan.id}`}
            disabled={busy || sdk.state !== "ready"}
            onClick={() => void subscribe(plan.id)}
          >
            {plan.nameKo} 구독하기 ({formatPlanPrice(plan)})
          </button>
        ))}
      </div>
      {progress && (
        <p className="muted" role="status" data-testid="subscriptions-progress">
          {progress}
        </p>
      )}
      {notice && (
        <div className="notice ok" role="status" data-testid="subscriptions-notice">
          {notice}
        </div>
      )}
      {error && <ErrorNotice error={error} testId="subscriptions-error" />}
      {dialog}
      {subs.status === "error" && <ErrorNotice error={subs.error} />}
      {subs.status === "ok" && subs.data.length === 0 && (
        <p className="muted" data-testid="subscriptions-empty">
          구독이 없습니다. (No subscriptions.)
        </p>
      )}
      {subs.status === "ok" &&
        subs.data
          // An incomplete one whose window was closed has nothing to show; one whose first charge
          // is on its way does.
          .filter((view) => view.subscription.state !== "incomplete" || view.charges.length > 0)
          .map((view) => (
            <SubscriptionCard
              key={view.subscription.id}
              view={view}
              busy={busy}
              onAction={(action) => act(view, action)}
            />
          ))}
    </section>
  );
}
