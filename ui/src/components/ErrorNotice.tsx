import { adviceFor } from "../errors";
import type { CommandError } from "../ipc";

interface ErrorNoticeProps {
  error: CommandError;
  testId?: string;
}

/** One failed command, in Korean: what went wrong (from Rust) and what the owner can do. */
export function ErrorNotice({ error, testId = "error-notice" }: ErrorNoticeProps) {
  const advice = adviceFor(error.code);
  return (
    <div className="notice error" role="alert" data-testid={testId} data-code={error.code}>
      <strong>{advice.title}</strong>
      <p>{error.message}</p>
      <p className="hint">{advice.action}</p>
    </div>
  );
}
