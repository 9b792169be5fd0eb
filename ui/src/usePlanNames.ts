import { useCallback } from "react";
import { listPlans } from "./ipc";
import { useCommand } from "./useCommand";

/**
 * What an order bought, in the owner's words: the plan's Korean name from the catalog Rust sent.
 * Until the catalog is loaded (or when a plan was removed from it) it says 요금제, never the id.
 */
export function usePlanNames(): (planId: string) => string {
  const [plans] = useCommand(listPlans);
  return useCallback(
    (planId: string) => (plans.status === "ok" ? plans.data.find((p) => p.id === planId)?.nameKo : undefined) ?? "요금제",
    [plans],
  );
}
