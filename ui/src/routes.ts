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
