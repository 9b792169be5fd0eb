import { afterEach, describe, expect, it, vi } from "vitest";
import { loadSdk } from "./sdkLoader";

const URL_ = "https://cdn.iamport.kr/v1/iamport.js";

function sdkScripts(): HTMLScriptElement[] {
  return Array.from(document.head.querySelectorAll<HTMLScriptElement>(`script[src="${URL_}"]`));
}

function setOnline(online: boolean) {
  vi.spyOn(window.navigator, "onLine", "get").mockReturnValue(online);
}

afterEach(() => {
  document.head.innerHTML = "";
});

describe("loading the SDK in the payment page", () => {
  it("offline, waits instead of failing and loads the SDK again when the network returns", () => {
    setOnline(false);
    const events = { loaded: vi.fn(), failed: vi.fn(), waiting: vi.fn() };
    loadSdk(document, window, URL_, events);
    sdkScripts()[0]?.dispatchEvent(new Event("error"));
    expect(events.waiting).toHaveBeenCalledOnce();
    expect(events.failed, "offline is not the end of the window").not.toHaveBeenCalled();
    expect(sdkScripts(), "the failed script is gone").toHaveLength(0);

    setOnline(true);
    window.dispatchEvent(new Event("online"));
    const again = sdkScripts();
    expect(again, "loaded again once online").toHaveLength(1);
    again[0]?.dispatchEvent(new Event("load"));
    expect(events.loaded).toHaveBeenCalledOnce();
  });

  it("online, a failed load ends the window with the SDK error", () => {
    setOnline(true);
    const events = { loaded: vi.fn(), failed: vi.fn(), waiting: vi.fn() };
    loadSdk(document, window, URL_, events);
    sdkScripts()[0]?.dispatchEvent(new Event("error"));
    expect(events.failed).toHaveBeenCalledOnce();
    expect(events.waiting).not.toHaveBeenCalled();
  });
});
