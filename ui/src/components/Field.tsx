import { useId } from "react";

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  hint?: string;
  type?: "text" | "password" | "tel" | "email";
  placeholder?: string;
  autoComplete?: string;
}

/** A labelled text input with an optional hint underneath. */
export function Field({
  label,
  value,
  onChange,
  testId,
  hint,
  type = "text",
  placeholder,
  autoComplete = "off",
}: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        placeholder={placeholder}
        autoComplete={autoComplete}
        spellCheck={false}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint && <span className="hint">{hint}</span>}
    </div>
  );
}
