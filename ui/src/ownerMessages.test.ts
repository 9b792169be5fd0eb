// Every error message Rust can send the owner, read from the Rust sources, as the owner reads it
// (through ownerText): no English in parentheses and no state code left. A new message with a
// gloss ownerText cannot drop, or a state code it cannot name, fails here.
/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { ownerText } from "./ownerText";

/** The Rust sources whose errors reach the webview (the domain crate, the REST client, the shell). */
const SOURCES = {
  ...import.meta.glob<string>("../../crates/pos-core/src/**/*.rs", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob<string>("../../crates/iamport/src/**/*.rs", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob<string>("../../src-tauri/src/**/*.rs", { query: "?raw", import: "default", eager: true }),
};

/** posctl's own errors are printed in a terminal, never shown in the app. */
const NOT_IN_THE_APP = /\/bin\/posctl\//;

/** Every state code the order book and the subscriptions use. */
const STATE_CODES = /\b(created|awaiting_payment|vbank_issued|paid|failed|abandoned|partially_refunded|refunded|amount_mismatch|incomplete|active|past_due|unpaid|cancelled)\b/;

/** English words in parentheses with no Korean: a gloss for logs. */
const ENGLISH_IN_PARENTHESES = /\((?=[^()]*[A-Za-z]{3})[^()가-힣]*\)/;

/** The `#[error("…")]` format strings of a Rust file (one or several string pieces each). */
function errorFormats(source: string): string[] {
  const formats: string[] = [];
  for (const attribute of source.matchAll(/#\[error\(\s*((?:"(?:[^"\\]|\\.)*"\s*,?\s*)+)/g)) {
    const first = /"((?:[^"\\]|\\.)*)"/.exec(attribute[1] ?? "");
    if (first?.[1] !== undefined) formats.push(first[1].replace(/\\"/g, '"').replace(/\\\n\s*/g, ""));
  }
  return formats;
}

/** A format string with each placeholder filled with a short id (states are filled with their
 * Korean label in Rust, so any English left is the message's own). */
function filled(format: string): string {
  return format.replace(/\{\{|\{[^{}]*\}/g, (placeholder) => (placeholder === "{{" ? "{" : "x1"));
}

const messages = Object.entries(SOURCES)
  .filter(([path]) => !NOT_IN_THE_APP.test(path))
  .flatMap(([path, source]) => errorFormats(source).map((format) => ({ path, format })));

describe("every error message from Rust, as the owner reads it", () => {
  it("is found in the sources", () => {
    expect(messages.length, "the scan reads the Rust error messages").toBeGreaterThan(100);
  });

  it.each(messages)("$path: $format", ({ format }) => {
    const shown = ownerText(filled(format));
    expect(shown, "no English gloss in parentheses").not.toMatch(ENGLISH_IN_PARENTHESES);
    expect(shown, "no state code").not.toMatch(STATE_CODES);
  });
});
