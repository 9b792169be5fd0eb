import "../orders/orders.css";
import { useState } from "react";
import type { CheckoutTicket } from "../../bindings/CheckoutTicket";
import type { Order } from "../../bindings/Order";
import type { PayMethod } from "../../bindings/PayMethod";
import type { Plan } from "../../bindings/Plan";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatPlanPrice } from "../../format";
import { completePayment, retryCheckout, startCheckout, toCommandError, type CommandError } from "../../ipc";
import { PAY_METHOD_LABELS } from "../orders/labels";
import { PaymentResult } from "./PaymentResult";
import { useIamportSdk } from "./useIamportSdk";

/** The pay methods offered for a pass, in display order. */
export const PAY_METHODS: readonly PayMethod[] = ["card", "vbank", "phone"];

interface CheckoutScreenProps {
  plan: Plan;
  /** The SDK script Rust names (app status); empty when it is not known. */
  sdkUrl: string;
  onBack: () => void;
  onOpenOrder: (merchantUid: string) => void;
}

type Phase =
  | { step: "choose" }
  | { step: "working"; text: string }
  | { step: "result"; order: Order }
  | { step: "open"; merchantUid: string; text: string; error?: CommandError }
  | { step: "error"; error: CommandError };

const SDK_DOWN =
  "결제창(아임포트 SDK)을 불러오지 못했습니다. 인터넷 연결을 확인한 뒤 이 화면을 다시 열어 주세요.";

/** 결제: pick a pay method, pay in Iamport's window, see the result Rust verified. */
export function CheckoutScreen({ plan, sdkUrl, onBack, onOpenOrder }: CheckoutScreenProps) {
  const sdk = useIamportSdk(sdkUrl);
  const [method, setMethod] = useState<PayMethod>("card");
  const [phase, setPhase] = useState<Phase>({ step: "choose" });

  async function pay(getTicket: () => Promise<CheckoutTicket>) {
    setPhase({ step: "working", text: "주문을 만드는 중입니다…" });
    let ticket: CheckoutTicket;
    try {
      ticket = await getTicket();
    } catch (reason) {
      setPhase({ step: "error", error: toCommandError(reason) });
      return;
    }
    const merchantUid = ticket.merchantUid;
    if (sdk.state !== "ready") {
      setPhase({ step: "open", merchantUid, text: `${SDK_DOWN} 주문은 결제 대기 상태로 남아 있습니다.` });
      return;
    }
    setPhase({ step: "working", text: "결제창에서 결제를 진행해 주세요…" });
    let impUid: string | null = null;
    let windowMessage = "";
    try {
      const rsp = await sdk.pay(ticket);
      impUid = rsp.imp_uid ?? null;
      windowMessage = rsp.error_msg ?? "";
    } catch {
      setPhase({ step: "open", merchantUid, text: `${SDK_DOWN} 주문은 결제 대기 상태로 남아 있습니다.` });
      return;
    }
    setPhase({ step: "working", text: "아임포트에서 결제를 확인하는 중입니다…" });
    try {
      const verified = await completePayment(merchantUid, impUid);
      setPhase({ step: "result", order: verified.order });
    } catch (reason) {
      const error = toCommandError(reason);
      const text =
        error.code === "not_found"
          ? `결제창이 닫혀 결제가 이루어지지 않았습니다${windowMessage ? ` (${windowMessage})` : ""}. 주문은 열려 있으니 다시 결제할 수 있습니다.`
          : "결제 확인을 끝내지 못했습니다. 주문은 열려 있으며, 앱이 아임포트에서 결과를 다시 확인합니다.";
      setPhase({ step: "open", merchantUid, text, error });
    }
  }

  const retry = (merchantUid: string) => () => void pay(() => retryCheckout(merchantUid));
  const busy = phase.step === "working";

  return (
    <section className="screen" aria-labelledby="checkout-title">
      <h1 id="checkout-title">
        결제 <span className="en">Checkout</span>
      </h1>
      <p className="lead" data-testid="checkout-plan">
        {plan.nameKo} · {formatPlanPrice(plan)}
      </p>
      {sdk.state === "failed" && (
        <div className="notice error" role="alert" data-testid="checkout-sdk-error">
          {SDK_DOWN}
        </div>
      )}
      {(phase.step === "choose" || phase.step === "working" || phase.step === "error") && (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            void pay(() => startCheckout(plan.id, method));
          }}
        >
          <fieldset>
            <legend>결제 수단 (Pay method)</legend>
            <div className="radio-row">
              {PAY_METHODS.map((m) => (
                <label key={m}>
                  <input
                    type="radio"
                    name="pay-method"
                    value={m}
                    data-testid={`pay-method-${m}`}
                    checked={method === m}
                    onChange={() => setMethod(m)}
                    disabled={busy}
                  />{" "}
                  {PAY_METHOD_LABELS[m]}
                </label>
              ))}
            </div>
          </fieldset>
          {phase.step === "error" && <ErrorNotice error={phase.error} testId="checkout-error" />}
          <div className="actions">
            <button
              type="submit"
              className="button primary"
              data-testid="checkout-submit"
              disabled={busy || sdk.state === "loading"}
            >
              {sdk.state === "loading" ? "결제창 준비 중…" : "결제하기"}
            </button>
            <button type="button" className="button" onClick={onBack} disabled={busy}>
              요금제로 돌아가기
            </button>
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
          onRetry={retry(phase.order.merchantUid)}
          onOpenOrder={onOpenOrder}
        />
      )}
      {phase.step === "open" && (
        <div className="notice warning" role="status" data-testid="checkout-open">
          <p>{phase.text}</p>
          {phase.error && phase.error.code !== "not_found" && <p className="hint">{phase.error.message}</p>}
          <p>
            주문번호 <code data-testid="result-merchant-uid">{phase.merchantUid}</code>
          </p>
          <div className="actions">
            <button
              type="button"
              className="button primary"
              data-testid="checkout-retry"
              onClick={retry(phase.merchantUid)}
            >
              다시 시도
            </button>
            <button type="button" className="button" onClick={() => onOpenOrder(phase.merchantUid)}>
              주문 상세 보기
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
