// axe-core in jsdom: every screen's test runs it over what it rendered. jsdom has no layout, so
// colour contrast is left to the e2e run (real WebKit); everything else (names, roles, labels,
// ARIA, landmarks, duplicate ids) is checked here.
import axe from "axe-core";
import { expect } from "vitest";

/** The impacts that fail a test: what stops a keyboard or screen-reader user. */
const FAILING = new Set(["serious", "critical"]);

/** Runs axe over `root` (default the whole document) and fails on any serious or critical violation. */
export async function expectNoSeriousA11yViolations(root: Element = document.body): Promise<void> {
  const result = await axe.run(root, {
    rules: { "color-contrast": { enabled: false }, region: { enabled: false } },
    resultTypes: ["violations"],
  });
  const serious = result.violations
    .filter((v) => FAILING.has(v.impact ?? ""))
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.html).join("\n  ")}`);
  expect(serious, `axe found serious violations:\n${serious.join("\n")}`).toEqual([]);
}
