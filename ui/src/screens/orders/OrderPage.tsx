import { ownerText } from "../../ownerText";
import { useCallback, useState } from "react";
import { Button } from "../../components/Button";
import { Badge } from "../../components/Badge";
import { ErrorNotice } from "../../components/ErrorNotice";
import { ShortId } from "../../components/ShortId";
import { Loading } from "../../components/States";
import { formatWon } from "../../format";
import { getOrder, openReceipt, toCommandError, type CommandError } from "../../ipc";
import { useCommand } from "../../useCommand";
import { usePlanNames } from "../../usePlanNames";
import { formatKstMs, mismatchReturned, orderStateLabel, orderStateTone, PAY_METHOD_LABELS, testChargeText } from "./labels";
import { CardFacts } from "./CardFacts";
import { CashReceiptSection } from "./CashReceiptSection";
import { MismatchRefundDialog } from "./MismatchRefundDialog";
import { RefundDialog, type RefundKind } from "./RefundDialog";
import { OpenOrderActions } from "./OpenOrderActions";
import { Timeline } from "./Timeline";
import { ReceiptPrint } from "./ReceiptPrint";

/** How often the screen re-reads the order book (the sync engine changes it in the background). */
const REFRESH_MS = 5000;

interface OrderPageProps {
  merchantUid: string;
  onBack: () => void;
}

/** An order: what was bought, where it stands, its timeline, the receipt and 환불. */
export function OrderPage({ merchantUid, onBack }: OrderPageProps) {
  const load = useCallback(() => getOrder(merchantUid), [merchantUid]);
  const [detail, reload] = useCommand(load, REFRESH_MS);
  const [refund, setRefund] = useState<RefundKind | null>(null);
  const [mismatchRefund, setMismatchRefund] = useState(false);
  const planName = usePlanNames();
  const [notice, setNotice] = useState<string | null>(null);
  const [receiptError, setReceiptError] = useState<CommandError | null>(null);
  const [printing, setPrinting] = useState(false);

  return (
    <section className="screen" aria-labelledby="order-title">
      <h1 id="order-title">
        주문 상세 <span className="en">Order</span>
      </h1>
      <div className="actions">
        <Button data-testid="order-back" onClick={onBack}>
          주문 내역으로
        </Button>
      </div>
      {detail.status === "loading" && <Loading what="주문을" />}
      {detail.status === "error" && <ErrorNotice error={detail.error} />}
      {detail.status === "ok" && (
        <>
          {(() => {
            const { order, events, receiptUrl, pendingRefund } = detail.data;
            const refundable = order.state === "paid" || order.state === "partially_refunded";
            // A mismatched virtual-account deposit: its automatic cancel waits for a refund account.
            const needsAccount =
              order.state === "amount_mismatch" && order.payMethod === "vbank" && pendingRefund !== null && pendingRefund.state === "needs_attention";
            // Money a payment of the wrong amount took: never a sale, returned whole (may exceed the order).
            const wrongPayment = order.state === "amount_mismatch" ? order.mismatchReceived : null;
            return (
              <>
                <dl className="order-facts" data-testid="order-detail">
                  <dt>주문번호</dt>
                  <dd>
                    <ShortId id={order.merchantUid} testId="order-merchant-uid" />
                  </dd>
                  <dt>상태</dt>
                  <dd>
                    <Badge tone={orderStateTone(order)} state={order.state} testId="order-status">
                      {orderStateLabel(order)}
                    </Badge>
                  </dd>
                  <dt>상품</dt>
                  <dd data-testid="order-plan">{planName(order.planId)}</dd>
                  <dt>금액</dt>
                  <dd data-testid="order-amount">{formatWon(order.amount)}</dd>
                  {wrongPayment !== null ? (
                    <>
                      <dt>{order.payMethod === "vbank" ? "입금된 금액" : "결제된 금액"} (주문 금액과 다름)</dt>
                      <dd data-testid="order-mismatch-received">{formatWon(wrongPayment)}</dd>
                      <dt>돌려준 금액</dt>
                      <dd data-testid="order-mismatch-returned">{formatWon(order.mismatchReturned)}</dd>
                    </>
                  ) : (
                    <>
                      <dt>환불된 금액</dt>
                      <dd data-testid="order-refunded">{formatWon(order.refundedAmount)}</dd>
                    </>
                  )}
                  <dt>결제 수단</dt>
                  <dd>{PAY_METHOD_LABELS[order.payMethod]}</dd>
                  <dt>주문 시각</dt>
                  <dd>{formatKstMs(order.createdAt)}</dd>
                  {order.paidAt !== null && (
                    <>
                      <dt>결제 시각</dt>
                      <dd>{formatKstMs(order.paidAt)}</dd>
                    </>
                  )}
                  {order.vbankNum && (
                    <>
                      <dt>가상계좌</dt>
                      <dd data-testid="vbank-account">
                        {order.vbankBank} {order.vbankNum} ({order.vbankHolder})
                        {order.vbankDue !== null && ` · 입금 기한 ${formatKstMs(order.vbankDue)}`}
                      </dd>
                    </>
                  )}
                </dl>
                <OpenOrderActions order={order} onChanged={reload} />
                {detail.data.card && <CardFacts card={detail.data.card} />}
                {needsAccount && (
                  <div className="notice warning" role="status" data-testid="mismatch-refund-needed">
                    입금액({formatWon(pendingRefund.amount)})이 주문 금액과 달라 자동 취소해야 하지만, 가상계좌 환불에는 입금한 분의 환불 계좌가
                    필요합니다. 계좌를 입력하면 환불을 요청합니다.{" "}
                    <Button
                      variant="primary"
                      data-testid="mismatch-refund-open"
                      onClick={() => {
                        setNotice(null);
                        setMismatchRefund(true);
                      }}
                    >
                      환불 계좌 입력
                    </Button>
                  </div>
                )}
                {wrongPayment !== null && mismatchReturned(order) && (
                  <div className="notice ok" role="status" data-testid="mismatch-returned">
                    {order.payMethod === "vbank" ? "입금액" : "결제 금액"} {formatWon(wrongPayment)}이 주문 금액 {formatWon(order.amount)}과
                    달라 결제로 받지 않았고, {formatWon(order.mismatchReturned)}을{" "}
                    {order.payMethod === "vbank" ? "입금한 분의 환불 계좌로" : "결제한 수단으로"} 모두 돌려주었습니다. 처리 완료 · 이 주문은
                    결제되지 않았습니다.
                  </div>
                )}
                {testChargeText(order) !== null && (
                  <div className="notice" role="status" data-testid="test-charge">
                    카드 등록 때 PG가 카드 확인용으로 {formatWon(order.mismatchReceived ?? 0)}을 승인했습니다. 매출도 이용 기간도 아니며,{" "}
                    {mismatchReturned(order) ? "PG가 이미 취소했습니다. 처리 완료." : "PG가 약 30분 뒤 스스로 취소합니다."}
                  </div>
                )}
                {pendingRefund && !needsAccount && (
                  <div className="notice warning" role="status" data-testid="refund-pending">
                    환불 {formatWon(pendingRefund.amount)}{" "}
                    {pendingRefund.state === "needs_attention"
                      ? `이 거절되어 확인이 필요합니다: ${ownerText(pendingRefund.lastError ?? "")}`
                      : "을 처리 중입니다 (대기열). 아임포트에 연결되면 자동으로 처리됩니다."}
                  </div>
                )}
                {notice && (
                  <div className="notice ok" role="status" data-testid="refund-notice">
                    {notice}
                  </div>
                )}
                <div className="actions">
                  {receiptUrl && (
                    <Button
                      data-testid="open-receipt"
                      onClick={() => {
                        setReceiptError(null);
                        openReceipt(order.merchantUid).catch((r: unknown) => setReceiptError(toCommandError(r)));
                      }}
                    >
                      영수증 보기 (브라우저)
                    </Button>
                  )}
                  {["paid", "partially_refunded", "refunded"].includes(order.state) && (
                    <Button data-testid="receipt-open" onClick={() => setPrinting(true)}>
                      영수증 인쇄
                    </Button>
                  )}
                  {refundable && (
                    <>
                      <Button
                        variant="danger"
                        data-testid="refund-full"
                        onClick={() => {
                          setNotice(null);
                          setRefund("full");
                        }}
                      >
                        전액 환불
                      </Button>
                      <Button
                        data-testid="refund-partial"
                        onClick={() => {
                          setNotice(null);
                          setRefund("partial");
                        }}
                      >
                        부분 환불
                      </Button>
                    </>
                  )}
                </div>
                {receiptError && <ErrorNotice error={receiptError} testId="receipt-error" />}
                {printing && <ReceiptPrint merchantUid={order.merchantUid} onClose={() => setPrinting(false)} />}
                {refundable && refund && (
                  <RefundDialog
                    order={order}
                    kind={refund}
                    onClose={() => setRefund(null)}
                    onDone={(outcome) => {
                      setRefund(null);
                      setNotice(
                        outcome.status === "done"
                          ? "환불이 완료되었습니다."
                          : `환불을 대기열에 등록했습니다: ${ownerText(outcome.message)}`,
                      );
                      reload();
                    }}
                  />
                )}
                <CashReceiptSection order={order} receipt={detail.data.cashReceipt} onChanged={reload} />
                {needsAccount && mismatchRefund && (
                  <MismatchRefundDialog
                    order={order}
                    amount={pendingRefund.amount}
                    onClose={() => setMismatchRefund(false)}
                    onDone={(outcome) => {
                      setMismatchRefund(false);
                      setNotice(
                        outcome.status === "done"
                          ? "입금액을 환불 계좌로 돌려주도록 요청했습니다."
                          : `환불을 대기열에 등록했습니다: ${outcome.message}`,
                      );
                      reload();
                    }}
                  />
                )}
                <h2>진행 기록</h2>
                <Timeline events={events} />
              </>
            );
          })()}
        </>
      )}
    </section>
  );
}
