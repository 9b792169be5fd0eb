import { useEffect, useRef } from "react";
import { listen } from "@tauri-apps/api/event";
import type { PaymentReturn } from "../../bindings/PaymentReturn";
import { aScreenIsWaiting, PAYMENT_RESULT_EVENT } from "./paymentEvents";

/**
 * Calls `onResult` for a payment window's result that no screen is waiting for (the owner left
 * the checkout screen while the window was open), so the result is still shown.
 */
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
        const stop = await listen<PaymentReturn>(PAYMENT_RESULT_EVENT, (event) => {
          if (!aScreenIsWaiting()) handler.current(event.payload);
        });
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
