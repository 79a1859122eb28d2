import { z } from 'zod';

/** A low–high pair. Every money figure the estimator gives is a range, never a single promise. */
export const Range = z.object({ low: z.number(), high: z.number() });
export type Range = z.infer<typeof Range>;

/** What one network pays for one GPU model at one SLA tier, in USD per GPU-hour. */
export const RateCardEntry = z
  .object({
    network: z.string().min(1),
    tier: z.string().min(1),
    gpuKey: z.string().min(1),
    usdPerHour: Range.refine((r) => r.low >= 0 && r.high >= r.low, 'high must be at least low'),
    /** Share the network keeps, 0..1. Null when the published price is not clear about it. */
    fee: z.number().min(0).max(1).nullable(),
    /** Where the figure was published and when it was read. */
    source: z.string().min(1),
    sourceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** What the figure means for a home host (e.g. "what renters pay; hosts cannot sell here"). */
    note: z.string().optional(),
  })
  .strict();
export type RateCardEntry = z.infer<typeof RateCardEntry>;

export const RateCard = z
  .object({
    version: z.literal(1),
    updated: z.string(),
    entries: z.array(RateCardEntry),
  })
  .strict();
export type RateCard = z.infer<typeof RateCard>;

export function offersFor(card: RateCard, gpuKey: string): RateCardEntry[] {
  return card.entries.filter((e) => e.gpuKey === gpuKey);
}
