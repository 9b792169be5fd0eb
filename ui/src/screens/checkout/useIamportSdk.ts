import { useCallback, useEffect, useRef, useState } from "react";
import type { CheckoutTicket } from "../../bindings/CheckoutTicket";
import { loadSdk, requestPayParams, type Imp, type ImpResponse } from "./sdk";

export type SdkState = "loading" | "ready" | "failed";

/**
 * Loads the SDK when the calling screen mounts and removes it on unmount. `pay` calls `IMP.init`
 * once per merchant code, then `IMP.request_pay` with the ticket (or, with `request`, any parameters
 * Rust decided), and resolves with the callback's response.
 */
export function useIamportSdk(sdkUrl: string): {
  state: SdkState;
  pay: (ticket: CheckoutTicket) => Promise<ImpResponse>;
  request: (merchantCode: string, params: Record<string, unknown>) => Promise<ImpResponse>;
} {
  // The outcome of loading one URL; a new URL is "loading" until its own outcome arrives.
  const [outcome, setOutcome] = useState<{ url: string; state: SdkState } | null>(null);
  const imp = useRef<Imp | null>(null);
  const initialised = useRef<string | null>(null);

  useEffect(() => {
    if (!sdkUrl) return;
    let live = true;
    const sdk = loadSdk(sdkUrl);
    sdk.ready.then(
      (loaded) => {
        if (!live) return;
        imp.current = loaded;
        setOutcome({ url: sdkUrl, state: "ready" });
      },
      (reason: unknown) => {
        console.warn("Iamport SDK failed to load", reason);
        if (live) setOutcome({ url: sdkUrl, state: "failed" });
      },
    );
    return () => {
      live = false;
      imp.current = null;
      initialised.current = null;
      sdk.remove();
    };
  }, [sdkUrl]);

  const request = useCallback((merchantCode: string, params: Record<string, unknown>) => {
    const sdk = imp.current;
    if (!sdk) return Promise.reject(new Error("SDK not loaded"));
    if (initialised.current !== merchantCode) {
      sdk.init(merchantCode);
      initialised.current = merchantCode;
    }
    return new Promise<ImpResponse>((resolve) => {
      sdk.request_pay(params, resolve);
    });
  }, []);
  const pay = useCallback(
    (ticket: CheckoutTicket) => request(ticket.merchantCode, requestPayParams(ticket)),
    [request],
  );

  const state: SdkState = !sdkUrl ? "failed" : outcome?.url === sdkUrl ? outcome.state : "loading";
  return { state, pay, request };
}
