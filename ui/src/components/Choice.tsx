import type { ReactNode } from "react";

interface ChoiceProps {
  /** A checkbox (on/off) or one radio of a group named `name`. */
  type?: "checkbox" | "radio";
  checked: boolean;
  /** Called with the new checked state (a radio only ever reports `true`). */
  onChange: (checked: boolean) => void;
  testId: string;
  /** The radio group's name (radios only). */
  name?: string;
  value?: string;
  disabled?: boolean;
  /** The label, read with the box. */
  children: ReactNode;
}

/** A checkbox or a radio with its label beside it, the whole label clickable. */
export function Choice({ type = "checkbox", checked, onChange, testId, name, value, disabled, children }: ChoiceProps) {
  return (
    <label className="choice">
      <input
        type={type}
        name={name}
        value={value}
        checked={checked}
        disabled={disabled}
        data-testid={testId}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span>{children}</span>
    </label>
  );
}
