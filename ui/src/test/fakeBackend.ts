// A fake Rust side for component tests: `@tauri-apps/api/core`'s invoke is mocked and routed
// to per-command handlers; a handler that throws rejects like a Rust command does.
import { vi } from "vitest";

type Handler = (args: Record<string, unknown> | undefined) => unknown;

export const invokeMock = vi.fn();

vi.mock("@tauri-apps/api/core", () => ({
  invoke: (command: string, args?: Record<string, unknown>) => invokeMock(command, args),
}));

/** What a fresh install answers unless a test says otherwise: no owner PIN is set. */
const DEFAULTS: Record<string, Handler> = {
  pin_status: () => ({ set: false, triesLeft: 5, lockedUntil: null }),
};

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
