import { useCallback, useRef, useState, type ReactNode } from "react";
import { Button } from "./Button";
import { Dialog, DialogActions } from "./Dialog";

/** One question before an action that moves money or cannot be undone. */
export interface Confirmation {
  title: string;
  /** What will happen, in the owner's words (amounts, dates, the card). */
  body: ReactNode;
  /** The button that does it, e.g. "지금 해지". */
  confirmLabel: string;
  /** The button that does nothing (default 돌아가기). */
  cancelLabel?: string;
  /** Red confirm button for money going out or something deleted. */
  danger?: boolean;
  /** data-testid of the dialog (default `confirm-dialog`). */
  testId?: string;
}

/**
 * `confirm(question)` opens a confirmation and resolves true when the owner pressed its confirm
 * button, false on 돌아가기, Esc or the backdrop. Render `dialog` somewhere in the screen.
 */
export function useConfirm(): { confirm: (question: Confirmation) => Promise<boolean>; dialog: ReactNode } {
  const [question, setQuestion] = useState<Confirmation | null>(null);
  const answer = useRef<((yes: boolean) => void) | null>(null);

  const confirm = useCallback((next: Confirmation) => {
    answer.current?.(false);
    setQuestion(next);
    return new Promise<boolean>((resolve) => {
      answer.current = resolve;
    });
  }, []);

  const settle = (yes: boolean) => {
    answer.current?.(yes);
    answer.current = null;
    setQuestion(null);
  };

  const testId = question?.testId ?? "confirm-dialog";
  const dialog = question && (
    <Dialog title={question.title} role="alertdialog" testId={testId} onClose={() => settle(false)}>
      <div className="confirm-body">{question.body}</div>
      <DialogActions>
        <Button data-testid={`${testId}-cancel`} onClick={() => settle(false)}>
          {question.cancelLabel ?? "돌아가기"}
        </Button>
        <Button variant={question.danger ? "danger" : "primary"} data-testid={`${testId}-confirm`} data-autofocus onClick={() => settle(true)}>
          {question.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
  return { confirm, dialog };
}
