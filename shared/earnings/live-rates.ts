import type { MarketRates } from '../protocol/messages';
import type { RateCardEntry } from './rate-card';

/**
 * Turns a joined network's published rates into rate-card offers, so the estimate shows what
 * this network really pays instead of the bundled survey. The payout token is a USD stablecoin
 * (USDC-style), so one whole token is one dollar. Offers for the card's own key win; a rate
 * published for any GPU (key null) is used when there is none.
 */
export function offersFromMarketRates(
  rates: MarketRates,
  gpuKey: string,
  network: { name: string; url: string },
): RateCardEntry[] {
  const perToken = 10 ** rates.token.decimals;
  const own = rates.rates.filter((r) => r.gpuKey === gpuKey);
  const rows = own.length > 0 ? own : rates.rates.filter((r) => r.gpuKey === null);
  const date = new Date(rates.at).toISOString().slice(0, 10);
  return rows.flatMap((row) => {
    const paid = row.avgPaidPerGpuHour;
    const low = row.minOfferPerGpuHour ?? row.medianOfferPerGpuHour ?? paid;
    const high = row.maxOfferPerGpuHour ?? row.medianOfferPerGpuHour ?? paid;
    if (low === null || high === null) return [];
    return [
      {
        network: network.name,
        tier: 'live market',
        gpuKey,
        usdPerHour: { low: Math.min(low, high) / perToken, high: Math.max(low, high) / perToken },
        fee: rates.feeBps / 10_000,
        source: `${network.url}/v1/market/rates (${row.queuedJobs} queued offers, ${row.completedLast24h} jobs paid in 24 h)`,
        sourceDate: date,
        note: 'Published by the network you joined; replaces the survey figures for it.',
      },
    ];
  });
}
