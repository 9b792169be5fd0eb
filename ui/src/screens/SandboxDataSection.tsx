import { useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { clearSandboxData, CommandError, toCommandError } from "../ipc";
import { usePinGuard } from "../usePinGuard";
import { Button } from "../components/Button";

/**
 * 테스트 데이터 지우기: empties the sandbox order book (test orders, jobs, subscriptions) and the
 * sandbox's saved payments. Asks once more, saying what it does; live data is never touched.
 */
export function SandboxDataSection() {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [done, setDone] = useState(false);
  const { guard, dialog } = usePinGuard();

  async function clear() {
    setBusy(true);
    setError(null);
    try {
      if (!(await guard("테스트 데이터 지우기", (pin) => clearSandboxData(pin)))) return;
      setDone(true);
      setAsking(false);
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="form" aria-label="테스트 데이터">
      <fieldset>
        <legend>
          테스트 데이터 <span className="en">Sandbox data</span>
        </legend>
        <p className="hint muted">
          테스트(SANDBOX) 모드에서 만든 주문, 정기결제, 작업 기록과 테스트 결제 서버의 결제를 모두
          지웁니다. 실제 결제 데이터는 지우지 않습니다.
        </p>
        {error && <ErrorNotice error={error} testId="sandbox-clear-error" />}
        {done && (
          <p className="notice ok" role="status" data-testid="sandbox-cleared">
            테스트 데이터를 지웠습니다.
          </p>
        )}
        {asking ? (
          <div className="notice warning" role="alert" data-testid="sandbox-clear-confirm">
            <p>테스트 주문과 테스트 결제를 모두 지울까요? 되돌릴 수 없습니다. 실제 결제 데이터는 그대로 남습니다.</p>
            <div className="actions">
              <Button
                variant="danger"
                disabled={busy}
                onClick={clear}
                data-testid="sandbox-clear-yes"
              >
                {busy ? "지우는 중…" : "지우기"}
              </Button>
              <Button disabled={busy} onClick={() => setAsking(false)}>
                취소
              </Button>
            </div>
          </div>
        ) : (
          <div className="actions">
            <Button
              onClick={() => {
                setDone(false);
                setAsking(true);
              }}
              data-testid="sandbox-clear"
            >
              테스트 데이터 지우기
            </Button>
          </div>
        )}
      </fieldset>
      {dialog}
    </section>
  );
}
