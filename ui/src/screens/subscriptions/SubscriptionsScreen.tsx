import "../orders/orders.css";
import { useCallback, useEffect, useRef, useState } from "react";
import type { BillingPurpose } from "../../bindings/BillingPurpose";
import type { BillingReturn } from "../../bindings/BillingReturn";
import type { BillingWindow } from "../../bindings/BillingWindow";
import type { SubscriptionView } from "../../bindings/SubscriptionView";
import { useConfirm } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Empty, Loading, Offline } from "../../components/States";
import { useOnline } from "../../online";
import { formatPlanPrice } from "../../format";
import {
  cancelSubscription,
  cardChangeWindow,
  CommandError,
  deleteBillingKey,
  listPlans,
  listSubscriptions,
  reopenSubscription,
  resumeSubscription,
  retrySubscription,
  scheduleSubscriptionAgain,
  startSubscription,
  toCommandError,
} from "../../ipc";
import { useCommand } from "../../useCommand";
import { usePinGuard } from "../../usePinGuard";
import { BILLING_RESULT_EVENT, waitForResults, type ResultWaiter } from "../checkout/paymentEvents";
import { confirmationFor } from "./confirmations";
import { SubscriptionCard, type SubscriptionAction } from "./SubscriptionCard";
import { Button } from "../../components/Button";

/** What the owner reads after a window that issued no key ("closed", a PG's message). */
function saidByWindow(result: BillingReturn): string {
  return result.windowMessage ? ` (${result.windowMessage})` : "";
}

/**
 * 구독: subscribe (Rust opens the payment window that issues the billing key, verifies it and
 * charges the first month), then watch and manage each subscription.
 */
export function SubscriptionsScreen() {
  const [plans] = useCommand(listPlans);
  // Re-read every 5 s: the sync engine settles charges and renewals in the background.
  const [subs, reload] = useCommand(useCallback(() => listSubscriptions(), []), 5000);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { guard, dialog } = usePinGuard();
  const { confirm, dialog: confirmDialog } = useConfirm();
  const online = useOnline();

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

  const results = useRef<ResultWaiter<BillingReturn> | null>(null);
  useEffect(
    () => () => {
      results.current?.stop();
      results.current = null;
    },
    [],
  );

  /**
   * Opens a billing-key window through `open` and resolves with what Rust verified when it ended
   * (null when `open` opened nothing: the owner dismissed the PIN). A key Iamport did not confirm
   * is an error; a window that issued nothing resolves with `issued: false`.
   */
  async function billingWindow(
    open: () => Promise<BillingWindow | null>,
    purpose: BillingPurpose,
  ): Promise<BillingReturn | null> {
    // Listen first: a window that fails at once must not beat the listener.
    const waiter = results.current ?? (await waitForResults<BillingReturn>(BILLING_RESULT_EVENT));
    results.current = waiter;
    const opened = await open();
    if (!opened) return null;
    setProgress(
      purpose === "subscribe"
        ? "결제창에서 카드를 등록해 주세요. 결제창을 닫으면 구독은 시작되지 않습니다."
        : "결제창에서 새 카드를 등록해 주세요. 결제창을 닫으면 지금 카드가 그대로 쓰입니다.",
    );
    const result = await waiter.next((r) => r.subscriptionId === opened.subscriptionId && r.purpose === purpose);
    if (result.problem) throw new CommandError(result.code ?? "internal", result.problem);
    setProgress(null);
    return result;
  }

  const subscribe = (planId: string) =>
    run(async () => {
      setProgress("구독을 준비하는 중입니다…");
      const result = await billingWindow(() => startSubscription(planId), "subscribe");
      if (!result) return null;
      return registered(result);
    });

  /** What the owner reads when a card-registration window (구독하기, 다시 등록) ended. */
  function registered(result: BillingReturn | null): string | null {
    if (!result) return null;
    if (!result.issued) {
      return `카드 등록이 끝나지 않았습니다${saidByWindow(result)}. 아래 구독에서 다시 등록하거나 취소할 수 있습니다.`;
    }
    return result.subscription?.state === "active"
      ? "구독이 시작되었습니다."
      : "카드가 등록되었습니다. 첫 결제를 확인하는 중입니다.";
  }

  const act = async (view: SubscriptionView, action: SubscriptionAction) => {
    const id = view.subscription.id;
    const question = confirmationFor(view, action);
    if (question && !(await confirm(question))) return;
    void run(async () => {
      switch (action) {
        case "cancel":
          if (!(await guard("구독 해지", (pin) => cancelSubscription(id, pin)))) return null;
          return view.subscription.state === "active"
            ? "해지를 예약했습니다. 이번 이용 기간이 끝날 때까지 음악을 이용할 수 있습니다."
            : "구독을 해지했습니다. 더 이상 결제를 시도하지 않습니다.";
        case "resume":
          await resumeSubscription(id);
          return "구독을 재개했습니다.";
        case "retry":
          await retrySubscription(id);
          return "결제를 다시 시도했습니다.";
        case "schedule-again":
          await scheduleSubscriptionAgain(id);
          return "정기결제를 아임포트에 다시 예약했습니다.";
        case "register-again":
          return registered(await billingWindow(() => reopenSubscription(id), "subscribe"));
        case "abandon":
          if (!(await guard("카드 등록 취소", (pin) => cancelSubscription(id, pin)))) return null;
          return "카드 등록을 취소했습니다. 다시 구독하려면 구독하기를 눌러 주세요.";
        case "change-card": {
          // The PIN is asked before the window opens; Rust switches the key when it verified it.
          const result = await billingWindow(async () => {
            const opened = await guard("카드 변경", (pin) => cardChangeWindow(id, pin));
            return opened ? opened.value : null;
          }, "card_change");
          if (!result) return null;
          if (!result.issued) return `카드 변경이 취소되었습니다${saidByWindow(result)}.`;
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
      <div className="actions">
        {subscriptionPlans.map((plan) => (
          <Button
            key={plan.id}
            variant="primary"
            data-testid={`subscribe-${plan.id}`}
            disabled={busy || !online}
            onClick={() => void subscribe(plan.id)}
          >
            {plan.nameKo} 구독하기 ({formatPlanPrice(plan)})
          </Button>
        ))}
      </div>
      {!online && (
        <Offline testId="subscriptions-offline">
          구독하기, 카드 변경, 지금 다시 시도는 인터넷이 연결되어야 합니다. 연결되면 이 화면에서 바로 다시 할 수 있습니다.
        </Offline>
      )}
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
      {confirmDialog}
      {subs.status === "error" && <ErrorNotice error={subs.error} />}
      {subs.status === "loading" && <Loading what="구독을" />}
      {subs.status === "ok" && subs.data.length === 0 && (
        <Empty testId="subscriptions-empty" title="구독이 없습니다">
          위의 구독하기를 누르면 카드를 등록하고 매월 자동으로 결제합니다.
        </Empty>
      )}
      {subs.status === "ok" &&
        subs.data.map((view) => (
            <SubscriptionCard
              key={view.subscription.id}
              view={view}
              busy={busy}
              onAction={(action) => void act(view, action)}
            />
          ))}
    </section>
  );
}
