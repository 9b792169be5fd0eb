/*
 * Panmusic iamport-sandbox: a stand-in for https://cdn.iamport.kr/v1/iamport.js.
 *
 * IMP.init(merchantCode) then IMP.request_pay(params, callback). The payment window is simulated
 * inside the page (a modal overlay, Korean text) where a person or a test picks:
 *   결제 승인 (data-testid="imp-approve") and 결제 거절 ("imp-decline") for card, phone and
 *   transfer; 가상계좌 발급 ("imp-vbank") and 발급 실패 ("imp-decline") for a virtual account;
 *   창 닫기 ("imp-close") always. The server refuses an answer the method cannot give.
 * The payment is created on the sandbox server through /__sdk/open and /__sdk/complete
 * (CORS-enabled, unauthenticated). Redirect flow: with `m_redirect_url` and either no callback or
 * the sandbox option `sandbox_redirect: true`, the page navigates to
 * m_redirect_url?imp_uid=..&merchant_uid=..&imp_success=..[&error_code=..&error_msg=..].
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = "__SANDBOX_BASE__";
  try {
    if (script && script.src) { base = new URL(script.src).origin; }
  } catch (e) { /* keep the injected base */ }

  var merchantCode = null;
  var windowOpen = false;

  function post(path, body) {
    return fetch(base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json();
    });
  }

  function errorResponse(params, imp_uid, code, msg) {
    return {
      imp_uid: imp_uid || null,
      merchant_uid: params && params.merchant_uid ? String(params.merchant_uid) : null,
      error_code: code,
      error_msg: msg,
      status: imp_uid ? "failed" : null
    };
  }

  function finish(params, callback, rsp) {
    var redirect = params && params.m_redirect_url &&
      (params.sandbox_redirect === true || typeof callback !== "function");
    if (redirect) {
      var url = new URL(String(params.m_redirect_url), window.location.href);
      url.searchParams.set("imp_uid", rsp.imp_uid || "");
      url.searchParams.set("merchant_uid", rsp.merchant_uid || "");
      url.searchParams.set("imp_success", rsp.error_code ? "false" : "true");
      if (rsp.error_code) {
        url.searchParams.set("error_code", rsp.error_code);
        url.searchParams.set("error_msg", rsp.error_msg || "");
      }
      window.location.href = url.toString();
      return;
    }
    if (typeof callback === "function") {
      try { callback(rsp); } catch (e) { setTimeout(function () { throw e; }, 0); }
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function won(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "원";
  }

  function openWindow(params, opened, callback) {
    var overlay = el("div", {
      "data-testid": "imp-overlay",
      style: "position:fixed;inset:0;background:rgba(0,0,0,.55);z-index:2147483647;" +
        "display:flex;align-items:center;justify-content:center;font-family:sans-serif"
    });
    var box = el("div", {
      "data-testid": "imp-window", role: "dialog", "aria-modal": "true",
      style: "background:#fff;border-radius:12px;padding:24px;min-width:320px;max-width:420px;" +
        "box-shadow:0 10px 40px rgba(0,0,0,.3);color:#111"
    });
    var billing = !!params.customer_uid;
    box.appendChild(el("div", { style: "font-size:12px;color:#c00;font-weight:bold" }, "SANDBOX · 테스트 결제창"));
    box.appendChild(el("h2", { style: "margin:8px 0 16px;font-size:20px" },
      billing ? "정기결제 카드 등록" : "결제하기"));
    box.appendChild(el("div", { "data-testid": "imp-name" }, "주문명: " + (opened.name || "")));
    box.appendChild(el("div", { "data-testid": "imp-amount", style: "font-size:18px;font-weight:bold;margin:6px 0" },
      "결제금액: " + won(opened.amount)));
    box.appendChild(el("div", { style: "font-size:12px;color:#555;margin-bottom:16px" },
      "주문번호: " + opened.merchant_uid + " · " + opened.imp_uid));
    var row = el("div", { style: "display:flex;flex-wrap:wrap;gap:8px" });
    // Only what the chosen method can do: a virtual account is issued (and paid later by a
    // deposit), every other method is approved or declined in the window.
    var vbank = !billing && opened.pay_method === "vbank";
    var buttons = vbank
      ? [["imp-vbank", "vbank", "가상계좌 발급", "#188038"], ["imp-decline", "decline", "발급 실패", "#d93025"]]
      : [["imp-approve", "approve", "결제 승인", "#1a73e8"], ["imp-decline", "decline", "결제 거절", "#d93025"]];
    buttons.push(["imp-close", "close", "창 닫기", "#5f6368"]);
    var nodes = [];
    buttons.forEach(function (b) {
      var btn = el("button", {
        type: "button", "data-testid": b[0],
        style: "flex:1;padding:10px 12px;border:0;border-radius:8px;color:#fff;cursor:pointer;background:" + b[3]
      }, b[2]);
      btn.addEventListener("click", function () {
        nodes.forEach(function (n) { n.disabled = true; });
        post("/__sdk/complete", { imp_uid: opened.imp_uid, action: b[1] }).then(function (env) {
          overlay.remove();
          windowOpen = false;
          if (env.code !== 0) {
            finish(params, callback, errorResponse(params, opened.imp_uid, "F500", env.message));
          } else {
            finish(params, callback, env.response);
          }
        }, function (err) {
          overlay.remove();
          windowOpen = false;
          finish(params, callback, errorResponse(params, opened.imp_uid, "F503", "sandbox unreachable: " + err));
        });
      });
      nodes.push(btn);
      row.appendChild(btn);
    });
    box.appendChild(row);
    overlay.appendChild(box);
    document.body.appendChild(overlay);
    // A modal window for the keyboard too: focus starts on the first answer, Tab stays inside,
    // Esc answers 창 닫기.
    var onKey = function (e) {
      if (!overlay.isConnected) { document.removeEventListener("keydown", onKey, true); return; }
      if (e.key === "Escape") {
        e.preventDefault();
        var close = nodes[nodes.length - 1];
        if (!close.disabled) { close.click(); }
      } else if (e.key === "Tab") {
        var first = nodes[0], last = nodes[nodes.length - 1];
        if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
        else if (!box.contains(document.activeElement)) { e.preventDefault(); first.focus(); }
      }
    };
    document.addEventListener("keydown", onKey, true);
    nodes[0].focus();
  }

  var IMP = {
    version: "sandbox-1",
    init: function (code) { merchantCode = String(code); },
    agency: function (code) { merchantCode = String(code); },
    request_pay: function (params, callback) {
      params = params || {};
      if (merchantCode === null) {
        finish(params, callback, errorResponse(params, null, "F400", "IMP.init()이 호출되지 않았습니다."));
        return;
      }
      if (windowOpen) {
        finish(params, callback, errorResponse(params, null, "F400", "이미 결제창이 열려 있습니다."));
        return;
      }
      windowOpen = true;
      post("/__sdk/open", { merchant_code: merchantCode, params: params, user_agent: navigator.userAgent })
        .then(function (env) {
          if (env.code !== 0) {
            windowOpen = false;
            finish(params, callback, errorResponse(params, null, "F400", env.message));
            return;
          }
          openWindow(params, env.response, callback);
        }, function (err) {
          windowOpen = false;
          finish(params, callback, errorResponse(params, null, "F503", "sandbox unreachable: " + err));
        });
    }
  };
  window.IMP = IMP;
})();
