import { ownerText } from "../../ownerText";
import "../orders/orders.css";
import { useEffect, useRef, useState } from "react";
import type { CheckoutTicket } from "../../bindings/CheckoutTicket";
import type { Order } from "../../bindings/Order";
import type { PaymentReturn } from "../../bindings/PaymentReturn";
import type { PayMethod } from "../../bindings/PayMethod";
import type { Plan } from "../../bindings/Plan";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Offline } from "../../components/States";
import { useOnline } from "../../online";
import { formatPlanPrice } from "../../format";
import { CommandError, retryCheckout, startCheckout, toCommandError } from "../../ipc";
import { PAY_METHOD_LABELS } from "../orders/labels";
import { PAYMENT_RESULT_EVENT, waitForResults, type ResultWaiter } from "./paymentEvents";
import { PaymentResult } from "./PaymentResult";
import { ShortId } from "../../components/ShortId";
import { Button } from "../../components/Button";
import { Choice } from "../../components/Choice";
import { BuyerFields, buyerErrors, EMPTY_BUYER, toBuyer, useBuyerDefaults, type BuyerForm } from "./BuyerFields";

/** The pay methods offered for a pass, in display order. */
export const PAY_METHODS: readonly PayMethod[] = ["card", "trans", "vbank", "phone"];

interface CheckoutScreenProps {
  plan: Plan;
  onBack: () => void;
  onOpenOrder: (merchantUid: string) => void;
  /** Told the order the screen shows once there is one (a window rebuilt after closing to the tray opens on it). */
  onShowsOrder?: (merchantUid: string) => void;
}

type Phase =
  | { step: "choose" }
  | { step: "working"; text: string; merchantUid?: string }
  | { step: "result"; order: Order }
  | { step: "open"; merchantUid: string; text: string; error?: CommandError }
  | { step: "error"; error: CommandError };

/** What the owner reads when the window ended without a verified result. */
function openPhase(result: PaymentReturn): Phase {
  const said = result.windowMessage ? ` (${result.windowMessage})` : "";
  if (result.code === "not_found") {
    return {
      step: "open",
      merchantUid: result.merchantUid,
      text: `결제창이 닫혀 결제가 이루어지지 않았습니다${said}. 주문은 열려 있으니 다시 결제할 수 있습니다.`,
    };
  }
  return {
    step: "open",
    merchantUid: result.merchantUid,
    text: "결제 확인을 끝내지 못했습니다. 주문은 열려 있으며, 앱이 아임포트에서 결과를 다시 확인합니다.",
    error: new CommandError(result.code ?? "internal", result.problem ?? "결제 결과를 확인하지 못했습니다."),
  };
}

/**
 * 결제: pick a pay method; Rust opens the payment window (Iamport's SDK runs there, not here) and
 * this screen shows progress until Rust reports the result it verified.
 */
export function CheckoutScreen({ plan, onBack, onOpenOrder, onShowsOrder }: CheckoutScreenProps) {
  const [method, setMethod] = useState<PayMethod>("card");
  const [phase, setPhase] = useState<Phase>({ step: "choose" });
  const [buyer, setBuyer] = useState<BuyerForm>(EMPTY_BUYER);
  const [showBuyerErrors, setShowBuyerErrors] = useState(false);
  useBuyerDefaults(setBuyer);
  const errors = showBuyerErrors ? buyerErrors(buyer) : {};
  const results = useRef<ResultWaiter<PaymentReturn> | null>(null);
  const mounted = useRef(false);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      results.current?.stop();
      results.current = null;
    };
  }, []);

  async function pay(getTicket: () => Promise<CheckoutTicket>) {
    setPhase({ step: "working", text: "주문을 만드는 중입니다…" });
    let ticket: CheckoutTicket;
    let waiter: ResultWaiter<PaymentReturn>;
    try {
      // Listen first: a window that fails at once must not beat the listener.
      waiter = results.current ?? (await waitForResults<PaymentReturn>(PAYMENT_RESULT_EVENT));
      results.current = waiter;
      if (!mounted.current) {
        waiter.stop();
        return;
      }
      ticket = await getTicket();
    } catch (reason) {
      setPhase({ step: "error", error: toCommandError(reason) });
      return;
    }
    setPhase({
      step: "working",
      text: "결제창에서 결제를 진행해 주세요. 결제창을 닫으면 주문은 열린 채로 남습니다.",
      merchantUid: ticket.merchantUid,
    });
    const result = await waiter.next((r) => r.merchantUid === ticket.merchantUid);
    if (!mounted.current) return;
    setPhase(result.verified ? { step: "result", order: result.verified.order } : openPhase(result));
  }

  const retry = (merchantUid: string) => void pay(() => retryCheckout(merchantUid));
  const busy = phase.step === "working";
  const online = useOnline();
  // The order this screen is about once there is one (while its window is open too): a main
  // window closed meanwhile comes back on that order's page.
  const shownUid =
    phase.step === "result"
      ? phase.order.merchantUid
      : phase.step === "open" || phase.step === "working"
        ? (phase.merchantUid ?? "")
        : "";
  useEffect(() => {
    if (shownUid) onShowsOrder?.(shownUid);
  }, [shownUid, onShowsOrder]);

  return (
    <section className="screen" aria-labelledby="checkout-title">
      <h1 id="checkout-title">
        결제 <span className="en">Checkout</span>
      </h1>
      <p className="lead" data-testid="checkout-plan">
        {plan.nameKo} · {formatPlanPrice(plan)}
      </p>
      {(phase.step === "choose" || phase.step === "working" || phase.step === "error") && (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            // Offline, no order is made: the payment window could not load anyway.
            if (!online) return;
            if (Object.keys(buyerErrors(buyer)).length > 0) {
              setShowBuyerErrors(true);
              return;
            }
            void pay(() => startCheckout(plan.id, method, toBuyer(buyer)));
          }}
        >
          <fieldset>
            <legend>결제 수단</legend>
            <div className="radio-row">
              {PAY_METHODS.map((m) => (
                <Choice key={m} type="radio" name="pay-method" value={m} testId={`pay-method-${m}`} checked={method === m} onChange={() => setMethod(m)} disabled={busy}>
                  {PAY_METHOD_LABELS[m]}
                </Choice>
              ))}
            </div>
          </fieldset>
          <BuyerFields form={buyer} onChange={setBuyer} errors={errors} />
          {!online && (
            <Offline testId="checkout-offline">
              결제는 인터넷이 연결되어 있어야 합니다. 연결되지 않은 동안에는 주문을 만들지 않습니다. 연결되면 이 화면이
              저절로 결제하기를 다시 켭니다.
            </Offline>
          )}
          {phase.step === "error" && <ErrorNotice error={phase.error} testId="checkout-error" />}
          <div className="actions">
            <Button
              type="submit"
              variant="primary"
              data-testid="checkout-submit"
              disabled={busy || !online}
            >
              결제하기
            </Button>
            <Button onClick={onBack} disabled={busy}>
              요금제로 돌아가기
            </Button>
          </div>
        </form>
      )}
      {phase.step === "working" && (
        <p className="muted" role="status" data-testid="checkout-progress">
          {phase.text}
        </p>
      )}
      {phase.step === "result" && (
        <PaymentResult
          order={phase.order}
          onRetry={() => retry(shownUid)}
          onOpenOrder={onOpenOrder}
        />
      )}
      {phase.step === "open" && (
        <div className="notice warning" role="status" data-testid="checkout-open">
          <p>{phase.text}</p>
          {phase.error && phase.error.code !== "not_found" && <p className="hint">{ownerText(phase.error.message)}</p>}
          <p>
            주문번호 <ShortId id={phase.merchantUid} testId="result-merchant-uid" />
          </p>
          <div className="actions">
            <Button
              variant="primary"
              data-testid="checkout-retry"
              onClick={() => retry(shownUid)}
            >
              다시 시도
            </Button>
            <Button onClick={() => onOpenOrder(phase.merchantUid)}>
              주문 상세 보기
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}
