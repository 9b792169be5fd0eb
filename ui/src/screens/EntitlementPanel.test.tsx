import { render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import type { Entitlement } from "../bindings/Entitlement";
import { fakeBackend, invokeMock } from "../test/fakeBackend";
import { PLANS } from "../test/fixtures";
import { EntitlementPanel } from "./EntitlementPanel";

beforeEach(() => {
  invokeMock.mockReset();
});

// 2027-01-29 00:00 KST is 2027-01-28T15:00Z.
const ACTIVE: Entitlement = {
  activeUntil: "2027-01-28T15:00:00Z",
  current: [
    {
      start: "2026-10-28T15:00:00Z",
      end: "2027-01-28T15:00:00Z",
      source: "order_01",
      kind: "pass",
      planId: "pass_3m",
      partiallyRefunded: false,
    },
  ],
  endsSoon: false,
  periods: [],
  now: "2026-11-30T00:00:00Z",
};

describe("EntitlementPanel", () => {
  it("says until when the music plays, in KST, and what grants it", async () => {
    fakeBackend({ get_entitlement: () => ACTIVE });
    render(<EntitlementPanel plans={PLANS} />);
    expect(await screen.findByTestId("entitlement-state")).toHaveTextContent("이용 중 · 2027. 1. 29. 까지");
    expect(screen.getByTestId("entitlement-grants")).toHaveTextContent("3개월 이용권");
    expect(screen.queryByTestId("entitlement-warning")).toBeNull();
  });

  it("says 이용권 없음 when nothing grants music", async () => {
    fakeBackend({});
    render(<EntitlementPanel plans={PLANS} />);
    expect(await screen.findByTestId("entitlement-state")).toHaveTextContent("이용권 없음");
  });

  it("warns when the end is near and says a partial refund keeps the period", async () => {
    const current = ACTIVE.current.map((p) => ({ ...p, partiallyRefunded: true }));
    fakeBackend({ get_entitlement: () => ({ ...ACTIVE, current, endsSoon: true }) });
    render(<EntitlementPanel plans={PLANS} />);
    expect(await screen.findByTestId("entitlement-warning")).toHaveTextContent("2027. 1. 29.에 끝납니다");
    expect(screen.getByTestId("entitlement")).toHaveTextContent("부분 환불은 이용 기간을 줄이지 않습니다");
  });
});
