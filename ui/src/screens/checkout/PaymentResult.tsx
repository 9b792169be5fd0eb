import type { Order } from "../../bindings/Order";
import { formatWon } from "../../format";
import { Badge } from "../../components/Badge";
import { ShortId } from "../../components/ShortId";
import { formatKstMs, orderStateLabel, orderStateTone } from "../orders/labels";
import { Button } from "../../components/Button";

interface PaymentResultProps {
  order: Order;
  /** Offered for a failed payment: pay the same order again. */
  onRetry?: () => void;
  /** Opens the order's page (receipt, timeline, refund). */
  onOpenOrder?: (merchantUid: string) => void;
}

function headline(order: Order): string {
  switch (order.state) {
    case "paid":
      return "결제가 완료되었습니다.";
    case "vbank_issued":
      return "가상계좌가 발급되었습니다. 기한 안에 입금하면 결제가 완료됩니다.";
    case "failed":
      return "결제가 실패했습니다.";
    case "amount_mismatch":
      return "결제 금액이 주문 금액과 달라 결제를 자동으로 취소(환불)했습니다.";
    case "partially_refunded":
    case "refunded":
      return "환불된 주문입니다.";
    default:
      return "결제가 아직 끝나지 않았습니다. 주문은 열려 있으며 다시 결제할 수 있습니다.";
  }
}

/** The result of a payment as Rust verified it: `result-status` is its state (word on screen, name in `data-state`). */
export function PaymentResult({ order, onRetry, onOpenOrder }: PaymentResultProps) {
  const ok = order.state === "paid" || order.state === "vbank_issued";
  return (
    <div className={ok ? "notice ok" : "notice error"} data-testid="payment-result" role="status">
      <strong>{headline(order)}</strong>
      <p>
        상태:{" "}
        <Badge tone={orderStateTone(order)} state={order.state} testId="result-status">
          {orderStateLabel(order)}
        </Badge>
      </p>
      <p>
        주문번호 <ShortId id={order.merchantUid} testId="result-merchant-uid" /> · {formatWon(order.amount)}
      </p>
      {order.state === "vbank_issued" && (
        <dl className="vbank" data-testid="vbank-account">
          <dt>은행</dt>
          <dd>{order.vbankBank ?? "-"}</dd>
          <dt>계좌번호</dt>
          <dd data-testid="vbank-number">{order.vbankNum ?? "-"}</dd>
          <dt>예금주</dt>
          <dd>{order.vbankHolder ?? "-"}</dd>
          <dt>입금 기한</dt>
          <dd>{order.vbankDue !== null ? formatKstMs(order.vbankDue) : "-"}</dd>
        </dl>
      )}
      {order.state === "failed" && (
        <p data-testid="result-fail-reason">사유: {order.failReason ?? "알 수 없음"}</p>
      )}
      <div className="actions">
        {onRetry && (order.state === "failed" || order.state === "awaiting_payment") && (
          <Button variant="primary" data-testid="checkout-retry" onClick={onRetry}>
            다시 시도
          </Button>
        )}
        {onOpenOrder && (
          <Button
            data-testid="result-open-order"
            onClick={() => onOpenOrder(order.merchantUid)}
          >
            주문 상세 보기
          </Button>
        )}
      </div>
    </div>
  );
}
