import { useCallback, useState } from "react";
import type { PayMethod } from "../../bindings/PayMethod";
import type { SettlementSection } from "../../bindings/SettlementSection";
import { Button } from "../../components/Button";
import { ErrorNotice } from "../../components/ErrorNotice";
import { ShortId } from "../../components/ShortId";
import { Loading } from "../../components/States";
import { Table } from "../../components/Table";
import { formatWon } from "../../format";
import { settlementOrders } from "../../ipc";
import { useCommand } from "../../useCommand";
import { formatKstMs, orderStateLabel, PAY_METHOD_LABELS } from "../orders/labels";

/** Which figure's orders to list. */
export interface Drill {
  section: SettlementSection;
  payMethod: PayMethod | null;
  planId: string | null;
  title: string;
}

const PAGE = 50;

/** The orders behind one settlement figure (the same SQL condition as the figure). */
export function DrillDown({ from, to, drill, onOpen, onClose }: { from: string; to: string; drill: Drill; onOpen: (uid: string) => void; onClose: () => void }) {
  const [offset, setOffset] = useState(0);
  const load = useCallback(
    () =>
      settlementOrders({
        range: { from, to },
        section: drill.section,
        payMethod: drill.payMethod,
        planId: drill.planId,
        limit: PAGE,
        offset,
      }),
    [from, to, drill, offset],
  );
  const [page] = useCommand(load);
  return (
    <section className="drill" aria-label={`${drill.title} 주문`} data-testid="settlement-drill">
      <h2>
        {drill.title} 주문 <Button variant="link" className="no-print" onClick={onClose}>닫기</Button>
      </h2>
      {page.status === "loading" && <Loading what="주문을" />}
      {page.status === "error" && <ErrorNotice error={page.error} />}
      {page.status === "ok" && (
        <>
          <Table
            label={`${drill.title} 주문 목록`}
            testId="settlement-drill-table"
            rows={page.data.items}
            rowKey={(o) => o.merchantUid}
            rowTestId={(o) => `settlement-order-${o.merchantUid}`}
            onRowClick={(o) => onOpen(o.merchantUid)}
            columns={[
              { header: drill.section === "sales" ? "결제 시각 (KST)" : "주문 시각 (KST)", align: "nowrap", cell: (o) => formatKstMs(o.paidAt ?? o.createdAt) },
              {
                header: "주문번호",
                align: "nowrap",
                cell: (o) => (
                  <Button
                    variant="link"
                    data-testid={`settlement-open-${o.merchantUid}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      onOpen(o.merchantUid);
                    }}
                  >
                    <ShortId id={o.merchantUid} copy={false} />
                  </Button>
                ),
              },
              { header: "결제 수단", align: "nowrap", cell: (o) => PAY_METHOD_LABELS[o.payMethod] },
              { header: "결제", align: "num", cell: (o) => formatWon(o.amount) },
              { header: "환불", align: "num", cell: (o) => formatWon(o.refundedAmount) },
              { header: "상태", align: "nowrap", cell: (o) => orderStateLabel(o) },
            ]}
          />
          <p className="muted" data-testid="settlement-drill-range">
            총 {page.data.total}건 중 {page.data.items.length === 0 ? 0 : offset + 1}–{offset + page.data.items.length}
          </p>
          <div className="actions pager no-print">
            <Button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              이전
            </Button>
            <Button disabled={offset + page.data.items.length >= page.data.total} onClick={() => setOffset(offset + PAGE)}>
              다음
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
