import { useState, type FormEvent } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { CommandError, setCredentials, toCommandError } from "../ipc";
import { usePinGuard } from "../usePinGuard";
import { Badge } from "../components/Badge";
import { Button } from "../components/Button";
import { SAVE_AGAIN } from "../errors";

interface CredentialsSectionProps {
  /** Whether a key and secret are stored (the only thing the app ever shows about them). */
  isSet: boolean;
  onSaved: (isSet: boolean) => void;
  /** The relay's store key and secret (중계 서버) instead of the REST key. */
  relay?: boolean;
}

/**
 * REST API key and secret: write-only. The inputs start empty every time, are cleared after
 * saving, and the screen only ever says 설정됨 / 미설정.
 */
export function CredentialsSection({ isSet, onSaved, relay = false }: CredentialsSectionProps) {
  const [key, setKey] = useState("");
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [saved, setSaved] = useState(false);
  const { guard, dialog } = usePinGuard();
  const prefix = relay ? "settings-relay-credentials" : "settings-credentials";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const done = await guard("API 키 변경", (pin) => setCredentials({ impKey: key, impSecret: secret }, pin, relay));
      if (!done) return;
      const status = done.value;
      setKey("");
      setSecret("");
      setSaved(true);
      onSaved(status.set);
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} aria-label={relay ? "중계 서버 매장 키" : "REST API 키"}>
      <fieldset>
        <legend>
          {relay ? (
            <>
              중계 서버 매장 키 <span className="en">Relay store key</span>
            </>
          ) : (
            <>
              아임포트 REST API 키 <span className="en">REST API credentials</span>
            </>
          )}
        </legend>
        <p>
          상태:{" "}
          <Badge tone={isSet ? "ok" : "neutral"} testId={`${prefix}-status`}>
            {isSet ? "설정됨" : "미설정"}
          </Badge>
        </p>
        <p className="hint muted">
          {relay
            ? "판뮤직에서 받은 매장 키와 시크릿을 붙여 넣으세요."
            : "아임포트 관리자 콘솔의 [내 식별코드·API Keys]에서 복사해 붙여 넣으세요."}{" "}
          저장한 값은 이 컴퓨터의 보안 저장소에만 보관되며 화면에 다시 표시되지 않습니다.
        </p>
        <Field
          label={relay ? "매장 키" : "REST API 키"}
          value={key}
          onChange={setKey}
          testId={relay ? "settings-relay-key" : "settings-imp-key"}
        />
        <Field
          label={relay ? "매장 시크릿" : "REST API 시크릿"}
          type="password"
          value={secret}
          onChange={setSecret}
          testId={relay ? "settings-relay-secret" : "settings-imp-secret"}
        />
        {error && <ErrorNotice error={error} testId={`${prefix}-error`} action={error.code === "validation" ? SAVE_AGAIN : undefined} />}
        {saved && (
          <p className="notice ok" role="status" data-testid={`${prefix}-saved`}>
            API 키를 저장했습니다.
          </p>
        )}
        <div className="actions">
          <Button
            type="submit"
            disabled={busy || key.trim() === "" || secret.trim() === ""}
            data-testid={`${prefix}-save`}
          >
            {isSet ? "API 키 바꾸기" : "API 키 저장"}
          </Button>
        </div>
      </fieldset>
      {dialog}
    </form>
  );
}
