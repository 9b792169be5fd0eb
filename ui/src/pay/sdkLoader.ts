// Loading the Iamport SDK into the payment page. Offline, a failed load is not the end: the page
// says it waits for the network and loads the SDK again when the system reports it back.

/** What the loader tells the page. */
export interface SdkLoadEvents {
  /** The script ran (the page checks `window.IMP`). */
  loaded: () => void;
  /** The script failed with the network up: the window ends with the SDK error. */
  failed: () => void;
  /** The script failed while offline: the page says it waits, and tries again when online. */
  waiting: () => void;
}

/** Adds the SDK's script to `doc`; on a failure while `win` is offline, retries once it is online. */
export function loadSdk(doc: Document, win: Window, url: string, events: SdkLoadEvents): void {
  const script = doc.createElement("script");
  script.src = url;
  script.async = true;
  script.onload = () => events.loaded();
  script.onerror = () => {
    script.remove();
    if (win.navigator.onLine) {
      events.failed();
      return;
    }
    events.waiting();
    win.addEventListener("online", () => loadSdk(doc, win, url, events), { once: true });
  };
  doc.head.appendChild(script);
}
