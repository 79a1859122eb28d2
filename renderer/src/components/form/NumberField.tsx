import type { ReactNode } from 'react';

interface NumberFieldProps {
  label: ReactNode;
  value: number;
  /** The typed number as `Number` reads it: an empty box is 0 and nonsense is NaN. */
  onChange: (value: number) => void;
  min?: number;
  max?: number;
  step?: string;
  testId: string;
  /** A hint shown under the box. */
  children?: ReactNode;
}

/** A labelled number box. */
export function NumberField({ label, value, onChange, min, max, step, testId, children }: NumberFieldProps) {
  return (
    <label>
      {label}
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        data-testid={testId}
      />
      {children}
    </label>
  );
}
