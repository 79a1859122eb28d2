import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateFor } from '../../../electron/core/gpu/estimator';
import { loadMarketData } from '../../../electron/core/gpu/market-data';
import { DAYS_PER_MONTH, estimate, estimateOffer, type EstimateInput } from '../../../shared/earnings/estimate';
import { ExchangeTable, resolveRate } from '../../../shared/earnings/exchange';
import { RateCard, type RateCardEntry } from '../../../shared/earnings/rate-card';
import { CURRENCIES } from '../../../shared/format/currency';
import type { Gpu } from '../../../shared/gpu/types';
import { defaultSettings } from '../../../shared/settings/schema';

const RESOURCES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../resources');

const offer: RateCardEntry = {
  network: 'Peer GPU marketplaces',
  tier: 'on-demand',
  gpuKey: 'rtx-4090',
  usdPerHour: { low: 0.4, high: 0.8 },
  fee: 0.1,
  source: 'test card',
  sourceDate: '2026-11-25',
};

const base: EstimateInput = {
  gpuKey: 'rtx-4090',
  offers: [offer],
  utilization: 0.5,
  hoursPerDay: 20,
  powerW: 450,
  kwhPrice: 0.2,
  currency: 'USD',
  perUsd: 1,
  defaultFee: 0.15,
};

describe('net earnings for one offer', () => {
  it('computes gross, electricity and net per day and per month', () => {
    const o = estimateOffer(base, offer);
    // 10 rented hours a day: 0.4*0.9*10 = 3.6 and 0.8*0.9*10 = 7.2 gross; 0.45 kW * 10 h * 0.2 = 0.9 electricity.
    expect(o.perDay.gross.low).toBeCloseTo(3.6);
    expect(o.perDay.gross.high).toBeCloseTo(7.2);
    expect(o.perDay.electricity.low).toBeCloseTo(0.9);
    expect(o.perDay.net.low).toBeCloseTo(2.7);
    expect(o.perDay.net.high).toBeCloseTo(6.3);
    expect(o.perMonth.net.high).toBeCloseTo(6.3 * DAYS_PER_MONTH);
    // Break-even: 0.4*0.9/0.45 = 0.8 and 0.8*0.9/0.45 = 1.6 per kWh.
    expect(o.breakEvenKwhPrice.low).toBeCloseTo(0.8);
    expect(o.breakEvenKwhPrice.high).toBeCloseTo(1.6);
    expect(o.warning).toBeNull();
    expect(o.feeAssumed).toBe(false);
  });

  it('warns clearly when net is negative', () => {
    expect(estimateOffer({ ...base, kwhPrice: 1.0 }, offer).warning).toBe('may-lose-money');
    expect(estimateOffer({ ...base, kwhPrice: 2.0 }, offer).warning).toBe('loses-money');
  });

  it('converts into the owner currency and applies the assumed fee where a card has none', () => {
    const o = estimateOffer({ ...base, currency: 'KES', perUsd: 129.2, kwhPrice: 25 }, { ...offer, fee: null });
    expect(o.feeAssumed).toBe(true);
    expect(o.fee).toBe(0.15);
    expect(o.perDay.gross.low).toBeCloseTo(0.4 * 0.85 * 129.2 * 10);
    expect(o.perDay.electricity.low).toBeCloseTo(0.45 * 10 * 25);
  });

  it('only estimates offers for the asked GPU, best first', () => {
    const other = { ...offer, gpuKey: 'rtx-3090' };
    const better = { ...offer, network: 'Better', usdPerHour: { low: 0.5, high: 1.0 } };
    const result = estimate({ ...base, offers: [offer, other, better] });
    expect(result.offers.map((o) => o.network)).toEqual(['Better', 'Peer GPU marketplaces']);
    expect(result.kwhPerDay).toBeCloseTo(4.5);
  });
});

const inputs = fc.record({
  low: fc.double({ min: 0.01, max: 5, noNaN: true }),
  spread: fc.double({ min: 0, max: 5, noNaN: true }),
  fee: fc.double({ min: 0, max: 0.5, noNaN: true }),
  utilization: fc.double({ min: 0.01, max: 1, noNaN: true }),
  hours: fc.double({ min: 0.5, max: 24, noNaN: true }),
  powerW: fc.double({ min: 20, max: 1500, noNaN: true }),
  kwh: fc.double({ min: 0, max: 100, noNaN: true }),
  perUsd: fc.double({ min: 0.5, max: 5000, noNaN: true }),
});

type Params = typeof inputs extends fc.Arbitrary<infer T> ? T : never;

function build(p: Params): [EstimateInput, RateCardEntry] {
  const o = { ...offer, fee: p.fee, usdPerHour: { low: p.low, high: p.low + p.spread } };
  return [
    {
      ...base,
      offers: [o],
      utilization: p.utilization,
      hoursPerDay: p.hours,
      powerW: p.powerW,
      kwhPrice: p.kwh,
      perUsd: p.perUsd,
    },
    o,
  ];
}

describe('estimator properties', () => {
  it('net falls as the kWh price rises', () => {
    fc.assert(
      fc.property(inputs, fc.double({ min: 0.001, max: 50, noNaN: true }), (p, rise) => {
        const [input, o] = build(p);
        const a = estimateOffer(input, o);
        const b = estimateOffer({ ...input, kwhPrice: input.kwhPrice + rise }, o);
        return b.perDay.net.low < a.perDay.net.low && b.perDay.net.high < a.perDay.net.high;
      }),
    );
  });

  it('net is zero at the break-even kWh price', () => {
    fc.assert(
      fc.property(inputs, (p) => {
        const [input, o] = build(p);
        const { breakEvenKwhPrice } = estimateOffer(input, o);
        const atLow = estimateOffer({ ...input, kwhPrice: breakEvenKwhPrice.low }, o).perDay.net.low;
        const atHigh = estimateOffer({ ...input, kwhPrice: breakEvenKwhPrice.high }, o).perDay.net.high;
        const scaleOf = estimateOffer(input, o).perDay.gross.high + 1;
        return Math.abs(atLow) <= 1e-9 * scaleOf && Math.abs(atHigh) <= 1e-9 * scaleOf;
      }),
    );
  });

  it('net scales with hours offered', () => {
    fc.assert(
      fc.property(inputs, fc.double({ min: 0.1, max: 1, noNaN: true }), (p, k) => {
        const [input, o] = build(p);
        const full = estimateOffer(input, o).perMonth.net;
        const part = estimateOffer({ ...input, hoursPerDay: input.hoursPerDay * k }, o).perMonth.net;
        const tol = 1e-9 * (Math.abs(full.high) + Math.abs(full.low) + 1);
        return Math.abs(part.low - full.low * k) <= tol && Math.abs(part.high - full.high * k) <= tol;
      }),
    );
  });

  it('low never exceeds high', () => {
    fc.assert(
      fc.property(inputs, (p) => {
        const [input, o] = build(p);
        const e = estimateOffer(input, o);
        return e.perMonth.net.low <= e.perMonth.net.high && e.breakEvenKwhPrice.low <= e.breakEvenKwhPrice.high;
      }),
    );
  });
});

describe('bundled market data', () => {
  const market = loadMarketData(RESOURCES);

  it('every rate-card entry names its source and date', () => {
    const card = RateCard.parse(JSON.parse(fs.readFileSync(path.join(RESOURCES, 'rate-cards.json'), 'utf8')));
    for (const e of card.entries) {
      expect(e.source.length).toBeGreaterThan(10);
      expect(e.sourceDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const a100 = card.entries
      .filter((e) => e.gpuKey === 'a100-80gb')
      .map((e) => [e.network, e.usdPerHour.low, e.usdPerHour.high]);
    expect(a100).toEqual([
      ['Hyperscale clouds', 3.0, 4.5],
      ['Render Network', 0.8, 1.2],
      ['Akash', 0.5, 0.9],
      ['io.net', 0.6, 1.0],
    ]);
  });

  it('the exchange table is dated and covers every app currency', () => {
    expect(market.exchange.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const c of CURRENCIES) expect(market.exchange.rates[c]).toBeGreaterThan(0);
    expect(() => ExchangeTable.parse({ ...market.exchange, rates: { USD: 1 } })).toThrow();
  });

  it('a user rate wins over the bundled one', () => {
    expect(resolveRate(market.exchange, 'KES', { KES: 130 })).toEqual({
      currency: 'KES',
      perUsd: 130,
      origin: 'user',
      date: null,
    });
    expect(resolveRate(market.exchange, 'KES').origin).toBe('bundled');
  });
});

describe('estimate filled from detection and settings', () => {
  const market = loadMarketData(RESOURCES);
  const rtx4090: Gpu = {
    index: 0,
    vendor: 'nvidia',
    model: 'NVIDIA GeForce RTX 4090',
    key: 'rtx-4090',
    vramMiB: 24564,
    driver: '580.82.09',
    uuid: null,
    pciBus: null,
    powerLimitW: 525,
  };

  it('uses the detected card, its power limit and the saved settings', () => {
    const settings = { ...defaultSettings(), currency: 'KES' as const, electricityPricePerKwh: 25, hoursPerDay: 12 };
    const view = estimateFor({}, [rtx4090], settings, market);
    expect(view).toMatchObject({
      gpuKey: 'rtx-4090',
      powerW: 525,
      powerSource: 'driver-limit',
      currency: 'KES',
      kwhPrice: 25,
      hoursPerDay: 12,
    });
    expect(view.exchange.origin).toBe('bundled');
    expect(view.offers.length).toBeGreaterThan(0);
  });

  it('converts the saved kWh price when only the currency changes', () => {
    const settings = { ...defaultSettings(), currency: 'USD' as const, electricityPricePerKwh: 0.2 };
    const view = estimateFor({ currency: 'KES' }, [rtx4090], settings, market);
    expect(view.kwhPrice).toBeCloseTo(0.2 * market.exchange.rates.KES);
  });

  it('falls back to the TDP table for a card picked by key', () => {
    expect(estimateFor({ gpuKey: 'a100-80gb' }, [], defaultSettings(), market)).toMatchObject({
      powerW: 300,
      powerSource: 'tdp-table',
    });
  });

  it('explains what to do when nothing is detected or the power is unknown', () => {
    expect(() => estimateFor({}, [], defaultSettings(), market)).toThrow(/Pick a GPU model/);
    expect(() => estimateFor({ gpuKey: 'mystery' }, [], defaultSettings(), market)).toThrow(/Enter its power/);
  });
});
