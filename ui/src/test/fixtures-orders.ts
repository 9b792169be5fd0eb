import type { CheckoutTicket } from "../bindings/CheckoutTicket";
import type { Order } from "../bindings/Order";
import type { OrderDetail } from "../bindings/OrderDetail";

export function order(overrides: Partial<Order> = {}): Order {
  return {
    merchantUid: "order_20261127_0001",
    kind: "one_time",
    planId: "pass_1m",
    amount: 9900,
    currency: "KRW",
    buyerName: null,
    buyerTel: null,
    buyerEmail: null,
    state: "awaiting_payment",
    impUid: null,
    payMethod: "card",
    vbankBank: null,
    vbankNum: null,
    vbankHolder: null,
    vbankDue: null,
    failReason: null,
    refundedAmount: 0,
    customerUid: null,
    createdAt: Date.UTC(2026, 10, 27, 3, 0),
    updatedAt: Date.UTC(2026, 10, 27, 3, 0),
    paidAt: null,
    nextCheckAt: null,
    version: 1,
    mismatchReceived: null,
    mismatchReturned: 0,
    ...overrides,
  };
}

export function ticket(overrides: Partial<CheckoutTicket> = {}): CheckoutTicket {
  return {
    merchantUid: "order_20261127_0001",
    amount: 9900,
    currency: "KRW",
    name: "1개월 이용권",
    payMethod: "card",
    pg: null,
    channelKey: null,
    buyerName: null,
    buyerTel: null,
    buyerEmail: null,
    digital: false,
    vbankDue: null,
    mRedirectUrl: "https://panmusic-pos.localhost/payment/complete",
    sdkUrl: "http://127.0.0.1:40000/sdk/iamport.js",
    merchantCode: "imp00000000",
    prepare: { status: "registered" },
    ...overrides,
  };
}

export function detail(o: Order, overrides: Partial<OrderDetail> = {}): OrderDetail {
  return { order: o, events: [], receiptUrl: null, pendingRefund: null, card: null, cashReceipt: null, ...overrides };
}
