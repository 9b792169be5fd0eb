// A fake of Rust's PIN guard for component tests: a guarded handler refuses with code `pin`
// unless the call carries the owner's PIN, counting wrong tries like Rust does.
import type { PinStatus } from "../bindings/PinStatus";
import { ipcError } from "./fakeBackend";

/** The owner's PIN in these tests. */
export const OWNER_PIN = "2580";

type Handler = (args: Record<string, unknown> | undefined) => unknown;

/** A PIN that is set: `guarded(handler)` wraps a command; `status` answers `pin_status`. */
export function fakeOwnerPin(lockedUntil: number | null = null) {
  let failures = 0;
  const status = (): PinStatus => ({ set: true, triesLeft: 5 - failures, lockedUntil });
  const guarded =
    (handler: Handler): Handler =>
    (args) => {
      const pin = args?.pin;
      if (lockedUntil !== null) throw ipcError("pin", "관리자 PIN을 5번 잘못 입력해 잠겼습니다.");
      if (pin === null || pin === undefined) throw ipcError("pin", "관리자 PIN을 입력하세요.");
      if (pin !== OWNER_PIN) {
        failures += 1;
        throw ipcError("pin", `관리자 PIN이 맞지 않습니다. ${5 - failures}번 더 틀리면 5분 동안 잠깁니다.`);
      }
      return handler(args);
    };
  return { guarded, status };
}
