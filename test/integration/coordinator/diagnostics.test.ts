import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinator, jobRequest, joinedNode, submit } from './helpers';

let c: Awaited<ReturnType<typeof coordinator>>;

beforeAll(async () => {
  c = await coordinator();
  // Offers of 0.20, 0.30 and 0.45 per GPU-hour (6 decimals).
  for (const price of [200_000, 300_000, 450_000]) await submit(c, jobRequest({ maxPricePerGpuHour: price }));
  await submit(c, jobRequest({ maxPricePerGpuHour: 300_000, requirements: { minVramMiB: 80_000, slaTier: 'bronze' } }));
});
afterAll(async () => {
  await c?.close();
});

describe('why no jobs?', () => {
  it('tells a node whose floor is above every offer exactly that, with the floor that would match', async () => {
    const node = await joinedNode(c, { floor: 500_000 });
    const d = await node.diagnostics();
    expect(d.queue).toEqual({ total: 4, matching: 0 });
    expect(d.passedOver).toHaveLength(4);
    for (const p of d.passedOver) expect(p.reasons).toContain('floor_above_offer');
    expect(d.summary[0]).toMatchObject({ reason: 'floor_above_offer', jobs: 4 });
    expect(d.summary[0]!.advice).toContain('0.5 USDC');
    expect(d.summary[0]!.advice).toContain('Lower your floor to 0.45 USDC');
    expect(d.verdict).toMatch(
      /^Every queued job was passed over for at least this reason\. Your price floor is 0\.5 USDC/,
    );
    // And it really gets nothing.
    expect(await node.lease(0)).toBeNull();
  });

  it('names VRAM, tier and missing benchmark separately', async () => {
    const small = await joinedNode(c, { vramMiB: 2048, floor: 0 });
    const d = await small.diagnostics();
    expect(d.summary.find((s) => s.reason === 'vram_too_small')).toMatchObject({ jobs: 4 });
    expect(d.summary.find((s) => s.reason === 'vram_too_small')!.advice).toMatch(/4096 MiB/);
    const unbenched = await joinedNode(c, { benchmark: false });
    const u = await unbenched.diagnostics();
    expect(u.hasBenchmark).toBe(false);
    expect(u.verdict).toMatch(/no benchmark/);
    expect(await unbenched.lease(0)).toBeNull();
    await submit(c, jobRequest({ requirements: { minVramMiB: 0, slaTier: 'gold' } }));
    const bronze = await joinedNode(c, { tier: 'bronze', floor: 0 });
    const b = await bronze.diagnostics();
    expect(b.passedOver.find((p) => p.slaTier === 'gold')?.reasons).toEqual(['tier_too_low']);
  });

  it('a node that matches is told how many jobs wait for it', async () => {
    const node = await joinedNode(c, { floor: 250_000 });
    const d = await node.diagnostics();
    expect(d.queue.matching).toBe(2);
    expect(d.verdict).toMatch(/^2 queued job\(s\) match/);
  });

  it('publishes market rates from the queue', async () => {
    const res = await fetch(`${c.url}/v1/market/rates`);
    const rates = (await res.json()) as { feeBps: number; rates: Array<{ gpuKey: string | null }> };
    expect(rates.feeBps).toBe(1000);
    const all = rates.rates.find((r: { gpuKey: string | null }) => r.gpuKey === null);
    expect(all).toMatchObject({
      queuedJobs: 5,
      minOfferPerGpuHour: 200_000,
      maxOfferPerGpuHour: 500_000,
      medianOfferPerGpuHour: 300_000,
    });
  });
});
