import { ownerText } from "../../ownerText";
import { useState } from "react";
import type { CashReceipt } from "../../bindings/CashReceipt";
import type { Order } from "../../bindings/Order";
import type { ReceiptKind } from "../../bindings/ReceiptKind";
import { Button } from "../../components/Button";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Field } from "../../components/Field";
import { SelectField, type SelectOption } from "../../components/SelectField";
import { formatWon } from "../../format";
import { cancelCashReceipt, issueCashReceipt, toCommandError, type CommandError } from "../../ipc";
import { formatKstMs } from "./labels";

const STATE_LABELS: Record<CashReceipt["state"], string> = {
  requested: "발급 대기 (아임포트 연결 시 자동 처리)",
  issued: "발급됨",
  cancel_requested: "취소 대기 (아임포트 연결 시 자동 처리)",
  cancelled: "취소됨",
  failed: "발급 실패",
};

/** What a cash receipt is for, and the number it is issued to. */
const RECEIPT_KINDS: SelectOption[] = [
  { value: "company", label: "지출증빙 (사업자등록번호)" },
  { value: "person", label: "소득공제 (휴대폰 번호)" },
];

/** 현금영수증 of a non-card order: its state, and 발급 (지출증빙 by default) or 취소. A card
 * payment has none (its evidence is the sales slip); Rust refuses one too. */
export function CashReceiptSection({ order, receipt, onChanged }: { order: Order; receipt: CashReceipt | null; onChanged: () => void }) {
  const [kind, setKind] = useState<ReceiptKind>("company");
  const [identifier, setIdentifier] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (order.payMethod === "card") return null;
  const paid = order.state === "paid" || order.state === "partially_refunded";
  const standing = receipt !== null && (receipt.state === "requested" || receipt.state === "issued" || receipt.state === "cancel_requested");

  const act = async (what: string, run: () => Promise<{ status: string; message?: string }>) => {
    setBusy(what);
    setError(null);
    setNotice(null);
    try {
      const outcome = await run();
      setNotice(outcome.status === "done" ? `현금영수증 ${what}이(가) 완료되었습니다.` : `대기열에 등록했습니다: ${ownerText(outcome.message ?? "")}`);
      onChanged();
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="cash-receipt" aria-labelledby="cash-receipt-title" data-testid="cash-receipt">
      <h2 id="cash-receipt-title">현금영수증</h2>
      {receipt ? (
        <dl className="order-facts">
          <dt>상태</dt>
          <dd data-testid="cash-receipt-state">{STATE_LABELS[receipt.state]}</dd>
          <dt>용도</dt>
          <dd>{receipt.receiptType === "company" ? "지출증빙 (사업자)" : "소득공제 (개인)"}</dd>
          {receipt.applyNum && (
            <>
              <dt>승인번호</dt>
              <dd data-testid="cash-receipt-apply-num">{receipt.applyNum}</dd>
            </>
          )}
          {receipt.amount !== null && (
            <>
              <dt>금액</dt>
              <dd>{formatWon(receipt.amount)}</dd>
            </>
          )}
          {receipt.issuedAt !== null && (
            <>
              <dt>발급 시각</dt>
              <dd>{formatKstMs(receipt.issuedAt)}</dd>
            </>
          )}
          {receipt.lastError && (
            <>
              <dt>사유</dt>
              <dd>{ownerText(receipt.lastError)}</dd>
            </>
          )}
        </dl>
      ) : (
        <p className="muted" data-testid="cash-receipt-none">
          {paid ? "아직 발급하지 않았습니다." : "결제가 완료되면 발급할 수 있습니다."}
        </p>
      )}
      {paid && !standing && (
        <div className="actions">
          <SelectField
            label="현금영수증 용도"
            labelHidden
            inline
            testId="cash-receipt-type"
            value={kind}
            onChange={(value) => setKind(value as ReceiptKind)}
            options={RECEIPT_KINDS}
          />
          <Field
            label={kind === "company" ? "사업자등록번호 (비우면 설정의 번호)" : "휴대폰 번호"}
            labelHidden
            inline
            type={kind === "company" ? "text" : "tel"}
            placeholder={kind === "company" ? "비우면 설정의 사업자등록번호" : "010-1234-5678"}
            testId="cash-receipt-identifier"
            value={identifier}
            onChange={setIdentifier}
          />
          <Button
            variant="primary"
            busyText={busy === "발급" ? "발급 중…" : null}
            data-testid="cash-receipt-issue"
            onClick={() => void act("발급", () => issueCashReceipt(order.merchantUid, { receiptType: kind, identifier: identifier.trim() || null }))}
          >
            현금영수증 발급
          </Button>
        </div>
      )}
      {receipt?.state === "issued" && (
        <div className="actions">
          <Button
            variant="danger"
            busyText={busy === "취소" ? "취소 중…" : null}
            data-testid="cash-receipt-cancel"
            onClick={() => void act("취소", () => cancelCashReceipt(order.merchantUid))}
          >
            현금영수증 취소
          </Button>
        </div>
      )}
      {notice && (
        <p className="notice ok" role="status" data-testid="cash-receipt-notice">
          {notice}
        </p>
      )}
      {error && <ErrorNotice error={error} testId="cash-receipt-error" />}
    </section>
  );
}
