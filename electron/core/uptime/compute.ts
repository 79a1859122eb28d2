import type { Incident, IncidentCause, MonthOutlook, UptimeDay } from '../../../shared/wallet/uptime';

/** A heartbeat the coordinator acknowledged with a valid signed receipt. */
export interface CreditedBeat {
  /** When the coordinator received it (its clock, from the receipt). */
  at: number;
  /** The state the node reported; a paused rig is reachable but not offered, so earns no credit. */
  paused: boolean;
}

/** What the local heartbeat ledger recorded, whether or not the coordinator answered. */
export interface LocalBeat {
  at: number;
  outcome: 'acked' | 'offline' | 'paused';
}

const DAY_MS = 86_400_000;

function dayKey(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

function dayStart(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/**
 * Credit by the gap rule: time between two consecutive receipted heartbeats counts only when the
 * gap is no longer than the allowed interval and the rig was not paused. Everything else is a
 * stretch of downtime, later named by cause.
 */
export function creditSpans(
  beats: CreditedBeat[],
  maxGapMs: number,
): { credited: [number, number][]; down: { from: number; to: number; paused: boolean }[] } {
  const sorted = [...beats].sort((a, b) => a.at - b.at);
  const credited: [number, number][] = [];
  const down: { from: number; to: number; paused: boolean }[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.at === a.at) continue;
    if (b.at - a.at <= maxGapMs && !a.paused) credited.push([a.at, b.at]);
    else down.push({ from: a.at, to: b.at, paused: a.paused });
  }
  return { credited, down };
}

/** Names a stretch of downtime from what the local ledger saw during it. */
export function causeOf(span: { from: number; to: number; paused: boolean }, local: LocalBeat[]): IncidentCause {
  if (span.paused) return 'paused';
  const inside = local.filter((b) => b.at > span.from && b.at < span.to);
  if (inside.some((b) => b.outcome === 'paused')) return 'paused';
  if (inside.some((b) => b.outcome === 'offline')) return 'offline';
  // Nothing recorded at all: the agent was not running to send anything.
  if (inside.length === 0) return 'agent_stopped';
  return 'unknown';
}

export interface UptimeInput {
  beats: CreditedBeat[];
  local: LocalBeat[];
  maxGapMs: number;
  from: number;
  now: number;
}

export function computeUptime(input: UptimeInput): { days: UptimeDay[]; incidents: Incident[]; creditedMs: number } {
  const { credited, down } = creditSpans(input.beats, input.maxGapMs);
  // A silence since the last receipt is downtime too, once it outgrows the interval.
  const last = [...input.beats].sort((a, b) => b.at - a.at)[0];
  if (last && input.now - last.at > input.maxGapMs) down.push({ from: last.at, to: input.now, paused: last.paused });

  const perDay = new Map<number, number>();
  let total = 0;
  for (const [a0, b0] of credited) {
    const a = Math.max(a0, input.from);
    const b = Math.min(b0, input.now);
    for (let t = a; t < b;) {
      const end = Math.min(b, dayStart(t) + DAY_MS);
      perDay.set(dayStart(t), (perDay.get(dayStart(t)) ?? 0) + (end - t));
      total += end - t;
      t = end;
    }
  }
  const days: UptimeDay[] = [];
  for (let d = dayStart(input.from); d <= input.now; d += DAY_MS) {
    const elapsed = Math.max(0, Math.min(input.now, d + DAY_MS) - Math.max(d, input.from));
    const creditedMs = Math.min(perDay.get(d) ?? 0, elapsed);
    days.push({ day: dayKey(d), creditedMs, elapsedMs: elapsed, ratio: elapsed > 0 ? creditedMs / elapsed : 0 });
  }

  const incidents: Incident[] = [];
  for (const span of down.filter((s) => s.to > input.from).sort((x, y) => x.from - y.from)) {
    const cause = causeOf(span, input.local);
    const prev = incidents.at(-1);
    if (prev && prev.cause === cause && prev.to >= span.from) {
      prev.to = span.to;
      prev.durationMs = prev.to - prev.from;
    } else {
      incidents.push({ from: span.from, to: span.to, durationMs: span.to - span.from, cause });
    }
  }
  return { days, incidents, creditedMs: total };
}

/**
 * Where the calendar month stands against the target: on track, at risk, or already missed.
 * A rig that started serving mid-month is judged from its first credited heartbeat, so a
 * newcomer is not told on day one that the month is lost.
 */
export function monthOutlook(
  input: Omit<UptimeInput, 'from'> & { serviceStart?: number | null },
  target: number,
): MonthOutlook {
  const d = new Date(input.now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const start = Math.min(input.now, Math.max(monthStart, input.serviceStart ?? monthStart));
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const { creditedMs } = computeUptime({ ...input, from: start });
  const elapsed = Math.max(1, input.now - start);
  const achieved = Math.min(1, creditedMs / elapsed);
  const bestPossible = Math.min(1, (creditedMs + (end - input.now)) / (end - start));
  const state = bestPossible < target ? 'missed' : achieved < target ? 'at_risk' : 'ok';
  return { month: dayKey(start).slice(0, 7), target, achieved, bestPossible, state };
}
