import { useEffect, useRef, useState } from 'react';
import type { JobSummary } from '../../../../shared/jobs/result';
import { ensureRows, PAGE_SIZE, useJobRows } from './job-rows';

export const ROW_HEIGHT = 34;
const OVERSCAN = 10;

interface Props {
  selected: string | null;
  onSelect(id: string): void;
  renderRow(job: JobSummary | undefined, index: number): React.ReactNode;
}

/**
 * A list as tall as the whole ledger that renders only the rows in view. Scrolling asks for the
 * pages it reaches; rows not loaded yet show as placeholders, so the scroll never waits.
 */
export function VirtualJobList({ selected, onSelect, renderRow }: Props) {
  const total = useJobRows((s) => s.total);
  const pages = useJobRows((s) => s.pages);
  const generation = useJobRows((s) => s.generation);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const count = total ?? 0;
  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(Math.max(count - 1, 0), Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);

  // Runs again when the cache changes too: a page evicted while in view is fetched again.
  useEffect(() => {
    ensureRows(first, total === null ? PAGE_SIZE - 1 : last);
  }, [first, last, total, generation, pages]);

  const rows: React.ReactNode[] = [];
  if (count > 0) {
    for (let i = first; i <= last; i++) {
      const job = pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
      rows.push(
        <div
          key={i}
          role="row"
          aria-rowindex={i + 1}
          aria-selected={job !== undefined && job.id === selected}
          data-testid="job-row"
          data-index={i}
          className={`job-row${job && job.id === selected ? ' selected' : ''}`}
          style={{ position: 'absolute', top: i * ROW_HEIGHT, left: 0, right: 0, height: ROW_HEIGHT }}
          onClick={() => job && onSelect(job.id)}
        >
          {renderRow(job, i)}
        </div>,
      );
    }
  }

  return (
    <div
      ref={scroller}
      role="grid"
      aria-rowcount={count}
      data-testid="jobs-scroller"
      style={{ overflowY: 'auto', height: '60vh', position: 'relative', contain: 'strict' }}
      onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
    >
      <div style={{ height: count * ROW_HEIGHT, position: 'relative' }}>{rows}</div>
    </div>
  );
}
