import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeBackend, invokeMock } from "./test/fakeBackend";
import { App } from "./App";
import { PLANS, sandboxStatus } from "./test/fixtures";
import { shortcutOf } from "./useAppKeys";

beforeEach(() => {
  invokeMock.mockReset();
  fakeBackend({
    app_status: () => sandboxStatus(),
    list_plans: () => PLANS,
    list_orders: () => ({ total: 0, items: [] }),
    get_settings: () => ({}),
  });
});

function headingOf(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`heading #${id} is on screen`);
  return el;
}

describe("keyboard: screen changes and shortcuts", () => {
  it("moves focus to the new screen's heading after navigation, not to <body>", async () => {
    render(<App />);
    await screen.findByTestId("plan-pass_1m");
    await userEvent.click(screen.getByTestId("nav-orders"));
    await waitFor(() => expect(document.activeElement, "focus is on the 주문 내역 heading").toBe(headingOf("orders-title")));
    await userEvent.click(screen.getByTestId("nav-plans"));
    await waitFor(() => expect(document.activeElement).toBe(document.querySelector("main h1")));
  });

  it("F2 opens 주문 내역 and F1 goes back to 요금제", async () => {
    render(<App />);
    await screen.findByTestId("plan-pass_1m");
    await userEvent.keyboard("{F2}");
    await waitFor(() => expect(document.activeElement).toBe(headingOf("orders-title")));
    expect(screen.getByTestId("nav-orders")).toHaveAttribute("aria-current", "page");
    await userEvent.keyboard("{F1}");
    expect(await screen.findByTestId("plan-pass_1m")).toBeInTheDocument();
    expect(screen.getByTestId("nav-plans")).toHaveAttribute("aria-current", "page");
  });

  it("Ctrl+F opens 주문 내역 with the cursor in the search box, from any screen", async () => {
    render(<App />);
    await screen.findByTestId("plan-pass_1m");
    await userEvent.keyboard("{Control>}f{/Control}");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("orders-search")));
    await userEvent.keyboard("01M8");
    expect(screen.getByTestId("orders-search")).toHaveValue("01M8");
  });

  it("names each shortcut key and ignores other keys", () => {
    const key = (k: string, mods: Partial<KeyboardEvent> = {}) =>
      shortcutOf({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
    expect(key("F1")).toBe("plans");
    expect(key("F2")).toBe("orders");
    expect(key("f", { ctrlKey: true })).toBe("search");
    expect(key("F", { ctrlKey: true }), "with caps lock").toBe("search");
    expect(key("f"), "plain f types a letter").toBeNull();
    expect(key("F1", { altKey: true })).toBeNull();
  });
});
