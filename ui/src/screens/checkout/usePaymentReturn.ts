import { useEffect, useRef } from "react";
import { listen } from "@tauri-apps/api/event";
import type { PaymentReturn } from "../../bindings/PaymentReturn";

/** The event Rust emits after it caught and verified a redirect-style payment (`PAYMENT_RESULT_EVENT`). */
export const PAYMENT_RESULT_EVENT = "payment-result";

/** Calls `onResult` whenever Rust reports a redirect-style payment's verified result. */
export function usePaymentReturn(onResult: (result: PaymentReturn) => void) {
  const handler = useRef(onResult);
  useEffect(() => {
    handler.current = onResult;
  }, [onResult]);

  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let live = true;
    (async () => {
      try {
        const stop = await listen<PaymentReturn>(PAYMENT_RESULT_EVENT, (event) => handler.current(event.payload));
        if (live) unlisten = stop;
        else stop();
      } catch (reason) {
        console.warn("cannot listen for payment results", reason);
      }
    })();
    return () => {
      live = false;
      unlisten?.();
    };
  }, []);
}
