import { useState, type FormEvent } from "react";
import { ownerText } from "../ownerText";
import { Button } from "./Button";
import { Dialog, DialogActions } from "./Dialog";
import { Field } from "./Field";

/** Korea time to the second, for "locked until". */
const kstSeconds = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** Unix milliseconds in KST, e.g. `2026. 11. 30. 14:05:09 KST`. */
export function formatKstSeconds(ms: number): string {
  return `${kstSeconds.format(new Date(ms))} KST`;
}

interface PinDialogProps {
  /** What the PIN is for, e.g. "환불". */
  action: string;
  /** Rust's refusal of the last try (tries left, or until when it is locked). */
  error: string | null;
  /** Set while the PIN is locked (Unix ms): the dialog says until when, in KST. */
  lockedUntil: number | null;
  /** The last try is being checked. */
  busy: boolean;
  onSubmit: (pin: string) => void;
  onCancel: () => void;
}

/**
 * 관리자 PIN을 입력하세요: a modal that asks for the owner's PIN before a guarded action. It only
 * collects the digits; Rust checks them, and the dialog shows what Rust said (tries left, or
 * until when it is locked). The PIN is cleared after every try and never kept.
 */
export function PinDialog({ action, error, lockedUntil, busy, onSubmit, onCancel }: PinDialogProps) {
  const [pin, setPin] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    // Never bubbles into the form of the screen that asked (the portal keeps React's tree).
    event.stopPropagation();
    if (pin === "" || busy) return;
    onSubmit(pin);
    // Not kept: a refused try starts from an empty field.
    setPin("");
  }

  return (
    <Dialog
      title={
        <>
          관리자 PIN을 입력하세요 <span className="en">Owner PIN</span>
        </>
      }
      testId="pin-dialog"
      onClose={() => {
        if (!busy) onCancel();
      }}
    >
      <form onSubmit={submit} className="pin-form">
        <p className="muted">{action}: 관리자만 할 수 있는 작업입니다.</p>
        {lockedUntil !== null && (
          <p className="notice error" role="alert" data-testid="pin-locked">
            PIN을 5번 잘못 입력해 잠겼습니다. {formatKstSeconds(lockedUntil)}까지 기다린 뒤 다시 시도해 주세요.
          </p>
        )}
        {error && (
          <p className="notice error" role="alert" data-testid="pin-error">
            {ownerText(error)}
          </p>
        )}
        <Field
          label="관리자 PIN"
          labelHidden
          type="password"
          inputMode="numeric"
          maxLength={8}
          value={pin}
          disabled={busy}
          autoFocus
          testId="pin-input"
          onChange={(value) => setPin(value.replace(/\D/g, ""))}
        />
        <p className="hint muted">PIN을 잊었다면 이 컴퓨터에서 posctl pin reset으로 초기화할 수 있습니다.</p>
        <DialogActions>
          <Button onClick={onCancel} disabled={busy} data-testid="pin-cancel">
            취소
          </Button>
          <Button type="submit" variant="primary" disabled={pin === ""} busyText={busy ? "확인 중…" : null} data-testid="pin-submit">
            확인
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
