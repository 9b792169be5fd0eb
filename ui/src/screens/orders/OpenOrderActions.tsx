import { ownerText } from "../../ownerText";
import { useState } from "react";
import type { AbandonOutcome } from "../../bindings/AbandonOutcome";
import type { Order } from "../../bindings/Order";
import { Button } from "../../components/Button";
import { useConfirm } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatWon } from "../../format";
import { abandonOrder, retryCheckout, toCommandError, type CommandError } from "../../ipc";

/** States of an order nobody has paid yet, which the owner can continue or give up. */
const OPEN_STATES: readonly Order["state"][] = ["created", "awaiting_payment", "failed", "vbank_issued"];

/** Whether the page offers 이어서 결제 and 주문 취소 for this order. */
export function isOpenOrder(order: Pick<Order, "kind" | "state">): boolean {
  return order.kind === "one_time" && OPEN_STATES.includes(order.state);
}

type Notice = { tone: "ok" | "warning"; text: string };

function abandonNotice(outcome: AbandonOutcome): Notice {
  switch (outcome.status) {
    case "done":
      return {
        tone: "ok",
        text: outcome.order.vbankNum ? "주문을 취소하고 가상계좌 발급도 취소했습니다." : "주문을 취소했습니다.",
      };
    case "revoke_queued":
      return {
        tone: "warning",
        text: `주문을 취소했습니다. 가상계좌 발급 취소는 대기열에 있으며 아임포트에 연결되면 자동으로 처리됩니다. (${ownerText(outcome.message)})`,
      };
    case "revoke_refused":
      return {
        tone: "warning",
        text: `주문은 취소했지만 아임포트가 가상계좌 발급 취소를 거절했습니다: ${ownerText(outcome.message)} 아임포트 관리자 화면에서 가상계좌를 취소해 주세요.`,
      };
  }
}

interface OpenOrderActionsProps {
  order: Order;
  /** The order changed (re-read it). */
  onChanged: () => void;
}

/**
 * 이어서 결제 (the payment window again for the same order: same merchant_uid and amount) and
 * 주문 취소 (asks first; an issued virtual account is revoked at Iamport) for an unpaid order.
 * A virtual account is continued by depositing into it, so it offers no new window.
 */
export function OpenOrderActions({ order, onChanged }: OpenOrderActionsProps) {
  const { confirm, dialog } = useConfirm();
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const open = isOpenOrder(order);
  const vbank = order.state === "vbank_issued";

  async function resume() {
    setNotice(null);
    setError(null);
    setBusy("결제창을 여는 중…");
    try {
      await retryCheckout(order.merchantUid);
      setNotice({ tone: "ok", text: "결제창을 열었습니다. 결제창에서 결제를 진행해 주세요. 결과는 확인되는 대로 표시됩니다." });
      onChanged();
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(null);
    }
  }

  async function abandon() {
    setNotice(null);
    setError(null);
    const yes = await confirm({
      title: "이 주문을 취소할까요?",
      body: vbank ? (
        <p>
          가상계좌 <strong>{order.vbankBank} {order.vbankNum}</strong>의 발급을 아임포트에서 취소합니다. 취소한 뒤에는 이
          계좌로 입금할 수 없으며, 주문 금액 {formatWon(order.amount)}은 청구되지 않습니다. 이미 입금되었다면 취소하지
          않고 결제 완료로 표시합니다.
        </p>
      ) : (
        <p>
          아직 결제되지 않은 주문({formatWon(order.amount)})을 취소합니다. 결제창이 열려 있다면 닫아 주세요. 결제가 이미
          되었다면 취소하지 않고 결제 완료로 표시합니다.
        </p>
      ),
      confirmLabel: "주문 취소",
      cancelLabel: "돌아가기",
      danger: true,
      testId: "abandon-dialog",
    });
    if (!yes) return;
    setBusy("주문을 취소하는 중…");
    try {
      setNotice(abandonNotice(await abandonOrder(order.merchantUid)));
      onChanged();
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      {open && (
        <div className="actions" data-testid="open-order-actions">
          {vbank ? (
            <p className="muted" data-testid="vbank-continue">
              구매자가 위 가상계좌로 {formatWon(order.amount)}을 입금하면 결제가 완료됩니다.
            </p>
          ) : (
            <Button variant="primary" data-testid="order-resume" busyText={busy} onClick={() => void resume()}>
              이어서 결제
            </Button>
          )}
          <Button variant="danger" data-testid="order-abandon" disabled={busy !== null} onClick={() => void abandon()}>
            주문 취소
          </Button>
        </div>
      )}
      {notice && (
        <div className={`notice ${notice.tone}`} role="status" data-testid="order-action-notice">
          {notice.text}
        </div>
      )}
      {error && <ErrorNotice error={error} testId="order-action-error" />}
      {dialog}
    </>
  );
}
