import { create } from 'zustand';
import type { JobSummary } from '../../../../shared/jobs/result';
import { getClient } from '../../api/client';

/** Rows are fetched from the agent a page at a time; the list never holds the whole ledger. */
export const PAGE_SIZE = 100;
/** Pages kept around; older ones are dropped and fetched again if scrolled back to. */
const MAX_CACHED_PAGES = 20;

interface JobRowsState {
  total: number | null;
  pages: Map<number, JobSummary[]>;
  /** Bumped when the ledger changed, so visible pages are fetched again. */
  generation: number;
  error: string | null;
}

export const useJobRows = create<JobRowsState>(() => ({ total: null, pages: new Map(), generation: 0, error: null }));

const inFlight = new Map<number, number>();

/** Makes sure the pages covering rows [first, last] are loaded (or loading). */
export function ensureRows(first: number, last: number): void {
  const { pages, generation } = useJobRows.getState();
  for (
    let page = Math.floor(Math.max(0, first) / PAGE_SIZE);
    page <= Math.floor(Math.max(0, last) / PAGE_SIZE);
    page++
  ) {
    const cached = pages.get(page);
    if (cached) {
      // Most recently seen last, so eviction drops pages far from the view first.
      pages.delete(page);
      pages.set(page, cached);
      continue;
    }
    if (inFlight.get(page) === generation) continue;
    inFlight.set(page, generation);
    getClient()
      .call('jobs.list', { offset: page * PAGE_SIZE, limit: PAGE_SIZE })
      .then((result) => {
        const state = useJobRows.getState();
        if (state.generation !== generation) return;
        const next = new Map(state.pages);
        next.set(page, result.items);
        while (next.size > MAX_CACHED_PAGES) next.delete(next.keys().next().value as number);
        useJobRows.setState({ pages: next, total: result.total, error: null });
      })
      .catch((err: Error) => useJobRows.setState({ error: err.message }))
      .finally(() => {
        if (inFlight.get(page) === generation) inFlight.delete(page);
      });
  }
}

export function rowAt(index: number): JobSummary | undefined {
  return useJobRows.getState().pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Job progress events name what changed; the list refetches what it shows. Bursts (a job's
 * start, many log lines) collapse into one refresh.
 */
export function startJobRows(): () => void {
  const refresh = (): void => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      inFlight.clear();
      useJobRows.setState((s) => ({ pages: new Map(), generation: s.generation + 1 }));
    }, 500);
  };
  const unsubscribe = getClient().subscribe('job.progress', refresh);
  // `rigshare job run` in another process writes the same ledger but sends this agent no events;
  // a one-row look every few seconds notices a new job.
  const poll = setInterval(() => {
    getClient()
      .call('jobs.list', { offset: 0, limit: 1 })
      .then((r) => {
        const { total, pages } = useJobRows.getState();
        const newest = pages.get(0)?.[0];
        if (
          r.total !== total ||
          (newest && r.items[0] && (r.items[0].id !== newest.id || r.items[0].status !== newest.status))
        )
          refresh();
      })
      .catch(() => {});
  }, 3000);
  return () => {
    unsubscribe();
    clearInterval(poll);
  };
}
