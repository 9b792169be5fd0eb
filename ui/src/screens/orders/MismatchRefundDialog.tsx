import { useState } from "react";
import type { Order } from "../../bindings/Order";
import type { RefundAccount } from "../../bindings/RefundAccount";
import type { RefundOutcome } from "../../bindings/RefundOutcome";
import { Button } from "../../components/Button";
import { Dialog, DialogActions } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatWon } from "../../format";
import { resumeMismatchRefund, toCommandError, type CommandError } from "../../ipc";
import { usePinGuard } from "../../usePinGuard";
import { accountReady, RefundAccountFields } from "./RefundAccountFields";

interface MismatchRefundDialogProps {
  order: Order;
  /** Won the parked automatic cancel returns (the whole deposit). */
  amount: number;
  onDone: (outcome: RefundOutcome) => void;
  onClose: () => void;
}

/**
 * A virtual account was paid with another amount than the order's: the automatic cancel waits for
 * the buyer's refund account, which only a person can ask for. The owner enters it here, then
 * Rust sends the cancel (the whole deposit, to this account).
 */
export function MismatchRefundDialog({ order, amount, onDone, onClose }: MismatchRefundDialogProps) {
  const [account, setAccount] = useState<RefundAccount>({ bank: "", number: "", holder: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const { guard, dialog } = usePinGuard();
  const ready = accountReady(account);

  async function submit() {
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    try {
      const done = await guard("환불", (pin) => resumeMismatchRefund(order.merchantUid, account, pin));
      if (done) onDone(done.value);
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="입금액을 환불 계좌로 돌려줄까요?" testId="mismatch-refund-dialog" onClose={() => !busy && onClose()}>
      <form
        className="form"
        data-testid="mismatch-refund-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <p>
          주문 금액은 {formatWon(order.amount)}인데 다른 금액이 입금되어 자동으로 취소합니다. 가상계좌 입금을 돌려주려면 입금한 분의 계좌가
          필요합니다. 계좌를 입력하면 {formatWon(amount)}을 그 계좌로 환불 요청합니다.
        </p>
        <RefundAccountFields value={account} onChange={setAccount} />
        <p className="muted">환불은 되돌릴 수 없습니다. 가상계좌 환불은 보통 다음 영업일에 처리됩니다.</p>
        {error && <ErrorNotice error={error} testId="mismatch-refund-error" action={error.code === "validation" ? "계좌 정보를 고친 뒤 다시 보내 주세요." : undefined} />}
        <DialogActions>
          <Button onClick={onClose} disabled={busy} data-testid="mismatch-refund-cancel">
            돌아가기
          </Button>
          <Button type="submit" variant="danger" disabled={!ready} busyText={busy ? "환불 요청 중…" : null} data-testid="mismatch-refund-submit">
            {formatWon(amount)} 환불 요청
          </Button>
        </DialogActions>
      </form>
      {dialog}
    </Dialog>
  );
}
