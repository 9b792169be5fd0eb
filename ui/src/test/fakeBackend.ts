// A fake Rust side for component tests: `@tauri-apps/api/core`'s invoke is mocked and routed
// to per-command handlers; a handler that throws rejects like a Rust command does. Events Rust
// emits (`@tauri-apps/api/event`) are sent with `emitEvent`.
import { vi } from "vitest";
import { PLANS } from "./fixtures";

type Handler = (args: Record<string, unknown> | undefined) => unknown;

export const invokeMock = vi.fn();

vi.mock("@tauri-apps/api/core", () => ({
  invoke: (command: string, args?: Record<string, unknown>) => invokeMock(command, args),
}));

/** What a fresh install answers unless a test says otherwise: no owner PIN is set, the three plans,
 * autostart on and no backups yet. */
const DEFAULTS: Record<string, Handler> = {
  pin_status: () => ({ set: false, triesLeft: 5, lockedUntil: null }),
  store_pc_status: () => ({ autostart: true, backups: [], backupFolder: null }),
  list_plans: () => PLANS,
  "plugin:app|version": () => "0.1.0",
  get_entitlement: () => ({ activeUntil: null, current: [], endsSoon: false, periods: [], now: "2026-11-30T00:00:00Z" }),
};

type EventHandler = (event: { event: string; payload: unknown }) => void;

const eventHandlers = new Map<string, Set<EventHandler>>();

vi.mock("@tauri-apps/api/event", () => ({
  listen: (event: string, handler: EventHandler) => {
    const handlers = eventHandlers.get(event) ?? new Set<EventHandler>();
    eventHandlers.set(event, handlers);
    handlers.add(handler);
    return Promise.resolve(() => handlers.delete(handler));
  },
}));

/** Delivers an event to every listener, as Rust's `emit_to("main", …)` does. */
export function emitEvent(event: string, payload: unknown) {
  for (const handler of [...(eventHandlers.get(event) ?? [])]) handler({ event, payload });
}

/** How many listeners `event` has now. */
export function listenerCount(event: string): number {
  return eventHandlers.get(event)?.size ?? 0;
}

/** Routes each command to its handler; an unknown command rejects like Tauri does (a string). */
export function fakeBackend(handlers: Record<string, Handler>) {
  invokeMock.mockImplementation(async (command: string, args?: Record<string, unknown>) => {
    const handler = handlers[command] ?? DEFAULTS[command];
    if (!handler) throw `command ${command} not found`;
    return handler(args);
  });
}

/** What a Rust command rejects with. */
export function ipcError(code: string, message: string) {
  return { code, message };
}
