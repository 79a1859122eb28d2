import { describe, expect, it } from 'vitest';
import type { Runner } from '../../../electron/core/gpu/nvidia';
import { RingBuffer } from '../../../electron/core/gpu/ring-buffer';
import { FAST_INTERVAL_MS, GpuTelemetry, HISTORY_TICKS, SLOW_INTERVAL_MS } from '../../../electron/core/gpu/telemetry';
import { detectGpus } from '../../../electron/core/gpu/detect';
import type { TelemetryTick } from '../../../shared/gpu/types';
import { noGraphics, stubRunner } from './stub-runner';

async function setup(stub: Parameters<typeof stubRunner>[0], now?: () => number) {
  const run = stubRunner(stub);
  const published: TelemetryTick[] = [];
  const inventory = await detectGpus({ run, graphics: noGraphics });
  const telemetry = new GpuTelemetry({ run, publish: (t) => published.push(t), now });
  telemetry.setGpus(inventory.gpus);
  return { telemetry, published };
}

describe('GPU telemetry', () => {
  it('reads every card of a rig in one tick, with [N/A] as null', async () => {
    const { telemetry, published } = await setup({ nvidia: 'rtx-5090-4090-rig' });
    const tick = await telemetry.tick();
    expect(published).toEqual([tick]);
    expect(tick.problem).toBeNull();
    expect(
      tick.samples.map((s) => [s.index, s.temperatureC, s.powerW, s.fanPct, s.utilizationPct, s.memoryUsedMiB]),
    ).toEqual([
      [0, 31, 6, 0, 0, 2],
      [1, 32, 13, 44, 0, 1],
    ]);
    // This recording has no clocks: null, not NaN.
    expect(tick.samples[0]!.clockGraphicsMHz).toBeNull();
  });

  it('reads AMD cards through rocm-smi', async () => {
    const { telemetry } = await setup({ amd: 'rx-7900-xt' });
    const tick = await telemetry.tick();
    expect(tick.samples).toEqual([
      expect.objectContaining({ vendor: 'amd', index: 0, utilizationPct: 0, memoryUsedMiB: 27, temperatureC: null }),
    ]);
  });

  it('keeps earlier history and names the problem when a read fails', async () => {
    let mode: 'ok' | 'fail' = 'ok';
    const ok = stubRunner({ nvidia: 'rtx-4090' });
    const failing = stubRunner({ nvidia: 'rtx-4090', nvidiaMode: 'fail' });
    const run: Runner = (c, a) => (mode === 'ok' ? ok(c, a) : failing(c, a));
    const inventory = await detectGpus({ run, graphics: noGraphics });
    let clock = 1_000_000;
    const telemetry = new GpuTelemetry({ run, publish: () => {}, now: () => (clock += 1000) });
    telemetry.setGpus(inventory.gpus);
    await telemetry.tick();
    mode = 'fail';
    const bad = await telemetry.tick();
    expect(bad.samples).toEqual([]);
    expect(bad.problem).toMatch(/nvidia-smi/);
    expect(telemetry.recent()).toHaveLength(2);
    expect(telemetry.recent()[0]!.samples).toHaveLength(1);
  });

  it('polls every 1 s while watched and every 15 s otherwise', async () => {
    const { telemetry } = await setup({ nvidia: 'rtx-4090' });
    expect(telemetry.intervalMs).toBe(SLOW_INTERVAL_MS);
    telemetry.setFast(true);
    expect(telemetry.intervalMs).toBe(FAST_INTERVAL_MS);
    expect((await telemetry.tick()).intervalMs).toBe(FAST_INTERVAL_MS);
    telemetry.setFast(false);
    expect(telemetry.intervalMs).toBe(SLOW_INTERVAL_MS);
  });

  it('keeps only the last hour', async () => {
    let clock = 0;
    const { telemetry } = await setup({ nvidia: 'rtx-4090' }, () => clock);
    clock = 1000;
    await telemetry.tick();
    clock = 1000 + 30 * 60_000;
    await telemetry.tick();
    clock = 1000 + 61 * 60_000;
    await telemetry.tick();
    expect(telemetry.recent().map((t) => t.at)).toEqual([1000 + 30 * 60_000, 1000 + 61 * 60_000]);
    expect(telemetry.recent(1000 + 30 * 60_000).map((t) => t.at)).toEqual([1000 + 61 * 60_000]);
  });

  it('does not poll vendors without a card', async () => {
    const calls: string[] = [];
    const run: Runner = async (command) => {
      calls.push(command);
      return { kind: 'missing', detail: 'not here' };
    };
    const telemetry = new GpuTelemetry({ run, publish: () => {} });
    telemetry.setGpus([]);
    const tick = await telemetry.tick();
    expect(calls).toEqual([]);
    expect(tick.samples).toEqual([]);
  });

  it('the live stub moves readings over time', async () => {
    const { telemetry } = await setup({ nvidia: 'rtx-4090', live: true });
    const a = await telemetry.tick();
    await new Promise((r) => setTimeout(r, 1100));
    const b = await telemetry.tick();
    expect(b.samples[0]!.powerW).not.toBe(a.samples[0]!.powerW);
  });
});

describe('ring buffer', () => {
  it('drops the oldest items past its capacity and keeps order', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i += 1) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
  });

  it('holds an hour of 1 s ticks', () => {
    expect(HISTORY_TICKS * FAST_INTERVAL_MS).toBe(3_600_000);
    expect(() => new RingBuffer(0)).toThrow();
  });
});
