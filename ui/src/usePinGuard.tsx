import { ownerText } from "./ownerText";
import { useCallback, useState, type ReactNode } from "react";
import { PinDialog } from "./components/PinDialog";
import { pinStatus, toCommandError, type CommandError, type OwnerPin } from "./ipc";

/** A guarded step that ran, and the PIN it ran with (`null`: none was needed) for a follow-up step. */
export interface Guarded<T> {
  value: T;
  pin: OwnerPin;
}

/** Runs `step` with the owner's PIN; resolves `null` when the owner cancelled the dialog. */
export type PinGuard = <T>(action: string, step: (pin: OwnerPin) => Promise<T>) => Promise<Guarded<T> | null>;

interface Pending {
  action: string;
  step: (pin: OwnerPin) => Promise<unknown>;
  resolve: (result: Guarded<unknown> | null) => void;
  reject: (reason: CommandError) => void;
}

/**
 * The owner's PIN in front of a guarded action. `guard(action, step)` first runs `step(null)`:
 * without a PIN set, Rust lets it through and no dialog shows. When Rust answers with code `pin`,
 * the PIN dialog opens; each try runs `step(pin)` and Rust checks it. A wrong PIN keeps the
 * dialog open with Rust's message (tries left, or until when it is locked); any other failure
 * closes it and rejects, for the screen to show. Render `dialog` somewhere in the screen.
 */
export function usePinGuard(): { guard: PinGuard; dialog: ReactNode } {
  const [pending, setPending] = useState<Pending | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const guard = useCallback<PinGuard>(async <T,>(action: string, step: (pin: OwnerPin) => Promise<T>) => {
    try {
      return { value: await step(null), pin: null };
    } catch (reason) {
      const refused = toCommandError(reason);
      if (refused.code !== "pin") throw refused;
    }
    setError(null);
    setLockedUntil(null);
    // Only to say until when a lock lasts; Rust refuses while locked either way.
    pinStatus().then(
      (status) => setLockedUntil(status.lockedUntil),
      () => setLockedUntil(null),
    );
    return new Promise<Guarded<T> | null>((resolve, reject) => {
      setPending({
        action,
        step,
        resolve: resolve as (result: Guarded<unknown> | null) => void,
        reject,
      });
    });
  }, []);

  async function submit(current: Pending, pin: string) {
    setBusy(true);
    try {
      const value = await current.step(pin);
      setPending(null);
      current.resolve({ value, pin });
    } catch (reason) {
      const refused = toCommandError(reason);
      if (refused.code === "pin") {
        setLockedUntil(null);
        setError(ownerText(refused.message));
      } else {
        setPending(null);
        current.reject(refused);
      }
    } finally {
      setBusy(false);
    }
  }

  const dialog = pending ? (
    <PinDialog
      action={pending.action}
      error={error}
      lockedUntil={lockedUntil}
      busy={busy}
      onSubmit={(pin) => void submit(pending, pin)}
      onCancel={() => {
        setPending(null);
        pending.resolve(null);
      }}
    />
  ) : null;

  return { guard, dialog };
}
