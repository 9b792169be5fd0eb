import { useId } from "react";

/** One choice of a [`SelectField`]: the value sent and the word the owner reads. */
export interface SelectOption {
  value: string;
  label: string;
}

interface SelectFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: SelectOption[];
  testId: string;
  /** The label is read to screen readers but not shown (a filter row whose first option says it). */
  labelHidden?: boolean;
  /** Label and drop-down side by side (a filter row) instead of the label above. */
  inline?: boolean;
  /** A note under the drop-down (where its choices came from), with its own `data-testid`. */
  hint?: string | null;
  hintTestId?: string;
}

/** A labelled drop-down, styled and labelled like [`Field`]. */
export function SelectField({ label, value, onChange, options, testId, labelHidden = false, inline = false, hint, hintTestId }: SelectFieldProps) {
  const id = useId();
  return (
    <div className={inline ? "field inline" : "field"}>
      <label htmlFor={id} className={labelHidden ? "visually-hidden" : undefined}>
        {label}
      </label>
      <select id={id} value={value} data-testid={testId} onChange={(event) => onChange(event.target.value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {hint && (
        <span className="hint" data-testid={hintTestId}>
          {hint}
        </span>
      )}
    </div>
  );
}
