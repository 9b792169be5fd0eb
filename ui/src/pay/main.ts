// The payment window's page. It runs in a window with no access to the app's commands: it loads
// the SDK Rust named, calls IMP.request_pay with Rust's parameters, and ends by navigating to
// m_redirect_url, which Rust intercepts and verifies. No React, nothing else.
import "./pay.css";
import { readRequest, returnUrl, SDK_FAILED, type Imp, type ImpResponse } from "./request";
import { loadSdk } from "./sdkLoader";

declare global {
  interface Window {
    IMP?: Imp;
  }
}

const status = document.getElementById("pay-status");

function show(text: string) {
  if (status) status.textContent = text;
}

const request = readRequest(window.location.search);
if (!request) {
  show("결제 정보가 올바르지 않습니다. 이 창을 닫고 다시 시도해 주세요.");
} else {
  const finish = (rsp: ImpResponse) => {
    show("결제 결과를 확인하는 중입니다…");
    window.location.href = returnUrl(request, rsp);
  };
  loadSdk(document, window, request.sdkUrl, {
    loaded: () => {
      const imp = window.IMP;
      if (!imp) {
        finish({ error_code: "SDK", error_msg: SDK_FAILED });
        return;
      }
      show("결제창에서 결제를 진행해 주세요.");
      imp.init(request.merchantCode);
      imp.request_pay(request.params, finish);
    },
    failed: () => {
      show(SDK_FAILED);
      finish({ error_code: "SDK", error_msg: SDK_FAILED });
    },
    waiting: () =>
      show("인터넷 연결이 끊겨 결제창을 불러오지 못했습니다. 연결되면 자동으로 다시 불러옵니다. 주문은 그대로 열려 있습니다."),
  });
}
