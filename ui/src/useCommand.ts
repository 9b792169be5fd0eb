import { useCallback, useEffect, useState } from "react";
import { CommandError, toCommandError } from "./ipc";

export type CommandState<T> =
  | { status: "loading" }
  | { status: "ok"; data: T }
  | { status: "error"; error: CommandError };

/**
 * Runs a read command when the component mounts (and again on `reload`, or every `refreshMs`).
 * A refresh keeps showing the last data while it runs.
 */
export function useCommand<T>(
  run: () => Promise<T>,
  refreshMs?: number,
): [CommandState<T>, () => void] {
  const [state, setState] = useState<CommandState<T>>({ status: "loading" });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let live = true;
    run().then(
      (data) => live && setState({ status: "ok", data }),
      (reason: unknown) => live && setState({ status: "error", error: toCommandError(reason) }),
    );
    return () => {
      live = false;
    };
  }, [run, tick]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = window.setInterval(reload, refreshMs);
    return () => window.clearInterval(timer);
  }, [refreshMs, reload]);

  return [state, reload];
}
