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
import { formatKstMs, orderStateLabel, orderStateTone, PAY_METHOD_LABELS, STATE_LABELS } from "./labels";
import { Button } from "../../components/Button";

/** How often the screen re-reads the order book (the sync engine changes it in the background). */
const REFRESH_MS = 5000;

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
        <select
          aria-label="상태"
          data-testid="orders-filter-state"
          value={state}
          onChange={(e) => {
            setState(e.target.value as OrderState | "");
            setOffset(0);
          }}
        >
          <option value="">모든 상태</option>
          {Object.entries(STATE_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select
          aria-label="결제 수단"
          data-testid="orders-filter-pay-method"
          value={payMethod}
          onChange={(e) => {
            setPayMethod(e.target.value as PayMethod | "");
            setOffset(0);
          }}
        >
          <option value="">모든 결제 수단</option>
          {Object.entries(PAY_METHOD_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select
          aria-label="구분"
          data-testid="orders-filter-class"
          value={orderClass}
          onChange={(e) => {
            setOrderClass(e.target.value as OrderClass | "");
            setOffset(0);
          }}
        >
          <option value="">판매와 카드 등록</option>
          <option value="sale">판매만</option>
          <option value="card_registration">카드 등록만 (0원)</option>
        </select>
        <label className="date-filter">
          <span>시작일</span>
          <input
            type="date"
            data-testid="orders-filter-from"
            value={from}
            onChange={(e) => {
              setFrom(e.target.value);
              setOffset(0);
            }}
          />
        </label>
        <label className="date-filter">
          <span>종료일</span>
          <input
            type="date"
            data-testid="orders-filter-to"
            value={to}
            onChange={(e) => {
              setTo(e.target.value);
              setOffset(0);
            }}
          />
        </label>
        <input
          type="search"
          aria-label="검색"
          placeholder="주문번호, 구매자, 전화번호, 카드 끝 4자리"
          data-testid="orders-search"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
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
