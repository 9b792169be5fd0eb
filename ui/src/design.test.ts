// The design system as rules on the stylesheets: every colour is a token, and every colour token
// has a dark value, so dark mode (the system setting) can never leave a light patch behind.
/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";

/** Every stylesheet of the UI, by path, as text. */
const SHEETS = import.meta.glob<string>("./**/*.css", { query: "?raw", import: "default", eager: true });

/** The custom properties declared inside the first block that starts at `from`. */
function tokensIn(css: string, from: number): Map<string, string> {
  const open = css.indexOf("{", from);
  let depth = 0;
  let end = open;
  for (let i = open; i < css.length; i++) {
    if (css[i] === "{") depth++;
    if (css[i] === "}" && --depth === 0) {
      end = i;
      break;
    }
  }
  const tokens = new Map<string, string>();
  for (const m of css.slice(open, end).matchAll(/(--[a-z0-9-]+)\s*:\s*([^;]+);/g)) tokens.set(m[1]!, m[2]!.trim());
  return tokens;
}

const COLOUR = /#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(/;

describe("design tokens", () => {
  const css = SHEETS["./styles.css"] ?? "";

  const light = tokensIn(css, css.indexOf(":root"));
  const dark = tokensIn(css, css.indexOf("@media (prefers-color-scheme: dark)"));

  it("gives every colour token a dark value that follows the system setting", () => {
    const colours = [...light].filter(([, value]) => COLOUR.test(value)).map(([name]) => name);
    expect(colours.length, "the light set has colour tokens").toBeGreaterThan(10);
    const missing = colours.filter((name) => !dark.has(name) && !name.startsWith("--shadow"));
    expect(missing, "colour tokens with no dark value").toEqual([]);
  });

  it("uses no colour outside the token sets: every rule takes its colour from a variable", () => {
    const offenders: string[] = [];
    expect(Object.keys(SHEETS).length, "the stylesheets were found").toBeGreaterThan(2);
    for (const [file, text] of Object.entries(SHEETS)) {
      text.split("\n").forEach((line, i) => {
        const declaresToken = /^\s*(:root\s*\{\s*)?(--[a-z0-9-]+\s*:|@media)/.test(line) || /--[a-z0-9-]+\s*:\s*[^;]*;/.test(line);
        if (COLOUR.test(line) && !declaresToken) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
