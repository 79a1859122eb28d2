import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeJobCharge, formatUnits, parseUnits } from '../../../shared/protocol/money';

describe('job charge', () => {
  it('bills GPU-seconds at the hourly price, less the fee, in whole units', () => {
    // 90 s on 2 GPUs at 1.000000 per GPU-hour, 10 % fee.
    expect(computeJobCharge({ durationMs: 90_000, gpuCount: 2, pricePerGpuHour: 1_000_000, feeBps: 1000 })).toEqual({
      gpuMs: 180_000,
      gross: 50_000,
      fee: 5_000,
      net: 45_000,
    });
  });
  it('bills a CPU-only job as one GPU', () => {
    expect(computeJobCharge({ durationMs: 3_600_000, gpuCount: 0, pricePerGpuHour: 7, feeBps: 0 }).gross).toBe(7);
  });
  it('always splits gross exactly into fee + net, rounding down, never negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (durationMs, gpuCount, pricePerGpuHour, feeBps) => {
          const c = computeJobCharge({ durationMs, gpuCount, pricePerGpuHour, feeBps });
          expect(c.fee + c.net).toBe(c.gross);
          expect(c.net).toBeGreaterThanOrEqual(0);
          expect(c.gross * 3_600_000).toBeLessThanOrEqual(c.gpuMs * pricePerGpuHour);
        },
      ),
    );
  });
  it('refuses fractional or negative inputs', () => {
    expect(() => computeJobCharge({ durationMs: 1.5, gpuCount: 1, pricePerGpuHour: 1, feeBps: 0 })).toThrow();
    expect(() => computeJobCharge({ durationMs: 1, gpuCount: 1, pricePerGpuHour: -1, feeBps: 0 })).toThrow();
    expect(() => computeJobCharge({ durationMs: 1, gpuCount: 1, pricePerGpuHour: 1, feeBps: 10_001 })).toThrow();
  });
});

describe('units', () => {
  it('round-trips decimal text', () => {
    expect(parseUnits('0.25', 6)).toBe(250_000);
    expect(formatUnits(250_000, 6)).toBe('0.25');
    expect(formatUnits(1, 6)).toBe('0.000001');
    expect(formatUnits(3_000_000, 6)).toBe('3');
  });
  it('refuses more precision than the token has, and non-numbers', () => {
    expect(() => parseUnits('0.0000001', 6)).toThrow(/decimal places/);
    expect(() => parseUnits('1e3', 6)).toThrow();
    expect(() => parseUnits('-1', 6)).toThrow();
  });
});
