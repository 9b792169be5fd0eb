// The keyboard side of the shell: focus moves to each new screen's heading (so a keyboard or
// screen-reader user starts at the top of what just appeared, not on <body>), and the shortcuts
// for the common screens: F1 요금제, F2 주문 내역, Ctrl+F 주문 검색.
import { useCallback, useEffect, useRef, type RefObject } from "react";

/** What the shortcuts do. */
export interface ShortcutActions {
  plans: () => void;
  orders: () => void;
  search: () => void;
}

/** The shortcut keys, for hints and `aria-keyshortcuts`. */
export const SHORTCUT_KEYS = { plans: "F1", orders: "F2", search: "Control+F" } as const;

/** Whether a modal dialog is open: shortcuts must not act behind it. */
function modalOpen(): boolean {
  return document.querySelector('[aria-modal="true"]') !== null;
}

/** Which shortcut a key press is, if any. */
export function shortcutOf(event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">): keyof ShortcutActions | null {
  if (event.altKey) return null;
  if (event.key === "F1" && !event.ctrlKey && !event.metaKey) return "plans";
  if (event.key === "F2" && !event.ctrlKey && !event.metaKey) return "orders";
  if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "f") return "search";
  return null;
}

/** Listens for the shortcuts on the whole window (not while a modal dialog is open). */
export function useShortcuts(actions: ShortcutActions) {
  const current = useRef(actions);
  useEffect(() => {
    current.current = actions;
  }, [actions]);
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      const which = shortcutOf(event);
      if (!which || modalOpen()) return;
      // F1 (help) and Ctrl+F (find in page) belong to the app here.
      event.preventDefault();
      current.current[which]();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}

/** What [`useScreenFocus`] gives the shell. */
export interface ScreenFocus {
  /** Put it on the element that holds the screens. */
  main: RefObject<HTMLElement | null>;
  /** After the next screen change, focus the element `selector` names instead of the heading. */
  focusNext: (selector: string) => void;
}

/**
 * After every screen change (a new `screen` value; not the first render), moves focus to the
 * element asked for with `focusNext`, or else to the screen's `<h1>`.
 */
export function useScreenFocus(screen: unknown): ScreenFocus {
  const main = useRef<HTMLElement | null>(null);
  const target = useRef<string | null>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const container = main.current;
    if (!container) return;
    const wanted = target.current ? container.querySelector<HTMLElement>(target.current) : null;
    target.current = null;
    if (wanted) {
      wanted.focus();
      return;
    }
    const heading = container.querySelector<HTMLElement>("h1");
    if (!heading) return;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
  }, [screen]);
  const focusNext = useCallback((selector: string) => {
    target.current = selector;
  }, []);
  return { main, focusNext };
}
