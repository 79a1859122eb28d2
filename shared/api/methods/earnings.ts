import { z } from 'zod';
import { defineMethods } from '../define';
import { EstimateResult } from '../../earnings/estimate';
import { CurrencyCode } from '../../format/currency';

/** Every field is optional: what is left out comes from detection and settings. */
export const EstimateRequest = z
  .object({
    gpuKey: z.string().min(1).max(64).optional(),
    powerW: z.number().positive().max(5000).optional(),
    kwhPrice: z.number().min(0).max(100_000).optional(),
    currency: CurrencyCode.optional(),
    hoursPerDay: z.number().min(0).max(24).optional(),
    utilization: z.number().min(0).max(1).optional(),
    /** Network fee assumed where a rate card does not state one, 0..1. */
    fee: z.number().min(0).max(1).optional(),
  })
  .strict();
export type EstimateRequest = z.infer<typeof EstimateRequest>;

export const EstimateView = EstimateResult.extend({
  powerSource: z.enum(['driver-limit', 'tdp-table', 'user']),
  exchange: z.object({ origin: z.enum(['user', 'bundled']), date: z.string().nullable() }),
  rateCardUpdated: z.string(),
  /** GPU keys the rate cards cover, for a picker when the detected card has no public rates. */
  knownKeys: z.array(z.string()),
});
export type EstimateView = z.infer<typeof EstimateView>;

export const earningsMethods = defineMethods({
  'earnings.estimate': { input: EstimateRequest, output: EstimateView },
});
