import { describe, expect, it } from "vitest";
import { formatKst, formatPlanPrice, formatWon } from "./format";

describe("formatWon", () => {
  it("groups thousands and appends 원", () => {
    expect(formatWon(9900)).toBe("9,900원");
    expect(formatWon(27000)).toBe("27,000원");
    expect(formatWon(0)).toBe("0원");
    expect(formatWon(1234567)).toBe("1,234,567원");
  });
});

describe("formatPlanPrice", () => {
  it("shows a pass at its plain price", () => {
    expect(formatPlanPrice({ kind: "pass", price: 27000, months: 3 })).toBe("27,000원");
  });
  it("shows a monthly subscription per month", () => {
    expect(formatPlanPrice({ kind: "subscription", price: 9900, months: 1 })).toBe("9,900원/월");
  });
  it("shows a longer subscription period explicitly", () => {
    expect(formatPlanPrice({ kind: "subscription", price: 27000, months: 3 })).toBe("27,000원/3개월");
  });
});

describe("formatKst", () => {
  it("shows a UTC instant in Korea time", () => {
    // 09:57 UTC is 18:57 in Seoul (UTC+9, no daylight saving).
    expect(formatKst("2026-11-27T09:57:00Z")).toMatch(/2026\. 11\. 27\. 18:57 KST/);
  });
  it("crosses the date line correctly", () => {
    expect(formatKst("2026-11-27T20:00:00Z")).toMatch(/2026\. 11\. 28\. 05:00 KST/);
  });
  it("returns unparseable input unchanged", () => {
    expect(formatKst("not a date")).toBe("not a date");
  });
});
