import { describe, expect, it } from "vitest";
import { isEmail, isKoreanTel } from "./contact";

describe("isKoreanTel", () => {
  it.each([
    "010-1234-5678",
    "01012345678",
    "+82 10 1234 5678",
    "011-123-4567",
    "02-123-4567",
    "031-123-4567",
    "064-1234-5678",
    "070-1234-5678",
    "0505-123-4567",
    "1588-1234",
  ])("accepts %s, as Rust does", (tel) => {
    expect(isKoreanTel(tel)).toBe(true);
  });

  it.each(["", "1234", "010-CALL-NOW", "010-123-456", "12345678", "030-123-4567", "+1 415 555 0100", "+82 010 1234 5678", "010--1234-5678"])(
    "refuses %s",
    (tel) => {
      expect(isKoreanTel(tel)).toBe(false);
    },
  );
});

describe("isEmail", () => {
  it("needs a user, a domain and a dot", () => {
    expect(isEmail("owner@example.com")).toBe(true);
    expect(isEmail("owner@localhost")).toBe(false);
    expect(isEmail("a b@example.com")).toBe(false);
  });
});
