import type { ReactNode } from 'react';

interface SelectFieldProps<V extends string> {
  label: ReactNode;
  value: V;
  options: readonly V[];
  onChange: (value: V) => void;
  /** What the owner sees for an option; the value itself when not given. */
  optionLabel?: (value: V) => ReactNode;
  testId: string;
}

/** A labelled drop-down over a fixed list of values. */
export function SelectField<V extends string>({
  label,
  value,
  options,
  onChange,
  optionLabel = (v) => v,
  testId,
}: SelectFieldProps<V>) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as V)} data-testid={testId}>
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
    </label>
  );
}
