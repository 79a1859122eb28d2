import { AppError } from '../../../shared/api/errors';
import type { EstimateRequest, EstimateView } from '../../../shared/api/methods/earnings';
import { estimate } from '../../../shared/earnings/estimate';
import { resolveRate } from '../../../shared/earnings/exchange';
import { offersFor } from '../../../shared/earnings/rate-card';
import { loadPowerW, type PowerSource } from '../../../shared/gpu/tdp';
import type { Gpu } from '../../../shared/gpu/types';
import type { Settings } from '../../../shared/settings/schema';
import type { MarketData } from './market-data';

/** Fee assumed where a network does not publish its share. Marketplaces commonly keep 10–25%. */
export const DEFAULT_FEE = 0.15;

/**
 * Fills what the request leaves out (the detected card, the owner's settings) and runs the pure
 * estimator. The first detected GPU with public rates is the default card.
 */
export function estimateFor(
  request: EstimateRequest,
  gpus: Gpu[],
  settings: Settings,
  market: MarketData,
): EstimateView {
  const knownKeys = [...new Set(market.rateCard.entries.map((e) => e.gpuKey))].sort();
  const detected = gpus.find((g) => knownKeys.includes(g.key)) ?? gpus[0];
  const gpuKey = request.gpuKey ?? detected?.key;
  if (!gpuKey) {
    throw new AppError(
      'not_found',
      'No GPU was detected. Pick a GPU model to estimate for (for example --gpu rtx-4090).',
    );
  }
  const card = gpus.find((g) => g.key === gpuKey);
  const power: { watts: number; source: PowerSource } | null = request.powerW
    ? { watts: request.powerW, source: 'user' }
    : loadPowerW(gpuKey, card?.powerLimitW ?? null);
  if (!power) {
    throw new AppError(
      'bad_request',
      `Rigshare does not know how much power a ${gpuKey} draws. Enter its power in watts.`,
    );
  }
  const currency = request.currency ?? settings.currency;
  const rate = resolveRate(market.exchange, currency, settings.exchangeRateOverrides);
  // A kWh price is in the settings currency; when the request changes only the currency, convert it.
  let kwhPrice = request.kwhPrice ?? settings.electricityPricePerKwh;
  if (request.kwhPrice === undefined && currency !== settings.currency) {
    const from = resolveRate(market.exchange, settings.currency, settings.exchangeRateOverrides);
    kwhPrice = (kwhPrice / from.perUsd) * rate.perUsd;
  }
  const result = estimate({
    gpuKey,
    offers: offersFor(market.rateCard, gpuKey),
    utilization: request.utilization ?? settings.expectedUtilization,
    hoursPerDay: request.hoursPerDay ?? settings.hoursPerDay,
    powerW: power.watts,
    kwhPrice,
    currency,
    perUsd: rate.perUsd,
    defaultFee: request.fee ?? DEFAULT_FEE,
  });
  return {
    ...result,
    powerSource: power.source,
    exchange: { origin: rate.origin, date: rate.date },
    rateCardUpdated: market.rateCard.updated,
    knownKeys,
  };
}
