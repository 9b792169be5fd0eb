import { useState } from "react";
import type { Order } from "../../bindings/Order";
import type { RefundOutcome } from "../../bindings/RefundOutcome";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatWon } from "../../format";
import { refundOrder, toCommandError, type CommandError } from "../../ipc";
import { usePinGuard } from "../../usePinGuard";

interface RefundFormProps {
  order: Order;
  /** Called after Rust accepted the refund (done or queued). */
  onDone: (outcome: RefundOutcome) => void;
}

/**
 * 환불: an amount (empty = everything left), a reason, and for a virtual account the refund account.
 * Rust checks the amount against the refundable balance; the form only passes on what was typed.
 */
export function RefundForm({ order, onDone }: RefundFormProps) {
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [bank, setBank] = useState("");
  const [number, setNumber] = useState("");
  const [holder, setHolder] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const vbank = order.payMethod === "vbank";
  const { guard, dialog } = usePinGuard();

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const input = {
        merchantUid: order.merchantUid,
        amount,
        reason,
        refundAccount: vbank ? { bank, number, holder } : null,
      };
      const done = await guard("환불", (pin) => refundOrder(input, pin));
      if (done) onDone(done.value);
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="form refund-form"
      data-testid="refund-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <fieldset disabled={busy}>
        <legend>환불 (Refund)</legend>
        <p className="muted">
          결제 {formatWon(order.amount)} 중 환불된 금액 {formatWon(order.refundedAmount)}. 금액을 비워 두면 남은
          금액 전부를 환불합니다.
        </p>
        <div className="field">
          <label htmlFor="refund-amount">환불 금액 (원)</label>
          <input
            id="refund-amount"
            inputMode="numeric"
            data-testid="refund-amount"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="refund-reason">환불 사유</label>
          <input
            id="refund-reason"
            data-testid="refund-reason"
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        {vbank && (
          <>
            <p className="hint">가상계좌 결제는 환불받을 계좌가 필요합니다.</p>
            <div className="field">
              <label htmlFor="refund-bank">은행</label>
              <input id="refund-bank" data-testid="refund-bank" value={bank} onChange={(e) => setBank(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="refund-number">계좌번호</label>
              <input
                id="refund-number"
                data-testid="refund-account-number"
                value={number}
                onChange={(e) => setNumber(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="refund-holder">예금주</label>
              <input
                id="refund-holder"
                data-testid="refund-holder"
                value={holder}
                onChange={(e) => setHolder(e.target.value)}
              />
            </div>
          </>
        )}
        {error && <ErrorNotice error={error} testId="refund-error" />}
        <div className="actions">
          <button type="submit" className="button primary" data-testid="refund-submit">
            {busy ? "환불 요청 중…" : "환불하기"}
          </button>
        </div>
      </fieldset>
      {dialog}
    </form>
  );
}
