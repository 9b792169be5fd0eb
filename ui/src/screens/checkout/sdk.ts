// The Iamport browser SDK (`window.IMP`): loaded lazily by the checkout screen from the URL Rust
// names (the CDN in live mode, the sandbox in sandbox mode) and removed when the screen goes away.
import type { CheckoutTicket } from "../../bindings/CheckoutTicket";

/** What the payment window hands back. Only `imp_uid` is passed on to Rust; the rest is for display. */
export interface ImpResponse {
  imp_uid?: string | null;
  merchant_uid?: string | null;
  error_code?: string | null;
  error_msg?: string | null;
}

/** The part of the SDK the app uses. */
export interface Imp {
  init(merchantCode: string): void;
  request_pay(params: Record<string, unknown>, callback: (rsp: ImpResponse) => void): void;
}

declare global {
  interface Window {
    IMP?: Imp;
  }
}

/** Marks the script element the checkout screen added. */
export const SDK_SCRIPT_ATTR = "data-panmusic-iamport-sdk";

/**
 * Adds the SDK `<script>` and resolves with `window.IMP` once it has run. Returns the promise and
 * a `remove` that takes the script out of the page again.
 */
export function loadSdk(url: string): { ready: Promise<Imp>; remove: () => void } {
  const script = document.createElement("script");
  script.src = url;
  script.async = true;
  script.setAttribute(SDK_SCRIPT_ATTR, "");
  const ready = new Promise<Imp>((resolve, reject) => {
    script.onload = () => {
      if (window.IMP) resolve(window.IMP);
      else reject(new Error("the SDK loaded without defining IMP"));
    };
    script.onerror = () => reject(new Error(`the SDK did not load from ${url}`));
  });
  document.head.appendChild(script);
  return { ready, remove: () => script.remove() };
}

/** `IMP.request_pay`'s parameters, every one of them from the ticket Rust made. */
export function requestPayParams(ticket: CheckoutTicket): Record<string, unknown> {
  const params: Record<string, unknown> = {
    pay_method: ticket.payMethod,
    merchant_uid: ticket.merchantUid,
    name: ticket.name,
    amount: ticket.amount,
    currency: ticket.currency,
    m_redirect_url: ticket.mRedirectUrl,
  };
  if (ticket.pg) params.pg = ticket.pg;
  if (ticket.channelKey) params.channelKey = ticket.channelKey;
  if (ticket.buyerName) params.buyer_name = ticket.buyerName;
  if (ticket.buyerTel) params.buyer_tel = ticket.buyerTel;
  if (ticket.buyerEmail) params.buyer_email = ticket.buyerEmail;
  if (ticket.digital) params.digital = true;
  if (ticket.vbankDue) params.vbank_due = ticket.vbankDue;
  return params;
}
