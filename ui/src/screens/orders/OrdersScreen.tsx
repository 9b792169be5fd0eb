import "./orders.css";
import { useCallback, useState } from "react";
import type { OrderClass } from "../../bindings/OrderClass";
import type { OrderQuery } from "../../bindings/OrderQuery";
import type { OrderState } from "../../bindings/OrderState";
import type { PayMethod } from "../../bindings/PayMethod";
import { Badge } from "../../components/Badge";
import { ErrorNotice } from "../../components/ErrorNotice";
import { ShortId } from "../../components/ShortId";
import { Empty, Loading } from "../../components/States";
import { Table } from "../../components/Table";
import { formatWon } from "../../format";
import { listOrders } from "../../ipc";
import { useCommand } from "../../useCommand";
import { usePlanNames } from "../../usePlanNames";
import { formatKstMs, orderStateLabel, orderStateTone, PAY_METHOD_LABELS, STATE_LABELS, testChargeText } from "./labels";
import { Button } from "../../components/Button";
import { Field } from "../../components/Field";
import { SelectField, type SelectOption } from "../../components/SelectField";

/** How often the screen re-reads the order book (the sync engine changes it in the background). */
const REFRESH_MS = 5000;

/** The 구분 filter: sales, card registrations (0원), or both. */
const CLASS_OPTIONS: SelectOption[] = [
  { value: "", label: "판매와 카드 등록" },
  { value: "sale", label: "판매만" },
  { value: "card_registration", label: "카드 등록만 (0원)" },
];

/** A label table as drop-down choices, in its own order. */
function labelOptions(labels: Record<string, string>): SelectOption[] {
  return Object.entries(labels).map(([value, label]) => ({ value, label }));
}

/** Orders per page. */
export const PAGE_SIZE = 50;

interface OrdersScreenProps {
  onOpen: (merchantUid: string) => void;
}

/** 주문 내역: newest first, filtered by state and pay method, searched by any part of the order
 * number, the buyer's name or phone, or the card's last digits. */
export function OrdersScreen({ onOpen }: OrdersScreenProps) {
  const [state, setState] = useState<OrderState | "">("");
  const [payMethod, setPayMethod] = useState<PayMethod | "">("");
  const [search, setSearch] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [orderClass, setOrderClass] = useState<OrderClass | "">("");
  const [offset, setOffset] = useState(0);
  const load = useCallback(() => {
    const query: OrderQuery = {
      state: state || null,
      payMethod: payMethod || null,
      search: search.trim() || null,
      from: from || null,
      to: to || null,
      class: orderClass || null,
      limit: PAGE_SIZE,
      offset,
    };
    return listOrders(query);
  }, [state, payMethod, search, from, to, orderClass, offset]);
  const [page, reload] = useCommand(load, REFRESH_MS);
  const planName = usePlanNames();
  const filtered =
    state !== "" || payMethod !== "" || search.trim() !== "" || from !== "" || to !== "" || orderClass !== "";

  return (
    <section className="screen" aria-labelledby="orders-title">
      <h1 id="orders-title">
        주문 내역 <span className="en">Orders</span>
      </h1>
      <div className="filters actions">
        <SelectField
          label="상태"
          labelHidden
          testId="orders-filter-state"
          value={state}
          onChange={(value) => {
            setState(value as OrderState | "");
            setOffset(0);
          }}
          options={[{ value: "", label: "모든 상태" }, ...labelOptions(STATE_LABELS)]}
        />
        <SelectField
          label="결제 수단"
          labelHidden
          testId="orders-filter-pay-method"
          value={payMethod}
          onChange={(value) => {
            setPayMethod(value as PayMethod | "");
            setOffset(0);
          }}
          options={[{ value: "", label: "모든 결제 수단" }, ...labelOptions(PAY_METHOD_LABELS)]}
        />
        <SelectField
          label="구분"
          labelHidden
          testId="orders-filter-class"
          value={orderClass}
          onChange={(value) => {
            setOrderClass(value as OrderClass | "");
            setOffset(0);
          }}
          options={CLASS_OPTIONS}
        />
        <Field
          label="시작일"
          inline
          type="date"
          testId="orders-filter-from"
          value={from}
          onChange={(value) => {
            setFrom(value);
            setOffset(0);
          }}
        />
        <Field
          label="종료일"
          inline
          type="date"
          testId="orders-filter-to"
          value={to}
          onChange={(value) => {
            setTo(value);
            setOffset(0);
          }}
        />
        <Field
          label="검색"
          labelHidden
          type="search"
          placeholder="주문번호, 구매자, 전화번호, 카드 끝 4자리"
          testId="orders-search"
          value={search}
          onChange={(value) => {
            setSearch(value);
            setOffset(0);
          }}
        />
        <Button onClick={reload}>
          새로 고침
        </Button>
      </div>
      {page.status === "loading" && <Loading what="주문을" />}
      {page.status === "error" && <ErrorNotice error={page.error} />}
      {page.status === "ok" && page.data.total === 0 && (
        <Empty testId="orders-empty" title={filtered ? "조건에 맞는 주문이 없습니다" : "아직 주문이 없습니다"}>
          {filtered ? "검색어나 상태, 결제 수단, 기간을 바꿔 보세요." : "요금제에서 이용권을 판매하면 여기에 표시됩니다."}
        </Empty>
      )}
      {page.status === "ok" && page.data.items.length > 0 && (
        <>
          <Table
            label="주문 목록"
            testId="orders-table"
            rows={page.data.items}
            rowKey={(order) => order.merchantUid}
            rowTestId={(order) => `order-row-${order.merchantUid}`}
            onRowClick={(order) => onOpen(order.merchantUid)}
            columns={[
              { header: "주문 시각 (KST)", align: "nowrap", cell: (order) => formatKstMs(order.createdAt) },
              {
                header: "상품",
                cell: (order) => (
                  <>
                    <Button
                      variant="link"
                      data-testid={`order-open-${order.merchantUid}`}
                      onClick={(event) => {
                        event.stopPropagation();
                        onOpen(order.merchantUid);
                      }}
                    >
                      {planName(order.planId)}
                    </Button>
                    {order.buyerName && <span className="muted"> · {order.buyerName}</span>}
                  </>
                ),
              },
              { header: "주문번호", align: "nowrap", cell: (order) => <ShortId id={order.merchantUid} copy={false} /> },
              { header: "결제 수단", align: "nowrap", cell: (order) => PAY_METHOD_LABELS[order.payMethod] },
              {
                header: "금액",
                align: "num",
                cell: (order) => (
                  <>
                    {order.amount === 0 ? (
                      <span className="muted" data-testid="order-card-registration">
                        0원 · 매출 아님
                      </span>
                    ) : (
                      formatWon(order.amount)
                    )}
                    {order.state === "amount_mismatch" && order.mismatchReceived !== null && (
                      <span className="muted" data-testid="order-row-mismatch">
                        <br />
                        {order.payMethod === "vbank" ? "입금" : "결제"} {formatWon(order.mismatchReceived)} · 반환{" "}
                        {formatWon(order.mismatchReturned)}
                      </span>
                    )}
                    {testChargeText(order) !== null && (
                      <span className="muted" data-testid="order-row-test-charge">
                        <br />
                        {testChargeText(order)}
                      </span>
                    )}
                    {order.refundedAmount > 0 && (
                      <span className="muted" data-testid="order-row-refunded">
                        <br />
                        환불 {formatWon(order.refundedAmount)}
                      </span>
                    )}
                  </>
                ),
              },
              {
                header: "상태",
                align: "nowrap",
                cell: (order) => (
                  <Badge tone={orderStateTone(order)} state={order.state} testId="order-state">
                    {orderStateLabel(order)}
                  </Badge>
                ),
              },
            ]}
          />
          <div className="actions pager">
            <Button
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            >
              이전
            </Button>
            <span className="muted" data-testid="orders-range">
              {offset + 1}–{offset + page.data.items.length} / 총 {page.data.total}건
            </span>
            <Button
              disabled={offset + page.data.items.length >= page.data.total}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              다음
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
