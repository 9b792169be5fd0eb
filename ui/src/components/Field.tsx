import { useId } from "react";

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  hint?: string;
  type?: "text" | "password" | "tel" | "email" | "date" | "month" | "search";
  placeholder?: string;
  autoComplete?: string;
  /** What is wrong with the value, shown under the input until it is fixed. */
  error?: string;
  inputMode?: "numeric" | "text" | "tel" | "email";
  maxLength?: number;
  /** The label is read to screen readers but not shown (a filter row whose placeholder says it). */
  labelHidden?: boolean;
  /** Label and input side by side (a filter row) instead of the label above. */
  inline?: boolean;
  /** Greyed out and not editable (while the value is being checked). */
  disabled?: boolean;
  /** The field a dialog focuses first when it opens. */
  autoFocus?: boolean;
}

/** A labelled text input with an optional hint and, when the value is wrong, its error underneath. */
export function Field({
  label,
  value,
  onChange,
  testId,
  hint,
  type = "text",
  placeholder,
  autoComplete = "off",
  error,
  inputMode,
  maxLength,
  labelHidden = false,
  inline = false,
  disabled = false,
  autoFocus = false,
}: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={inline ? "field inline" : "field"}>
      <label htmlFor={id} className={labelHidden ? "visually-hidden" : undefined}>
        {label}
      </label>
      <input
        id={id}
        type={type}
        value={value}
        placeholder={placeholder}
        autoComplete={autoComplete}
        spellCheck={false}
        inputMode={inputMode}
        maxLength={maxLength}
        disabled={disabled}
        data-autofocus={autoFocus ? true : undefined}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint && <span className="hint">{hint}</span>}
      {error && (
        <span className="field-error" id={errorId} role="alert" data-testid={`${testId}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
