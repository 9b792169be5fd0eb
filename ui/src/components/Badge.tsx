import type { ReactNode } from "react";

/** What a state means to the owner: done, waiting, needs attention, informational, or over. */
export type Tone = "ok" | "warn" | "error" | "info" | "neutral";

interface BadgeProps {
  tone: Tone;
  children: ReactNode;
  testId?: string;
  /** The machine state behind the word, kept off screen for tests and tools (`data-state`). */
  state?: string;
}

/** A state as a colour and a word: never a colour alone, never a raw code. */
export function Badge({ tone, children, testId, state }: BadgeProps) {
  return (
    <span className={`badge ${tone}`} data-testid={testId} data-state={state} data-tone={tone}>
      {children}
    </span>
  );
}
