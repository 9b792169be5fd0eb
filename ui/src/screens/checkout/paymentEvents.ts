// How the main window learns how a payment window ended. Rust opens the window, intercepts its
// return, verifies at Iamport, and emits one of these events to the main window; the payment
// window itself can reach nothing here.
import { listen } from "@tauri-apps/api/event";

/** A one-time payment's window ended (`PAYMENT_RESULT_EVENT` in Rust; payload `PaymentReturn`). */
export const PAYMENT_RESULT_EVENT = "payment-result";
/** A billing-key window ended (`BILLING_RESULT_EVENT` in Rust; payload `BillingReturn`). */
export const BILLING_RESULT_EVENT = "billing-result";

let waitingScreens = 0;

/** Whether a screen is waiting for a window's result (the app then leaves the result to it). */
export function aScreenIsWaiting(): boolean {
  return waitingScreens > 0;
}

/** A screen's subscription to one event; results that arrive early are kept until asked for. */
export interface ResultWaiter<T> {
  /** The first result (kept or coming) that `match` accepts. */
  next(match: (result: T) => boolean): Promise<T>;
  /** Stops listening (the screen went away). */
  stop(): void;
}

/** Starts listening for `event`; call it before the window opens so no result is missed. */
export async function waitForResults<T>(event: string): Promise<ResultWaiter<T>> {
  const kept: T[] = [];
  let pending: { match: (result: T) => boolean; resolve: (result: T) => void } | null = null;
  const unlisten = await listen<T>(event, ({ payload }) => {
    if (pending?.match(payload)) {
      const { resolve } = pending;
      pending = null;
      resolve(payload);
    } else {
      kept.push(payload);
    }
  });
  waitingScreens += 1;
  let stopped = false;
  return {
    next(match) {
      const index = kept.findIndex(match);
      if (index >= 0) return Promise.resolve(kept.splice(index, 1)[0] as T);
      return new Promise<T>((resolve) => {
        pending = { match, resolve };
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      waitingScreens -= 1;
      unlisten();
    },
  };
}
