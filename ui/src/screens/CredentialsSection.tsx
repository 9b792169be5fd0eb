import { useState, type FormEvent } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { CommandError, setCredentials, toCommandError } from "../ipc";
import { usePinGuard } from "../usePinGuard";

interface CredentialsSectionProps {
  /** Whether a key and secret are stored (the only thing the app ever shows about them). */
  isSet: boolean;
  onSaved: (isSet: boolean) => void;
}

/**
 * REST API key and secret: write-only. The inputs start empty every time, are cleared after
 * saving, and the screen only ever says 설정됨 / 미설정.
 */
export function CredentialsSection({ isSet, onSaved }: CredentialsSectionProps) {
  const [key, setKey] = useState("");
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [saved, setSaved] = useState(false);
  const { guard, dialog } = usePinGuard();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const done = await guard("API 키 변경", (pin) => setCredentials({ impKey: key, impSecret: secret }, pin));
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
    <form className="form" onSubmit={submit} aria-label="REST API 키">
      <fieldset>
        <legend>
          아임포트 REST API 키 <span className="en">REST API credentials</span>
        </legend>
        <p>
          상태:{" "}
          <span
            className={isSet ? "badge set" : "badge unset"}
            data-testid="settings-credentials-status"
          >
            {isSet ? "설정됨" : "미설정"}
          </span>
        </p>
        <p className="hint muted">
          아임포트 관리자 콘솔의 [내 식별코드·API Keys]에서 복사해 붙여 넣으세요. 저장한 값은 이
          컴퓨터의 보안 저장소에만 보관되며 화면에 다시 표시되지 않습니다.
        </p>
        <Field
          label="REST API 키"
          value={key}
          onChange={setKey}
          testId="settings-imp-key"
        />
        <Field
          label="REST API 시크릿"
          type="password"
          value={secret}
          onChange={setSecret}
          testId="settings-imp-secret"
        />
        {error && <ErrorNotice error={error} testId="settings-credentials-error" />}
        {saved && (
          <p className="notice ok" role="status" data-testid="settings-credentials-saved">
            API 키를 저장했습니다.
          </p>
        )}
        <div className="actions">
          <button
            type="submit"
            className="button"
            disabled={busy || key.trim() === "" || secret.trim() === ""}
            data-testid="settings-credentials-save"
          >
            {isSet ? "API 키 바꾸기" : "API 키 저장"}
          </button>
        </div>
      </fieldset>
      {dialog}
    </form>
  );
}
