// The screens of the shell. Later screens (checkout, payment result, order detail) add a variant
// to `Route` and a case in App's `renderScreen`; Rust can also route the UI (after it intercepts a
// payment redirect) by emitting an event that App turns into one of these.

import type { PaymentReturn } from "./bindings/PaymentReturn";
import type { Plan } from "./bindings/Plan";

/** The screens reachable from the navigation bar. */
export type NavName = "plans" | "subscriptions" | "orders" | "settlement" | "settings";

export type Route =
  | { name: NavName }
  | { name: "checkout"; plan: Plan }
  | { name: "order"; merchantUid: string }
  | { name: "payment-result"; result: PaymentReturn };

/** The navigation item a route belongs to (highlighted in the nav bar). */
export function navOf(route: Route): NavName {
  switch (route.name) {
    case "checkout":
      return "plans";
    case "order":
    case "payment-result":
      return "orders";
    default:
      return route.name;
  }
}

export const NAV_ITEMS: readonly { name: NavName; labelKo: string; labelEn: string }[] = [
  { name: "plans", labelKo: "요금제", labelEn: "Plans" },
  { name: "subscriptions", labelKo: "구독", labelEn: "Subscriptions" },
  { name: "orders", labelKo: "주문 내역", labelEn: "Orders" },
  { name: "settlement", labelKo: "정산", labelEn: "Settlement" },
  { name: "settings", labelKo: "설정", labelEn: "Settings" },
];

/** What the main window gets from Rust when it is built again after closing to the tray. */
declare global {
  interface Window {
    /** The URL fragment the previous main window showed (see `routeFromFragment`). */
    __PANMUSIC_SCREEN__?: string;
  }
}

const NAV_NAMES: readonly string[] = NAV_ITEMS.map((item) => item.name);

/**
 * The route as the main window's URL fragment. Rust reads it as the window closes to the tray and
 * hands it to the next window, which opens on the same screen. A payment result comes back as
 * its order's page, and a checkout as the plan list (no price ever rides in the URL).
 */
export function routeToFragment(route: Route): string {
  const kept =
    route.name === "payment-result"
      ? { name: "order", merchantUid: route.result.merchantUid }
      : route.name === "checkout"
        ? { name: "plans" }
        : route;
  return encodeURIComponent(JSON.stringify(kept));
}

/**
 * Writes the screen into the URL's fragment (no navigation): a route, or the order a checkout
 * ended on (its result then comes back as that order's page).
 */
export function keepScreenInUrl(screen: Route | string): void {
  const route: Route = typeof screen === "string" ? { name: "order", merchantUid: screen } : screen;
  window.history.replaceState(window.history.state, "", `#${routeToFragment(route)}`);
}

/** The route a fragment names; anything else (none, malformed, unknown) is the plan list. */
export function routeFromFragment(fragment: string | undefined | null): Route {
  const start: Route = { name: "plans" };
  if (!fragment) return start;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(fragment.replace(/^#/, "")));
  } catch {
    return start;
  }
  if (typeof parsed !== "object" || parsed === null) return start;
  const { name, merchantUid } = parsed as { name?: unknown; merchantUid?: unknown };
  if (typeof name === "string" && NAV_NAMES.includes(name)) return { name: name as NavName };
  if (name === "order" && typeof merchantUid === "string" && merchantUid !== "") {
    return { name: "order", merchantUid };
  }
  return start;
}
