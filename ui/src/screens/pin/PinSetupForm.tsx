import { useState, type FormEvent, type ReactNode } from "react";
import type { PinStatus } from "../../bindings/PinStatus";
import { ErrorNotice } from "../../components/ErrorNotice";
import { CommandError, setOwnerPin, toCommandError } from "../../ipc";
import { Button } from "../../components/Button";
import { Field } from "../../components/Field";

interface PinSetupFormProps {
  /** A PIN is set already: changing it asks for the current one. */
  changing: boolean;
  onSaved: (status: PinStatus) => void;
  /** Shown next to the save button (the first-start offer's 나중에). */
  extraAction?: ReactNode;
}

/** A PIN field: digits only, at most 8. */
function PinInput(props: { label: string; value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <Field
      label={props.label}
      type="password"
      inputMode="numeric"
      maxLength={8}
      value={props.value}
      testId={props.testId}
      onChange={(value) => props.onChange(value.replace(/\D/g, ""))}
    />
  );
}

/** 관리자 PIN 설정/변경: a new 4–8 digit PIN typed twice (and the current one when changing). */
export function PinSetupForm({ changing, onSaved, extraAction }: PinSetupFormProps) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (next !== again) {
      setError(new CommandError("validation", "새 PIN과 확인 PIN이 다릅니다. 같은 숫자를 두 번 입력해 주세요."));
      return;
    }
    setBusy(true);
    try {
      const status = await setOwnerPin(next, changing ? current : null);
      setCurrent("");
      setNext("");
      setAgain("");
      onSaved(status);
    } catch (reason) {
      setCurrent("");
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} aria-label="관리자 PIN 설정" data-testid="pin-setup-form">
      {changing && <PinInput label="현재 PIN" value={current} onChange={setCurrent} testId="pin-setup-current" />}
      <PinInput label="새 PIN (숫자 4~8자리)" value={next} onChange={setNext} testId="pin-setup-new" />
      <PinInput label="새 PIN 확인" value={again} onChange={setAgain} testId="pin-setup-again" />
      {error && <ErrorNotice error={error} testId="pin-setup-error" />}
      <div className="actions">
        <Button
          type="submit"
          variant="primary"
          disabled={busy || next.length < 4 || again === ""}
          data-testid="pin-setup-save"
        >
          {changing ? "PIN 변경" : "PIN 설정"}
        </Button>
        {extraAction}
      </div>
    </form>
  );
}
