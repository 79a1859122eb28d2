import { describe, expect, it } from 'vitest';
import { offersFromMarketRates } from '../../../shared/earnings/live-rates';
import { estimate } from '../../../shared/earnings/estimate';
import type { MarketRates } from '../../../shared/protocol/messages';

const at = Date.UTC(2026, 10, 25, 12);

function rates(rows: Partial<MarketRates['rates'][number]>[]): MarketRates {
  return {
    at,
    token: { symbol: 'USDC', decimals: 6 },
    feeBps: 1000,
    rates: rows.map((r) => ({
      gpuKey: null,
      queuedJobs: 3,
      medianOfferPerGpuHour: null,
      minOfferPerGpuHour: null,
      maxOfferPerGpuHour: null,
      completedLast24h: 7,
      avgPaidPerGpuHour: null,
      ...r,
    })),
  };
}

const network = { name: 'This machine', url: 'http://127.0.0.1:4000' };

describe('live network rates as estimator offers', () => {
  it('converts token units per GPU-hour to dollars and keeps the network fee', () => {
    const [offer] = offersFromMarketRates(
      rates([{ gpuKey: 'rtx-4090', minOfferPerGpuHour: 350_000, maxOfferPerGpuHour: 720_000 }]),
      'rtx-4090',
      network,
    );
    expect(offer).toMatchObject({ network: 'This machine', gpuKey: 'rtx-4090', fee: 0.1, sourceDate: '2026-11-25' });
    expect(offer!.usdPerHour).toEqual({ low: 0.35, high: 0.72 });
    expect(offer!.source).toContain('http://127.0.0.1:4000/v1/market/rates');
  });

  it("prefers the card's own key over a rate for any GPU, and falls back to it", () => {
    const both = rates([
      { gpuKey: null, medianOfferPerGpuHour: 100_000 },
      { gpuKey: 'rtx-3090', medianOfferPerGpuHour: 250_000 },
    ]);
    expect(offersFromMarketRates(both, 'rtx-3090', network)[0]!.usdPerHour).toEqual({ low: 0.25, high: 0.25 });
    expect(offersFromMarketRates(both, 'rtx-4090', network)[0]!.usdPerHour).toEqual({ low: 0.1, high: 0.1 });
  });

  it('offers nothing when the network has no price to show', () => {
    expect(offersFromMarketRates(rates([{ gpuKey: 'rtx-4090' }]), 'rtx-4090', network)).toEqual([]);
    expect(offersFromMarketRates(rates([]), 'rtx-4090', network)).toEqual([]);
  });

  it('feeds the estimator so a higher published offer raises the net', () => {
    const run = (max: number) =>
      estimate({
        gpuKey: 'rtx-4090',
        offers: offersFromMarketRates(
          rates([{ gpuKey: 'rtx-4090', minOfferPerGpuHour: 300_000, maxOfferPerGpuHour: max }]),
          'rtx-4090',
          network,
        ),
        utilization: 0.6,
        hoursPerDay: 20,
        powerW: 450,
        kwhPrice: 0.2,
        currency: 'USD',
        perUsd: 1,
        defaultFee: 0.15,
      });
    const low = run(400_000);
    const high = run(900_000);
    expect(high.offers[0]!.perMonth.net.high).toBeGreaterThan(low.offers[0]!.perMonth.net.high);
    expect(high.offers[0]!.perMonth.net.low).toBeCloseTo(low.offers[0]!.perMonth.net.low, 6);
  });
});
