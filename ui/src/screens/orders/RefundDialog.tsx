import { useState } from "react";
import type { Order } from "../../bindings/Order";
import type { RefundAccount } from "../../bindings/RefundAccount";
import type { RefundOutcome } from "../../bindings/RefundOutcome";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Field } from "../../components/Field";
import { formatWon } from "../../format";
import { refundOrder, toCommandError, type CommandError } from "../../ipc";
import { usePinGuard } from "../../usePinGuard";
import { accountReady, RefundAccountFields } from "./RefundAccountFields";

/** 전액 환불 (everything left, no amount sent) or 부분 환불 (the amount the owner types). */
export type RefundKind = "full" | "partial";

/** The won typed for a partial refund, for display only (`3,000` and `3000` both read 3000). */
export function typedWon(typed: string): number | null {
  const digits = typed.trim().replace(/,/g, "");
  return /^\d+$/.test(digits) ? Number(digits) : null;
}

interface RefundDialogProps {
  order: Order;
  kind: RefundKind;
  /** Called after Rust accepted the refund (done or queued). */
  onDone: (outcome: RefundOutcome) => void;
  onClose: () => void;
}

/**
 * 환불, asked before it happens: what was paid, what was refunded before, what this refund
 * returns and what remains after it, then the reason (and for a virtual account the account to
 * pay back to). 전액 환불 sends no amount: Rust refunds whatever is left. 부분 환불 sends only the
 * amount the owner typed, and its button stays off until an amount is typed.
 */
export function RefundDialog({ order, kind, onDone, onClose }: RefundDialogProps) {
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [account, setAccount] = useState<RefundAccount>({ bank: "", number: "", holder: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const vbank = order.payMethod === "vbank";
  const { guard, dialog } = usePinGuard();

  // Display only: Rust decides the balance and checks the amount again.
  const balance = order.amount - order.refundedAmount;
  const typed = kind === "full" ? balance : typedWon(amount);
  const tooMuch = typed !== null && typed > balance;
  const amountError =
    kind === "partial" && amount.trim() !== "" && typed === null
      ? "숫자로 입력해 주세요 (예: 3000)."
      : tooMuch
        ? `환불할 수 있는 금액은 ${formatWon(balance)}까지입니다.`
        : typed === 0
          ? "1원 이상 입력해 주세요."
          : undefined;
  const ready = typed !== null && typed > 0 && !tooMuch && reason.trim() !== "" && (!vbank || accountReady(account));

  async function submit() {
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const input = {
        merchantUid: order.merchantUid,
        amount: kind === "full" ? null : amount,
        reason,
        refundAccount: vbank ? account : null,
      };
      const done = await guard("환불", (pin) => refundOrder(input, pin));
      if (done) onDone(done.value);
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  }

  const title = kind === "full" ? "전액 환불할까요?" : "일부 금액을 환불할까요?";
  return (
    <Dialog title={title} testId="refund-dialog" onClose={() => !busy && onClose()}>
      <form
        className="form"
        data-testid="refund-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <dl className="summary" data-testid="refund-summary">
          <dt>결제 금액</dt>
          <dd className="num">{formatWon(order.amount)}</dd>
          {order.refundedAmount > 0 && (
            <>
              <dt>이미 환불한 금액</dt>
              <dd className="num">{formatWon(order.refundedAmount)}</dd>
            </>
          )}
          <dt>이번에 환불할 금액</dt>
          <dd className="num" data-testid="refund-this">
            {typed !== null && !tooMuch ? formatWon(typed) : "-"}
          </dd>
          <dt>환불 후 남는 금액</dt>
          <dd className="num" data-testid="refund-remaining">
            {typed !== null && !tooMuch ? formatWon(balance - typed) : formatWon(balance)}
          </dd>
        </dl>
        {kind === "partial" && (
          <Field
            label="환불할 금액 (원)"
            value={amount}
            onChange={setAmount}
            testId="refund-amount"
            inputMode="numeric"
            hint={`${formatWon(balance)}까지 환불할 수 있습니다.`}
            error={amountError}
          />
        )}
        <Field label="환불 사유" value={reason} onChange={setReason} testId="refund-reason" maxLength={200} hint="아임포트의 환불 기록에 남습니다." />
        {vbank && <RefundAccountFields value={account} onChange={setAccount} />}
        <p className="muted">환불은 되돌릴 수 없습니다. 카드 환불이 고객의 카드 내역에 보이기까지 카드사에 따라 며칠 걸릴 수 있습니다.</p>
        {error && <ErrorNotice error={error} testId="refund-error" action={error.code === "validation" ? "내용을 고친 뒤 다시 환불해 주세요." : undefined} />}
        <DialogActions>
          <Button onClick={onClose} disabled={busy} data-testid="refund-cancel">
            돌아가기
          </Button>
          <Button type="submit" variant="danger" disabled={!ready} busyText={busy ? "환불 요청 중…" : null} data-testid="refund-submit">
            {kind === "full" ? `${formatWon(balance)} 전액 환불` : typed !== null && !tooMuch && typed > 0 ? `${formatWon(typed)} 환불` : "환불"}
          </Button>
        </DialogActions>
      </form>
      {dialog}
    </Dialog>
  );
}
