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
}

/** A labelled drop-down, styled and labelled like [`Field`]. */
export function SelectField({ label, value, onChange, options, testId, labelHidden = false }: SelectFieldProps) {
  const id = useId();
  return (
    <div className="field">
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
    </div>
  );
}
