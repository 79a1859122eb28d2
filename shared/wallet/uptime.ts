import { z } from 'zod';
import { SlaTier } from '../protocol/messages';

/** Why the rig earned no uptime credit for a stretch of time, where the local ledger can tell. */
export const IncidentCause = z.enum(['agent_stopped', 'offline', 'paused', 'unknown']);
export type IncidentCause = z.infer<typeof IncidentCause>;

export const UptimeDay = z.object({
  /** UTC date, YYYY-MM-DD. */
  day: z.string(),
  creditedMs: z.number().int().nonnegative(),
  /** The part of the day that has passed (all of it, for past days). */
  elapsedMs: z.number().int().nonnegative(),
  ratio: z.number().min(0).max(1),
});
export type UptimeDay = z.infer<typeof UptimeDay>;

export const Incident = z.object({
  from: z.number().int(),
  to: z.number().int(),
  durationMs: z.number().int().nonnegative(),
  cause: IncidentCause,
});
export type Incident = z.infer<typeof Incident>;

/** Uptime targets per service tier, as fractions. */
export const SLA_TARGETS: Record<z.infer<typeof SlaTier>, number> = { bronze: 0.95, silver: 0.99, gold: 0.999 };

export const MonthOutlook = z.object({
  month: z.string(),
  target: z.number(),
  achieved: z.number().min(0).max(1),
  /** The best the month can still end at, if the rig is up for all of the rest of it. */
  bestPossible: z.number().min(0).max(1),
  /** ok: on track; at_risk: below target so far but still reachable; missed: cannot be reached. */
  state: z.enum(['ok', 'at_risk', 'missed']),
});
export type MonthOutlook = z.infer<typeof MonthOutlook>;

export const UptimeReport = z.object({
  tier: SlaTier,
  target: z.number(),
  heartbeatIntervalMs: z.number().int().positive(),
  days: z.array(UptimeDay),
  incidents: z.array(Incident),
  month: MonthOutlook,
  receipts: z.object({ accepted: z.number().int(), rejected: z.number().int() }),
});
export type UptimeReport = z.infer<typeof UptimeReport>;
