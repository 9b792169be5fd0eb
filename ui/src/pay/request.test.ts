import { describe, expect, it } from "vitest";
import { readRequest, returnUrl, type PayRequest } from "./request";

const RETURN = "https://panmusic-pos.localhost/payment/complete";

function request(): PayRequest {
  return {
    sdkUrl: "http://127.0.0.1:40000/sdk/iamport.js",
    merchantCode: "imp00000000",
    params: { merchant_uid: "order_1", m_redirect_url: RETURN, amount: 9900, name: "1개월 이용권" },
  };
}

function search(value: unknown): string {
  return "?" + new URLSearchParams({ request: JSON.stringify(value) }).toString();
}

describe("the payment page's request", () => {
  it("reads what Rust put in the query", () => {
    expect(readRequest(search(request()))).toEqual(request());
  });

  it("refuses a missing, broken or incomplete request", () => {
    expect(readRequest(""), "no query").toBeNull();
    expect(readRequest("?request=%7Bnot-json"), "not JSON").toBeNull();
    expect(readRequest(search({ ...request(), sdkUrl: "" })), "no SDK").toBeNull();
    const params: Record<string, unknown> = { ...request().params };
    delete params.m_redirect_url;
    expect(readRequest(search({ ...request(), params })), "no return URL").toBeNull();
  });
});

describe("the return URL", () => {
  it("carries the window's order and the payment id, whatever order the callback names", () => {
    const url = new URL(returnUrl(request(), { success: true, imp_uid: "imp_1", merchant_uid: "order_other" }));
    expect(url.origin + url.pathname).toBe(RETURN);
    expect(url.searchParams.get("merchant_uid")).toBe("order_1");
    expect(url.searchParams.get("imp_uid")).toBe("imp_1");
    expect(url.searchParams.get("imp_success")).toBe("true");
  });

  it("passes a failure's code and message on for display", () => {
    const url = new URL(returnUrl(request(), { imp_uid: "imp_1", error_code: "F1002", error_msg: "사용자가 결제를 취소하셨습니다" }));
    expect(url.searchParams.get("imp_success")).toBe("false");
    expect(url.searchParams.get("error_code")).toBe("F1002");
    expect(url.searchParams.get("error_msg")).toBe("사용자가 결제를 취소하셨습니다");
  });

  it("ends a window without a payment id as a failure with an empty id", () => {
    const url = new URL(returnUrl(request(), { error_msg: "SDK" }));
    expect(url.searchParams.get("imp_uid")).toBe("");
    expect(url.searchParams.get("imp_success")).toBe("false");
  });
});
