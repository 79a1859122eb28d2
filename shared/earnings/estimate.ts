import { z } from 'zod';
import { CurrencyCode } from '../format/currency';
import { Range, type RateCardEntry } from './rate-card';

/** Average month: 365.25 / 12 days. */
export const DAYS_PER_MONTH = 30.4375;

export const EstimateInput = z.object({
  gpuKey: z.string(),
  offers: z.array(z.custom<RateCardEntry>()),
  /** Share of offered hours a renter actually uses the GPU, 0..1. */
  utilization: z.number().min(0).max(1),
  hoursPerDay: z.number().min(0).max(24),
  /** Power under load in watts (driver limit or TDP table). */
  powerW: z.number().positive(),
  /** Electricity price per kWh, in `currency`. */
  kwhPrice: z.number().min(0),
  currency: CurrencyCode,
  /** Units of `currency` per USD. */
  perUsd: z.number().positive(),
  /** Fee assumed where a rate card does not state the network's share, 0..1. */
  defaultFee: z.number().min(0).max(1),
});
export type EstimateInput = z.infer<typeof EstimateInput>;

export const Warning = z.enum(['loses-money', 'may-lose-money']);
export type Warning = z.infer<typeof Warning>;

export const MoneyFlow = z.object({ gross: Range, electricity: Range, net: Range });
export type MoneyFlow = z.infer<typeof MoneyFlow>;

export const OfferEstimate = z.object({
  network: z.string(),
  tier: z.string(),
  source: z.string(),
  sourceDate: z.string(),
  note: z.string().nullable(),
  usdPerHour: Range,
  fee: z.number(),
  feeAssumed: z.boolean(),
  perDay: MoneyFlow,
  perMonth: MoneyFlow,
  /** The kWh price (in `currency`) at which net is exactly zero, for the low and high rate. */
  breakEvenKwhPrice: Range,
  warning: Warning.nullable(),
});
export type OfferEstimate = z.infer<typeof OfferEstimate>;

export const EstimateResult = z.object({
  gpuKey: z.string(),
  currency: CurrencyCode,
  powerW: z.number(),
  utilization: z.number(),
  hoursPerDay: z.number(),
  kwhPrice: z.number(),
  perUsd: z.number(),
  /** kWh used per day at the expected utilization. */
  kwhPerDay: z.number(),
  offers: z.array(OfferEstimate),
});
export type EstimateResult = z.infer<typeof EstimateResult>;

function scale(r: Range, k: number): Range {
  return { low: r.low * k, high: r.high * k };
}

/**
 * Net earnings, honestly: what the renter pays, less the network's share, less the electricity the
 * card burns while it works. Only rented hours draw load power; an idle card's draw is small and
 * the same whether Rigshare runs or not, so it is left out.
 */
export function estimateOffer(input: EstimateInput, offer: RateCardEntry): OfferEstimate {
  const rentedHours = input.hoursPerDay * input.utilization;
  const feeAssumed = offer.fee === null;
  const fee = offer.fee ?? input.defaultFee;
  const kw = input.powerW / 1000;
  const keepPerHour = scale(offer.usdPerHour, (1 - fee) * input.perUsd);

  const gross = scale(keepPerHour, rentedHours);
  const electricityCost = kw * rentedHours * input.kwhPrice;
  const electricity = { low: electricityCost, high: electricityCost };
  const net = { low: gross.low - electricityCost, high: gross.high - electricityCost };
  const perDay = { gross, electricity, net };
  const perMonth = {
    gross: scale(gross, DAYS_PER_MONTH),
    electricity: scale(electricity, DAYS_PER_MONTH),
    net: scale(net, DAYS_PER_MONTH),
  };
  const breakEvenKwhPrice = scale(keepPerHour, 1 / kw);
  const warning: Warning | null =
    rentedHours === 0 ? null : net.high < 0 ? 'loses-money' : net.low < 0 ? 'may-lose-money' : null;

  return {
    network: offer.network,
    tier: offer.tier,
    source: offer.source,
    sourceDate: offer.sourceDate,
    note: offer.note ?? null,
    usdPerHour: offer.usdPerHour,
    fee,
    feeAssumed,
    perDay,
    perMonth,
    breakEvenKwhPrice,
    warning,
  };
}

export function estimate(input: EstimateInput): EstimateResult {
  return {
    gpuKey: input.gpuKey,
    currency: input.currency,
    powerW: input.powerW,
    utilization: input.utilization,
    hoursPerDay: input.hoursPerDay,
    kwhPrice: input.kwhPrice,
    perUsd: input.perUsd,
    kwhPerDay: (input.powerW / 1000) * input.hoursPerDay * input.utilization,
    offers: input.offers
      .filter((o) => o.gpuKey === input.gpuKey)
      .map((o) => estimateOffer(input, o))
      .sort((a, b) => b.perMonth.net.high - a.perMonth.net.high),
  };
}
