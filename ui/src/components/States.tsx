import type { ReactNode } from "react";

/** Loading: a spinner and what is being loaded, announced politely. */
export function Loading({ what, testId = "loading" }: { what: string; testId?: string }) {
  return (
    <div className="state-panel" role="status" data-testid={testId}>
      <span className="spinner" aria-hidden="true" />
      <p>{what} 불러오는 중…</p>
    </div>
  );
}

/** Nothing to show yet: what is missing and what the owner can do about it. */
export function Empty({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="state-panel" data-testid={testId}>
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  );
}

/** No internet: what does not work now and that the screen picks up again by itself. */
export function Offline({ children, testId = "offline" }: { children: ReactNode; testId?: string }) {
  return (
    <div className="notice warning" role="status" data-testid={testId}>
      <strong>인터넷에 연결되어 있지 않습니다</strong>
      <p>{children}</p>
    </div>
  );
}
