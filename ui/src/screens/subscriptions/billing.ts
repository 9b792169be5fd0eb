import type { BillingWindow } from "../../bindings/BillingWindow";

/** `IMP.request_pay`'s parameters for a billing-key window, every one of them from Rust. */
export function billingParams(window: BillingWindow): Record<string, unknown> {
  const params: Record<string, unknown> = {
    pay_method: "card",
    merchant_uid: window.merchantUid,
    customer_uid: window.customerUid,
    name: window.name,
    amount: window.amount,
  };
  if (window.pg) params.pg = window.pg;
  return params;
}
