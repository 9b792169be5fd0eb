import { describe, expect, it } from "vitest";
import type { PaymentReturn } from "./bindings/PaymentReturn";
import { routeFromFragment, routeToFragment, type Route } from "./routes";

const back = (route: Route) => routeFromFragment(routeToFragment(route));

describe("the screen kept in the URL fragment (a window rebuilt from the tray opens on it)", () => {
  it("brings back a navigation screen", () => {
    for (const name of ["plans", "subscriptions", "orders", "settlement", "settings"] as const) {
      expect(back({ name }), name).toEqual({ name });
    }
  });

  it("brings back an order's page", () => {
    expect(back({ name: "order", merchantUid: "pm_123" })).toEqual({
      name: "order",
      merchantUid: "pm_123",
    });
  });

  it("brings back a payment result as its order's page", () => {
    const result = {
      merchantUid: "pm_9",
      verified: null,
      problem: null,
      code: null,
      windowMessage: null,
    } satisfies PaymentReturn;
    expect(back({ name: "payment-result", result })).toEqual({
      name: "order",
      merchantUid: "pm_9",
    });
  });

  it("never carries a plan's price: a checkout comes back as the plan list", () => {
    const fragment = routeToFragment({
      name: "checkout",
      plan: { id: "pass_1m", kind: "pass", nameKo: "1개월", nameEn: "1 month", price: 9900, months: 1 },
    });
    expect(decodeURIComponent(fragment)).not.toContain("9900");
    expect(routeFromFragment(fragment)).toEqual({ name: "plans" });
  });

  it("starts on the plan list without a fragment or with a malformed or unknown one", () => {
    for (const fragment of [undefined, "", "#", "%7Bnot json", '{"name":"admin"}', '{"name":"order"}', "null", "42"]) {
      expect(routeFromFragment(fragment), String(fragment)).toEqual({ name: "plans" });
    }
  });

  it("reads the fragment with or without its #", () => {
    expect(routeFromFragment(`#${routeToFragment({ name: "orders" })}`)).toEqual({ name: "orders" });
  });
});
