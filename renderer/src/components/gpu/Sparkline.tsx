interface SparklineProps {
  values: (number | null)[];
  /** Fixed bounds keep cards comparable; otherwise the line fills the box. */
  min?: number;
  max?: number;
  label: string;
  testId?: string;
}

const W = 120;
const H = 32;

/** A tiny SVG line of recent readings. Gaps (null) break the line rather than inventing values. */
export function Sparkline({ values, min, max, label, testId }: SparklineProps) {
  const known = values.filter((v): v is number => v !== null);
  const lo = min ?? (known.length ? Math.min(...known) : 0);
  const hi = max ?? (known.length ? Math.max(...known) : 1);
  const span = hi - lo || 1;
  const step = values.length > 1 ? W / (values.length - 1) : W;
  const segments: string[] = [];
  let current = '';
  values.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (H - ((Math.min(Math.max(v, lo), hi) - lo) / span) * H).toFixed(1);
    current += `${current ? ' L' : 'M'}${x},${y}`;
  });
  if (current) segments.push(current);
  return (
    <svg
      className="sparkline"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      data-testid={testId}
    >
      {segments.map((d, i) => (
        <path key={i} d={d} fill="none" stroke="currentColor" strokeWidth="1.5" />
      ))}
    </svg>
  );
}
