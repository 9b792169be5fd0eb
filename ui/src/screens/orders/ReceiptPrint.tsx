import "./receipt.css";
import { useCallback, useState } from "react";
import type { Receipt } from "../../bindings/Receipt";
import { Button } from "../../components/Button";
import { Choice } from "../../components/Choice";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatKst, formatKstDate, formatWon } from "../../format";
import { getReceipt } from "../../ipc";
import { useCommand } from "../../useCommand";

/** The paper the receipt is laid out for. */
export type Paper = "a4" | "80mm";

/** The `@page` rule of each paper (the webview's print dialog takes its size from it). */
export const PAGE_RULES: Record<Paper, string> = {
  a4: "@page { size: A4 portrait; margin: 20mm; }",
  "80mm": "@page { size: 80mm auto; margin: 4mm; }",
};

/** The receipt's lines, in order: [label, value] (a value of null is left out). */
export function receiptLines(r: Receipt): [string, string][] {
  const lines: [string, string | null][] = [
    ["상호", r.storeName || "-"],
    ["사업자등록번호", r.businessNumber ?? "-"],
    ["주문번호", r.merchantUid],
    ["상품", r.planName],
    [
      "이용 기간",
      r.periodStart && r.periodEnd ? `${formatKstDate(r.periodStart)} ~ ${formatKstDate(r.periodEnd)}` : null,
    ],
    ["결제 금액 (부가세 포함)", formatWon(r.amount)],
    ["공급가액", formatWon(r.supply)],
    ["부가세", formatWon(r.vat)],
    ["환불 금액", r.refunded > 0 ? formatWon(r.refunded) : null],
    ["결제 수단", r.cardName ? `${r.payMethod} (${r.cardName})` : r.payMethod],
    ["승인번호", r.approvalNumber ?? "-"],
    ["결제 시각", r.paidAt ? formatKst(r.paidAt) : "-"],
    ["상태", r.state],
  ];
  return lines.filter((l): l is [string, string] => l[1] !== null);
}

interface ReceiptPrintProps {
  merchantUid: string;
  onClose: () => void;
}

/** 영수증 인쇄: the receipt laid out for A4 or 80 mm paper, printed through the webview's print dialog. */
export function ReceiptPrint({ merchantUid, onClose }: ReceiptPrintProps) {
  const load = useCallback(() => getReceipt(merchantUid), [merchantUid]);
  const [receipt] = useCommand(load);
  const [paper, setPaper] = useState<Paper>("a4");

  return (
    <div className="receipt-view" data-testid="receipt-view">
      <style>{PAGE_RULES[paper]}</style>
      <div className="receipt-controls actions" role="group" aria-label="영수증 인쇄">
        {(["a4", "80mm"] as const).map((p) => (
          <Choice key={p} type="radio" name="receipt-paper" testId={`receipt-paper-${p}`} checked={paper === p} onChange={() => setPaper(p)}>
            {p === "a4" ? "A4 용지" : "80mm 감열지"}
          </Choice>
        ))}
        <Button
          variant="primary"
          data-testid="receipt-print"
          disabled={receipt.status !== "ok"}
          onClick={() => window.print()}
        >
          인쇄
        </Button>
        <Button data-testid="receipt-close" onClick={onClose}>
          닫기
        </Button>
      </div>
      {receipt.status === "loading" && <p className="muted">영수증을 준비하는 중…</p>}
      {receipt.status === "error" && <ErrorNotice error={receipt.error} testId="receipt-load-error" />}
      {receipt.status === "ok" && (
        <article className={`receipt-print paper-${paper}`} data-testid="receipt">
          <h2>영수증</h2>
          <dl>
            {receiptLines(receipt.data).map(([label, value]) => (
              <div key={label} className="receipt-line">
                <dt>{label}</dt>
                <dd className={label.startsWith("결제 금액") ? "total" : undefined}>{value}</dd>
              </div>
            ))}
          </dl>
          <p className="foot">판뮤직 음악 이용권 · 부가세 포함 금액입니다.</p>
        </article>
      )}
    </div>
  );
}
