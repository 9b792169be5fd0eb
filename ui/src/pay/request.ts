// The payment page's whole logic, kept free of the DOM so it is tested on its own: read what Rust
// put in the query, and turn the SDK's callback into the app-local return URL. The page never
// decides anything about the payment; Rust verifies whatever comes back at Iamport.

/** What Rust puts in `pay.html?request=…` (`PayRequest` in src-tauri/src/paywindow/request.rs). */
export interface PayRequest {
  sdkUrl: string;
  merchantCode: string;
  params: Record<string, unknown> & { merchant_uid: string; m_redirect_url: string };
}

/** What the SDK hands its callback; only the ids travel on, the rest is shown at most. */
export interface ImpResponse {
  success?: boolean | null;
  imp_uid?: string | null;
  merchant_uid?: string | null;
  error_code?: string | null;
  error_msg?: string | null;
}

/** The part of the SDK the page uses. */
export interface Imp {
  init(merchantCode: string): void;
  request_pay(params: Record<string, unknown>, callback: (rsp: ImpResponse) => void): void;
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** The request carried by `search` (`location.search`), or null when it is missing or malformed. */
export function readRequest(search: string): PayRequest | null {
  const raw = new URLSearchParams(search).get("request");
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { sdkUrl, merchantCode, params } = parsed as Record<string, unknown>;
  if (!isString(sdkUrl) || !isString(merchantCode) || typeof params !== "object" || params === null) return null;
  const p = params as Record<string, unknown>;
  if (!isString(p.merchant_uid) || !isString(p.m_redirect_url)) return null;
  return { sdkUrl, merchantCode, params: p as PayRequest["params"] };
}

/**
 * Where the page goes when the window is done: `m_redirect_url` with the ids, as a PG's own
 * redirect would carry them, so Rust receives every result the same way. `imp_success` is passed
 * along for completeness; Rust never reads it.
 */
export function returnUrl(request: PayRequest, rsp: ImpResponse): string {
  const url = new URL(request.params.m_redirect_url);
  const failed = rsp.success === false || isString(rsp.error_code) || !isString(rsp.imp_uid);
  url.searchParams.set("merchant_uid", request.params.merchant_uid);
  url.searchParams.set("imp_uid", rsp.imp_uid ?? "");
  url.searchParams.set("imp_success", failed ? "false" : "true");
  if (rsp.error_code) url.searchParams.set("error_code", rsp.error_code);
  if (rsp.error_msg) url.searchParams.set("error_msg", rsp.error_msg);
  return url.toString();
}

/** The SDK could not be loaded: the window ends with no payment and says why. */
export const SDK_FAILED = "결제창(아임포트 SDK)을 불러오지 못했습니다. 인터넷 연결을 확인해 주세요.";
