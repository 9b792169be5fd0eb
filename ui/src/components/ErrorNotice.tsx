import { adviceFor } from "../errors";
import type { CommandError } from "../ipc";
import { ownerText } from "../ownerText";

interface ErrorNoticeProps {
  error: CommandError;
  testId?: string;
  /** What the owner can do, when the screen knows better than the error code's generic advice. */
  action?: string;
}

/** One failed command, in Korean: what went wrong (from Rust, as the owner reads it) and what the owner can do. */
export function ErrorNotice({ error, testId = "error-notice", action }: ErrorNoticeProps) {
  const advice = adviceFor(error.code);
  return (
    <div className="notice error" role="alert" data-testid={testId} data-code={error.code}>
      <strong>{advice.title}</strong>
      <p>{ownerText(error.message)}</p>
      <p className="hint">{action ?? advice.action}</p>
    </div>
  );
}
